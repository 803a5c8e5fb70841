"""The citizen's address behind the reverse proxy.

Rate limits key on REMOTE_ADDR (desk.core.http.client_ip). Behind nginx every request comes from
nginx's address, so one citizen's lookups would lock out everybody. The proxy sends the real
address in X-Real-IP, and this WSGI middleware believes it only when the request came from one
of the proxies listed in FORWARDED_ALLOW_IPS (empty: believe nobody).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class RealIPMiddleware:
    def __init__(self, app: WSGIApp, trusted: Iterable[str]) -> None:
        self.app = app
        self.trusted = frozenset(trusted)
        self.trust_all = "*" in self.trusted

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        real = environ.get("HTTP_X_REAL_IP", "").strip()
        if real and (self.trust_all or environ.get("REMOTE_ADDR") in self.trusted):
            environ["REMOTE_ADDR"] = real
        return self.app(environ, start_response)


def trusted_proxies() -> list[str]:
    raw = os.environ.get("FORWARDED_ALLOW_IPS", "")
    return [ip.strip() for ip in raw.split(",") if ip.strip()]
