"""Rate limits of the API, counted by desk/core/ratelimit.py (Redis in production): every
call per client address, and per citizen or staff token or per agency key on top."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from desk.api.models import ApiToken
from desk.core import ratelimit
from desk.core.http import client_ip
from desk.integrations.models import ApiKey
from desk.lib.addresses import limit_scope

WINDOW_SECONDS = 60


def principal_key(request: Request) -> str:
    """Whom a call counts against and whose idempotency keys it shares: the token's person,
    the agency key, or the address of an anonymous caller."""
    auth = request.auth
    if isinstance(auth, ApiToken):
        return f"user:{auth.user_id}"
    if isinstance(auth, ApiKey):
        return f"key:{auth.pk}"
    return f"ip:{client_ip(request._request) or 'unknown'}"


class ApiThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        if not ratelimit.hit(
            key=f"api:ip:{limit_scope(client_ip(request._request))}",
            limit=settings.API_REQUESTS_PER_IP_PER_MINUTE,
            window_seconds=WINDOW_SECONDS,
        ):
            return False
        principal = principal_key(request)
        if principal.startswith("ip:"):
            return True
        limit = (
            settings.API_REQUESTS_PER_KEY_PER_MINUTE
            if principal.startswith("key:")
            else settings.API_REQUESTS_PER_TOKEN_PER_MINUTE
        )
        return ratelimit.hit(key=f"api:{principal}", limit=limit, window_seconds=WINDOW_SECONDS)

    def wait(self) -> float:
        return WINDOW_SECONDS
