from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers

from desk.catalog import selectors
from desk.catalog.models import Category
from desk.lib.persian import normalize


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "agencies": selectors.agencies_with_counts(),
        "categories": selectors.categories_with_counts(),
    }
    return render(request, "catalog/home.html", context)


SEARCH_PAGE_SIZE = 20


def service_list(request: HttpRequest) -> HttpResponse:
    query = normalize(request.GET.get("q", ""))[:100]
    page = Paginator(selectors.services_search(query=query), SEARCH_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # htmx asks for the whole page when the back button misses its history cache.
    fragment = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "catalog/_results.html" if fragment else "catalog/list.html"
    context = {"services": page, "page": page, "total": page.paginator.count, "query": query}
    response = render(request, template, context)
    # One URL, two bodies: caches must keep the fragment apart from the page.
    patch_vary_headers(response, ["HX-Request"])
    return response


def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    agency = selectors.agency_with_services(slug)
    if agency is None:
        raise Http404
    return render(request, "catalog/agency.html", {"agency": agency})


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    services = selectors.services_search(category=category)
    return render(request, "catalog/category.html", {"category": category, "services": services})


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_for_public(slug)
    if service is None:
        raise Http404
    return render(request, "catalog/service.html", {"service": service})
