from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from desk.health.checks import run_checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the queue and storage all answer; 503 otherwise."""
    ok, checks = run_checks()
    return JsonResponse({"ok": ok, "checks": checks}, status=200 if ok else 503)


def empty(request: HttpRequest) -> HttpResponse:
    """The benchmark's ceiling: the whole middleware stack and URL resolution, no work.

    Off (404) unless BENCH_EMPTY_VIEW=1, so production never serves it.
    """
    if not settings.BENCH_EMPTY_VIEW:
        raise Http404
    return HttpResponse(b"ok", content_type="text/plain")
