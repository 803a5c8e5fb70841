"""HTTP to the government service bus (GSB), behind a callable that tests replace.

Plain ``urllib`` like the SMS gateways (desk/notifications/backends/base.py); this app sits
below notifications, so it has its own few lines. A timeout or a network error becomes
``Unavailable``; an HTTP error status is returned, for the adapter to judge.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Protocol

from desk.lib.http import HttpRequest, HttpResponse


class Unavailable(Exception):
    """The national system did not answer (timeout, network, 5xx, an unreadable answer)."""

    def __init__(self, message: str, *, code: str = "network") -> None:
        super().__init__(message)
        self.code = code


class Transport(Protocol):
    def __call__(self, request: HttpRequest, *, timeout: float) -> HttpResponse: ...


class UrllibTransport:
    """The real network."""

    def __call__(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        req = urllib.request.Request(
            request.url, data=request.body, headers=request.headers, method=request.method
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return HttpResponse(response.status, response.read())
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, exc.read())
        except TimeoutError as exc:
            raise Unavailable(f"timeout: {exc}", code="timeout") from exc
        except urllib.error.URLError as exc:
            timed_out = isinstance(exc.reason, TimeoutError)
            raise Unavailable(
                f"network: {exc.reason}", code="timeout" if timed_out else "network"
            ) from exc
        except OSError as exc:
            raise Unavailable(f"network: {exc}", code="network") from exc
