from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString

from desk.catalog import selectors
from desk.catalog.models import Category, Service
from desk.catalog.selectors import ServiceRow
from desk.catalog.templatetags.catalog import search_form, search_results
from desk.core.cache import generation_cached
from desk.core.shell import render_part
from desk.lib.persian import is_ascii_number, normalize


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "agencies": selectors.agencies_with_counts(),
        "categories": selectors.categories_with_counts(),
    }
    return render(request, "catalog/home.html", context)


SEARCH_PAGE_SIZE = 20


def service_list(request: HttpRequest) -> HttpResponse:
    query = normalize(request.GET.get("q", ""))[:100]
    number = request.GET.get("page") or "1"
    found = (
        selectors.services_search_page(query=query, number=int(number), per_page=SEARCH_PAGE_SIZE)
        if is_ascii_number(number) and len(number) < 4
        else None
    )
    page: Page[ServiceRow] | Page[Service]
    if found is not None:  # the page and the count of all in one query
        services, total = found
        paginator: Paginator[ServiceRow] = Paginator((), SEARCH_PAGE_SIZE)
        paginator.count = total
        page = Page(services, int(number), paginator)
    else:  # past the last page, or far on: the paginator decides, as for any list
        page = Paginator(selectors.services_search(query=query), SEARCH_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    # htmx asks for the whole page when the back button misses its history cache.
    # (Read from META: request.headers builds the dict of every header.)
    fragment = bool(request.META.get("HTTP_HX_REQUEST")) and not request.META.get(
        "HTTP_HX_HISTORY_RESTORE_REQUEST"
    )
    # The form and the results written in one pass (catalog/templatetags/catalog.py), as
    # catalog/_search.html and catalog/_results.html would render them.
    results = search_results(query, page, page.paginator.count)
    if fragment:
        response = HttpResponse(results)
    else:
        # The search form and the results are all the page has of the request; the layout
        # around them is rendered once per process (desk/core/shell.py).
        listing = SafeString(search_form(query) + results)
        response = render_part(request, "catalog/list.html", {}, name="listing", part=listing)
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


@dataclass(frozen=True)
class ServiceCard:
    """A service page's content as rendered once per version of its card: the head with its
    buttons (whether the service books appointments included: the appointments admin bumps
    the same generation on every write of an office or a weekly template) and the card."""

    title: str
    html: SafeString


def _service_card(slug: str) -> ServiceCard | None:
    service = selectors.service_for_public(slug)
    if service is None:
        return None
    context = {"service": service}
    head = render_to_string("catalog/_service_head.html", context)
    body = render_to_string("catalog/_service_card.html", context)
    return ServiceCard(title=service.title, html=SafeString(head + body))


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Rendered once per version of the card: every write of a card, its parts, its category,
    # its agency or the agency's offices bumps SERVICES_GENERATION (catalog/admin.py,
    # agencies/admin.py, appointments/admin.py).
    card = generation_cached(
        key=f"catalog:service-page:{slug}",
        generation=selectors.SERVICES_GENERATION,
        build=lambda: _service_card(slug),
    )
    if card is None:
        raise Http404
    return render(request, "catalog/service.html", {"card": card})
