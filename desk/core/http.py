"""Small request helpers shared by the views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy, desk.core.forwarded.ClientAddressMiddleware has put the client's address
    # in REMOTE_ADDR (TRUSTED_PROXIES); reading X-Forwarded-For here would let anyone pick one.
    return request.META.get("REMOTE_ADDR") or None


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after a form: the posted or asked ``next`` if it is a path of this site,
    else ``default``. Only a path (``/…``): a bare word (``inbox``) would be taken by
    ``redirect()`` for a URL name and fail after the form's work was done; another host, or a
    scheme-relative ``//host``, would send the person off the site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # url_has_allowed_host_and_scheme refuses «//host» and «/\\host» itself.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def staff_login_required(view: View) -> View:
    """Send strangers to the staff sign-in page; signed-in non-staff get 404 from the selectors."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:staff_login"))
        return view(request, *args, **kwargs)

    return cast(View, wrapper)
