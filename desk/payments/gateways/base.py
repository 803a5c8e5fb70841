"""One interface for every payment gateway: start → redirect → return → verify → settle.

A gateway never decides what we record: services compare what it says with our own order
(amount, order number, token) before a payment counts. Answers that leave the outcome unknown
(a timeout, a cut connection) raise ``GatewayUnavailable``; the reconciliation job asks again.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from desk.notifications.backends.base import (
    HttpRequest,
    HttpResponse,
    TemporaryFailure,
    Transport,
    UrllibTransport,
)

__all__ = [
    "Credentials",
    "Gateway",
    "GatewayError",
    "GatewayUnavailable",
    "HttpRequest",
    "HttpResponse",
    "Outcome",
    "Redirect",
    "Returned",
    "Started",
    "Transport",
    "Verified",
    "call",
    "default_transport",
    "post_json",
]


class GatewayError(Exception):
    """The gateway answered and refused (bad merchant, amount out of range, unknown order)."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class GatewayUnavailable(GatewayError):
    """No usable answer: the outcome is unknown and must be asked again later."""


@dataclass(frozen=True)
class Credentials:
    merchant_id: str = ""
    terminal_id: str = ""
    username: str = ""
    password: str = ""


@dataclass(frozen=True)
class Redirect:
    """Where the citizen's browser goes to pay: a link, or a form it posts."""

    url: str
    method: str = "GET"
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Started:
    token: str
    redirect: Redirect


@dataclass(frozen=True)
class Returned:
    """What the browser brought back from the gateway: untrusted until verified."""

    ok: bool
    order_id: str = ""
    token: str = ""
    reference: str = ""
    trace: str = ""
    amount: int | None = None
    card: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


class Outcome(enum.StrEnum):
    PAID = "paid"
    NOT_PAID = "not_paid"


@dataclass(frozen=True)
class Verified:
    outcome: Outcome
    amount: int | None = None  # what the gateway says was paid, when it says
    reference: str = ""
    trace: str = ""
    card: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


class Gateway(Protocol):
    name: ClassVar[str]
    # Whether verify works without the browser's return (from the token alone): then a citizen
    # who closed the tab after paying is settled by reconciliation, not reversed by the bank.
    verifies_without_return: ClassVar[bool]

    def start(
        self, *, order_id: int, amount: int, callback_url: str, description: str, mobile: str
    ) -> Started: ...

    def parse_return(self, params: Mapping[str, str]) -> Returned: ...

    def verify(
        self, *, order_id: int, token: str, amount: int, returned: Returned | None
    ) -> Verified: ...

    def settle(self, *, order_id: int, token: str, returned: Returned | None) -> None: ...

    def reverse(self, *, order_id: int, token: str, returned: Returned | None) -> bool: ...


def default_transport(timeout: float) -> Transport:
    return UrllibTransport(timeout)


def call(transport: Transport, request: HttpRequest) -> HttpResponse:
    """One round trip; a network failure or a gateway's 5xx is ``GatewayUnavailable``."""
    try:
        response = transport(request)
    except TemporaryFailure as exc:
        raise GatewayUnavailable(str(exc), code=exc.code) from exc
    if response.status >= 500:
        raise GatewayUnavailable(f"HTTP {response.status}", code=f"http{response.status}")
    return response


def post_json(
    transport: Transport, url: str, payload: Mapping[str, Any], *, gateway: str
) -> dict[str, Any]:
    """POST ``payload`` as JSON and read a JSON object back; a body that is not JSON (a proxy's
    error page, a cut-off answer) is ``GatewayUnavailable``: whether it went through is unknown."""
    response = call(
        transport,
        HttpRequest(
            "POST",
            url,
            {"Content-Type": "application/json", "Accept": "application/json"},
            json.dumps(payload).encode(),
        ),
    )
    try:
        body = response.json()
    except ValueError:
        raise GatewayUnavailable(
            f"{gateway}: unreadable answer (HTTP {response.status})", code="unreadable"
        ) from None
    return body if isinstance(body, dict) else {}
