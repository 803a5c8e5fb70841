"""Kavenegar (https://kavenegar.com/rest.html), REST API v1.

- send: ``POST /v1/{API-KEY}/sms/send.json`` with receptor, message, sender, localid. Kavenegar
  keeps `localid` and does not send a second message with the same one; we pass our outbox id.
- lookup: ``GET sms/statuslocalmessageid.json?localid=`` (the last 12 hours; status 100 means
  «no such message»).
- delivery status: ``GET sms/status.json?messageid=a,b`` (up to 500 ids, the last 48 hours).
- inbox: ``GET sms/receive.json?linenumber=&isread=0`` (up to 100 unread, marked read on fetch).
- callbacks configured in the panel: delivery (messageid, status) and received messages
  (messageid, from, to, message), form-encoded.

Every answer carries ``return.status`` (200 when accepted) and ``entries``. Because `localid` is
our outbox id, give each installation (production, staging) its own Kavenegar account or API key:
two outboxes sharing one would see each other's ids as already sent.
"""

from __future__ import annotations

import datetime
import logging
import urllib.parse
from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings

from desk.notifications.backends.base import (
    DELIVERED,
    PERMANENT_FAILURE,
    SENT,
    TEMPORARY_FAILURE,
    Accepted,
    GatewayError,
    HttpRequest,
    HttpResponse,
    Inbound,
    Outgoing,
    PermanentFailure,
    Receipt,
    TemporaryFailure,
    Transport,
    UrllibTransport,
    form_body,
    local_mobile,
    unix_time,
)

logger = logging.getLogger(__name__)

BASE_URL = "https://api.kavenegar.com/v1"

# Message statuses (the «وضعیت پیامک» table). 100: unknown id, or older than the API keeps.
_STATES = {
    1: SENT,  # in the queue
    2: SENT,  # scheduled
    4: SENT,  # handed to the operator
    5: SENT,  # handed to the operator
    6: TEMPORARY_FAILURE,  # failed at the operator
    10: DELIVERED,
    11: TEMPORARY_FAILURE,  # not delivered: phone off or unreachable for the validity period
    13: PERMANENT_FAILURE,  # cancelled
    14: PERMANENT_FAILURE,  # blocked by the recipient
}
UNKNOWN = 100

# `return.status` codes that no retry of the same message can fix. Anything else (401 account
# disabled, 403 bad key, 407 IP not allowed, 412 bad sender line, 418 out of credit, 409 server
# busy, 5xx) is an operations problem: the message waits in the outbox until it is fixed.
_PERMANENT_CODES = {
    400,  # parameters incomplete
    406,  # a required parameter empty
    411,  # invalid receptor
    413,  # message empty or too long
    414,  # too many receptors
    420,  # links not allowed in this line's messages
    422,  # invalid characters in the text
    501,  # a test account may send only to its owner
}


class KavenegarBackend:
    name: ClassVar[str] = "kavenegar"
    supports_lookup: ClassVar[bool] = True
    lookup_horizon: ClassVar[datetime.timedelta | None] = datetime.timedelta(hours=12)

    def __init__(self, *, api_key: str | None = None, transport: Transport | None = None) -> None:
        self.api_key = api_key if api_key is not None else settings.KAVENEGAR_API_KEY
        self.transport = transport or UrllibTransport(settings.SMS_TIMEOUT_SECONDS)

    # --- calls ---------------------------------------------------------------------------------

    def _url(self, method: str, query: Mapping[str, object] | None = None) -> str:
        url = f"{BASE_URL}/{urllib.parse.quote(self.api_key, safe='')}/{method}"
        return f"{url}?{urllib.parse.urlencode(query)}" if query else url

    def _call(self, request: HttpRequest, *, sending: bool = False) -> list[dict[str, Any]]:
        response = self.transport(request)
        return self._entries(response, sending=sending)

    @staticmethod
    def _entries(response: HttpResponse, *, sending: bool) -> list[dict[str, Any]]:
        try:
            data = response.json()
            code = int(data["return"]["status"])
            text = str(data["return"].get("message", ""))
        except (ValueError, KeyError, TypeError):
            # A proxy's error page or a cut-off body: whether a send went through is unknown.
            raise TemporaryFailure(
                f"unreadable answer (HTTP {response.status})",
                code=f"http{response.status}",
                maybe_sent=sending,
            ) from None
        if code == 200:
            entries = data.get("entries") or []
            return entries if isinstance(entries, list) else [entries]
        error: type[GatewayError] = (
            PermanentFailure if code in _PERMANENT_CODES else TemporaryFailure
        )
        # A 5xx may come after the message was queued: ask before sending again.
        raise error(f"{code}: {text}", code=str(code), maybe_sent=sending and code >= 500)

    def send(self, message: Outgoing) -> Accepted:
        params = {
            "receptor": local_mobile(message.to),
            "message": message.body,
            "localid": message.local_id,
        }
        sender = message.sender or settings.SMS_SENDER
        if sender:
            params["sender"] = sender
        entries = self._call(
            HttpRequest(
                "POST",
                self._url("sms/send.json"),
                {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                form_body(params),
            ),
            sending=True,
        )
        if not entries or "messageid" not in entries[0]:
            raise TemporaryFailure("accepted without a message id", code="noid", maybe_sent=True)
        entry = entries[0]
        return Accepted(str(entry["messageid"]), _STATES.get(int(entry.get("status", 1)), SENT))

    def lookup(self, message: Outgoing) -> Accepted | None:
        entries = self._call(
            HttpRequest(
                "GET", self._url("sms/statuslocalmessageid.json", {"localid": message.local_id})
            )
        )
        for entry in entries:
            status = int(entry.get("status", UNKNOWN))
            if status != UNKNOWN and int(entry.get("messageid") or 0):
                return Accepted(str(entry["messageid"]), _STATES.get(status, SENT))
        return None

    def statuses(self, provider_ids: list[str]) -> list[Receipt]:
        receipts: list[Receipt] = []
        for start in range(0, len(provider_ids), 500):
            batch = ",".join(provider_ids[start : start + 500])
            entries = self._call(
                HttpRequest("GET", self._url("sms/status.json", {"messageid": batch}))
            )
            receipts += [r for e in entries if (r := _receipt(e)) is not None]
        return receipts

    def receive(self) -> list[Inbound]:
        received: list[Inbound] = []
        for line in settings.SMS_INBOUND_LINES:
            for _page in range(20):  # 100 per call; a cap so that a bug cannot loop forever
                entries = self._call(
                    HttpRequest(
                        "GET",
                        self._url("sms/receive.json", {"linenumber": line, "isread": 0}),
                    )
                )
                received += [i for e in entries if (i := _inbound(e, line)) is not None]
                if len(entries) < 100:
                    break
        return received

    # --- callbacks -----------------------------------------------------------------------------

    @classmethod
    def parse_receipts(cls, data: Mapping[str, Any]) -> list[Receipt]:
        receipt = _receipt(data)
        return [receipt] if receipt is not None else []

    @classmethod
    def parse_inbound(cls, data: Mapping[str, Any]) -> list[Inbound]:
        inbound = _inbound(
            {
                "messageid": data.get("messageid"),
                "sender": data.get("from"),
                "receptor": data.get("to"),
                "message": data.get("message"),
                "date": data.get("date"),
            },
            "",
        )
        return [inbound] if inbound is not None else []


def _receipt(entry: Mapping[str, Any]) -> Receipt | None:
    try:
        status = int(entry["status"])
        provider_id = str(int(entry["messageid"]))
    except (KeyError, TypeError, ValueError):
        return None
    state = _STATES.get(status)
    if state is None:
        return None  # 100 and anything unlisted: nothing to learn
    return Receipt(provider_id, state, str(status))


def _inbound(entry: Mapping[str, Any], line: str) -> Inbound | None:
    if not entry.get("messageid") or not entry.get("sender"):
        return None
    return Inbound(
        provider_message_id=str(entry["messageid"]),
        sender=str(entry["sender"]),
        line=str(entry.get("receptor") or line),
        text=str(entry.get("message") or ""),
        received_at=unix_time(entry.get("date")),
    )
