from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from desk.health.checks import run_checks


def _may_see_details(request: HttpRequest) -> bool:
    """Which backends answer, and how fast, tells an attacker what runs here: only a probe on
    this machine (the client address, resolved behind the proxy) or one that sends the
    HEALTHZ_TOKEN in the ``X-Healthz-Token`` header sees them."""
    token = settings.HEALTHZ_TOKEN
    sent = request.headers.get("X-Healthz-Token", "")
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the queue and storage all answer; 503 otherwise."""
    ok, checks = run_checks()
    body = {"ok": ok, "checks": checks} if _may_see_details(request) else {"ok": ok}
    return JsonResponse(body, status=200 if ok else 503)


def empty(request: HttpRequest) -> HttpResponse:
    """The benchmark's ceiling: the whole middleware stack and URL resolution, no work.

    Off (404) unless BENCH_EMPTY_VIEW=1, so production never serves it.
    """
    if not settings.BENCH_EMPTY_VIEW:
        raise Http404
    return HttpResponse(b"ok", content_type="text/plain")
