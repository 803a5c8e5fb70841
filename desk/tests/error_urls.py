"""URLs that fail on purpose, for the error-page tests (the site's own URLs come after)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path


def bad_request(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a test's bad request")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a test's server error")


urlpatterns = [
    path("test-errors/400/", bad_request),
    path("test-errors/403/", forbidden),
    path("test-errors/404/", not_found),
    path("test-errors/500/", broken),
    path("", include("desk.urls")),
]
