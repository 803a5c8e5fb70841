"""What every SMS gateway offers, and the errors it raises.

A gateway turns provider replies into three outcomes: accepted (with the provider's id), a
temporary failure (try again later; `maybe_sent` when the provider may have got it anyway), or
a permanent failure (never retry). Each provider's own codes are mapped in its client.
"""

from __future__ import annotations

import datetime
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from desk.lib.http import HttpRequest, HttpResponse

# Delivery states a gateway reports; the same strings as MessageStatus (no import of models here,
# so that clients stay plain Python).
SENT = "sent"
DELIVERED = "delivered"
TEMPORARY_FAILURE = "temporary_failure"
PERMANENT_FAILURE = "permanent_failure"


class GatewayError(Exception):
    """A refused or failed call; `code` is the provider's own code, kept for the staff page."""

    permanent = False

    def __init__(self, message: str, *, code: str = "", maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.maybe_sent = maybe_sent


class TemporaryFailure(GatewayError):
    """Try again later: the gateway is down, out of credit, rate-limiting, or timed out."""


class PermanentFailure(GatewayError):
    """Retrying cannot help: an invalid number, a blocked recipient, an empty text."""

    permanent = True


@dataclass(frozen=True)
class Accepted:
    provider_id: str
    state: str = SENT


@dataclass(frozen=True)
class Receipt:
    provider_id: str
    state: str  # SENT, DELIVERED, TEMPORARY_FAILURE or PERMANENT_FAILURE
    raw_status: str


@dataclass(frozen=True)
class Inbound:
    provider_message_id: str
    sender: str
    line: str
    text: str
    received_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Outgoing:
    """What a gateway needs to send, or to find, one message."""

    local_id: int  # our OutboundMessage.pk: Kavenegar's `localid`
    to: str  # +989…
    body: str
    sender: str = ""
    # For lookups by a provider that keeps no id of ours: when the message was queued, and the
    # provider's ids of our other messages with the same number and text.
    since: datetime.datetime | None = None
    known_ids: frozenset[str] = frozenset()


class SmsBackend(Protocol):
    name: ClassVar[str]
    # Whether the provider can say if it received one of our messages, and for how long after
    # (None: no limit). Without it a message in doubt is sent again (development backends only).
    supports_lookup: ClassVar[bool]
    lookup_horizon: ClassVar[datetime.timedelta | None]

    def send(self, message: Outgoing) -> Accepted: ...

    def lookup(self, message: Outgoing) -> Accepted | None:
        """The provider's record of `message` (sent earlier, reply lost), or None if it never
        arrived. Raises TemporaryFailure when the provider cannot be asked now."""
        ...

    def statuses(self, provider_ids: list[str]) -> list[Receipt]: ...

    def receive(self) -> list[Inbound]: ...

    @classmethod
    def parse_receipts(cls, data: Mapping[str, Any]) -> list[Receipt]: ...

    @classmethod
    def parse_inbound(cls, data: Mapping[str, Any]) -> list[Inbound]: ...


# --- HTTP --------------------------------------------------------------------------------------


class Transport(Protocol):
    def __call__(self, request: HttpRequest) -> HttpResponse: ...


class UrllibTransport:
    """The real network, with a timeout. Errors come out as TemporaryFailure; a timeout is
    `maybe_sent` because the provider may have accepted the request before we gave up."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def __call__(self, request: HttpRequest) -> HttpResponse:
        req = urllib.request.Request(
            request.url, data=request.body, headers=request.headers, method=request.method
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return HttpResponse(response.status, response.read())
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, exc.read())
        except TimeoutError as exc:
            raise TemporaryFailure(f"timeout: {exc}", code="timeout", maybe_sent=True) from exc
        except urllib.error.URLError as exc:
            timed_out = isinstance(exc.reason, TimeoutError)
            raise TemporaryFailure(
                f"network: {exc.reason}",
                code="timeout" if timed_out else "network",
                maybe_sent=timed_out,
            ) from exc
        except OSError as exc:  # connection reset mid-response: the request may have landed
            raise TemporaryFailure(f"network: {exc}", code="network", maybe_sent=True) from exc


def form_body(params: Mapping[str, object]) -> bytes:
    return urllib.parse.urlencode({k: str(v) for k, v in params.items()}).encode()


def local_mobile(mobile: str) -> str:
    """+989121234567 → 09121234567, the form Iranian gateways take."""
    return "0" + mobile[3:] if mobile.startswith("+98") else mobile


def same_mobile(a: str, b: str) -> bool:
    """Gateways write numbers as 0912…, 98912…, +98912… or 912…: compare the last ten digits."""
    da, db = "".join(c for c in a if c.isdigit()), "".join(c for c in b if c.isdigit())
    return len(da) >= 10 and da[-10:] == db[-10:]


def unix_time(value: object) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromtimestamp(int(str(value)), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
