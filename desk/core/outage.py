"""A backend that cannot be reached is a Persian 503 page, never a 500.

Redis (cache, rate limits, sessions' copies) and PostgreSQL can drop out for seconds: a restart,
a failover, a network blip. What can go on without them does (sessions are read from the
database, configuration is rebuilt from it, rate limits count in the process for a while; see
docs/reliability.md); any other request that meets such an error gets the 503 page below, with
``Retry-After``. After a POST the page carries what the person typed (files excepted) in a form
that sends it again, so nobody types a long form twice because Redis restarted.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Redis cannot be reached (or answers with an error), including the socket errors under it.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, ConnectionError, TimeoutError)
# ...and the database's "cannot connect / connection lost".
OUTAGE_ERRORS: tuple[type[Exception], ...] = (*CACHE_ERRORS, OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# Never echoed back into a page: fields whose names hold these, and anything posted to the
# sign-in pages (a one-time code is a secret there, though "code" is a tracking code elsewhere).
_SECRET_FIELDS = ("csrfmiddlewaretoken", "password", "token", "otp", "totp", "secret")
_SIGN_IN_NAMESPACES = {"accounts", "admin"}


# One warning per kind and process every WARN_EVERY_SECONDS while a backend is down: a 30-second
# Redis outage under load is thousands of requests, and a log line each drowns the journal.
WARN_EVERY_SECONDS = 60.0
_warned: dict[str, tuple[float, int]] = {}
_warned_lock = threading.Lock()


def warn_degraded(log: logging.Logger, message: str, *args: object) -> None:
    """Log ``message`` (a %-template; the template is the kind) at most once per
    WARN_EVERY_SECONDS in this process, with how many were held back since the last one."""
    now = time.monotonic()
    with _warned_lock:
        last, held = _warned.get(message, (-WARN_EVERY_SECONDS, 0))
        if now - last < WARN_EVERY_SECONDS:
            _warned[message] = (last, held + 1)
            return
        _warned[message] = (now, 0)
    suffix = f" ({held} more since the last warning)" if held else ""
    log.warning(message + suffix, *args)


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OUTAGE_ERRORS)


def _kept_fields(request: HttpRequest) -> list[tuple[str, str]]:
    match = request.resolver_match
    if request.method != "POST" or (match is not None and match.namespace in _SIGN_IN_NAMESPACES):
        return []
    try:
        items = request.POST.lists()
    except Exception:  # an unreadable body: nothing to keep
        return []
    return [
        (name, value)
        for name, values in items
        if not any(secret in name.lower() for secret in _SECRET_FIELDS)
        for value in values
    ]


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 page (JSON for the API). Rendered without the request's context processors:
    they would read the session and the user, which is what is failing."""
    if request.path.startswith("/api/") or (
        request.accepts("application/json") and not request.accepts("text/html")
    ):
        # An RFC 9457 problem document, as every API error (desk/api/problems.py).
        response: HttpResponse = JsonResponse(
            {
                "type": "urn:mizkhedmat:problem:unavailable",
                "title": "سامانه موقتاً در دسترس نیست",
                "status": 503,
                "detail": "سرویس موقتاً در دسترس نیست. چند لحظه بعد دوباره تلاش کنید.",
            },
            status=503,
            content_type="application/problem+json",
        )
    else:
        fields = _kept_fields(request)
        html = render_to_string(
            "503.html",
            {
                "fields": fields,
                "had_files": bool(request.method == "POST" and request.FILES),
                "action": request.get_full_path(),
                "csrf_token": get_token(request) if fields else "",
                "retry_after": RETRY_AFTER_SECONDS,
            },
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    """Turns an outage error raised by a view into the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.error("backend unavailable: %s", type(exception).__name__, exc_info=exception)
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an outage error raised outside a view (a middleware reading the session)
    is the 503 page too; anything else is the ordinary 500 page."""
    if is_outage(sys.exc_info()[1]):
        return unavailable_response(request)
    from django.views.defaults import server_error as django_server_error

    return django_server_error(request)
