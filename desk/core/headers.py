"""Who may keep a copy of a page: personal pages are never stored by a browser or a proxy.

A page that shows a national code, a phone number, a request or an inbox must not survive in
a shared computer's browser cache (an office, a kiosk, a coffee net) or in a proxy. Routes are
classified here: the public catalog may be cached when nobody is signed in; every other route,
and every page shown to a signed-in person (the header carries their name), is sent with
``Cache-Control: no-store``. A new route is personal until it is listed as public.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Pages anyone may see, with nothing about a person on them.
PUBLIC_NAMESPACES = frozenset({"catalog"})
PUBLIC_ROUTES = frozenset({"delivery:verify"})


def is_public_route(view_name: str) -> bool:
    """``view_name`` as Django resolves it (``namespace:name``)."""
    namespace = view_name.rpartition(":")[0]
    return namespace in PUBLIC_NAMESPACES or view_name in PUBLIC_ROUTES


def may_be_stored(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None or not is_public_route(match.view_name):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class PersonalPagesNotStoredMiddleware:
    """After WhiteNoise, so static files keep their far-future caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "") and not may_be_stored(request):
            add_never_cache_headers(response)
        return response
