"""sms.ir (https://sms.ir/rest-api/), REST API v1, key in the ``X-API-KEY`` header.

- send: ``POST /v1/send/bulk`` {lineNumber, messageText, mobiles, sendDateTime} →
  ``data.messageIds`` (0 for a blacklisted number, null for an invalid one).
- delivery status: ``GET /v1/send/{messageId}`` → ``data.deliveryState``.
- lookup: sms.ir keeps no id of ours, so a message in doubt is searched among today's sends
  (``GET /v1/send/live``, newest first) by number and exact text since it was queued, skipping
  sends already matched to another of our messages. The outbox asks only at the next retry
  (15 seconds or more later), by which time a send that did arrive is in the report.
- inbox: ``GET /v1/receive/latest?count=100`` (each message is returned once).

Every answer is ``{"status": 1, "message": "…", "data": …}``; any other status is an error.
The panel can forward delivery reports and received messages to a URL: those webhooks take the
same field names as the report endpoints (messageId, deliveryState; mobile, number,
messageText), as JSON or a form.
"""

from __future__ import annotations

import datetime
import json
import logging
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
    Inbound,
    Outgoing,
    PermanentFailure,
    Receipt,
    TemporaryFailure,
    Transport,
    UrllibTransport,
    local_mobile,
    same_mobile,
    unix_time,
)

logger = logging.getLogger(__name__)

BASE_URL = "https://api.sms.ir/v1"

_STATES = {
    1: DELIVERED,  # delivered to the handset
    2: TEMPORARY_FAILURE,  # not delivered to the handset
    3: SENT,  # being processed by the operator
    4: TEMPORARY_FAILURE,  # did not reach the operator
    5: SENT,  # reached the operator
    6: TEMPORARY_FAILURE,  # error
    7: PERMANENT_FAILURE,  # blacklisted
}

# Application status codes that retrying this message cannot fix. Account and line problems
# (10–14 key/account, 101 line, 102 credit, 20 rate limit, 0 server) wait for operations instead.
_PERMANENT_CODES = {103, 104, 105, 107, 108, 115, 117}
_LOOKUP_PAGES = 5


class SmsIrBackend:
    name: ClassVar[str] = "smsir"
    supports_lookup: ClassVar[bool] = True
    # The live report holds today's sends (and yesterday's in the small hours).
    lookup_horizon: ClassVar[datetime.timedelta | None] = datetime.timedelta(hours=6)

    def __init__(
        self,
        *,
        api_key: str | None = None,
        line: str | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.api_key = api_key if api_key is not None else settings.SMSIR_API_KEY
        self.line = line if line is not None else settings.SMS_SENDER
        self.transport = transport or UrllibTransport(settings.SMS_TIMEOUT_SECONDS)

    def _call(
        self, method: str, path: str, payload: object = None, *, sending: bool = False
    ) -> Any:
        headers = {"X-API-KEY": self.api_key, "Accept": "application/json"}
        body = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload, ensure_ascii=False).encode()
        response = self.transport(HttpRequest(method, f"{BASE_URL}/{path}", headers, body))
        try:
            data = response.json()
            code = int(data["status"])
            text = str(data.get("message", ""))
        except (ValueError, KeyError, TypeError):
            raise TemporaryFailure(
                f"unreadable answer (HTTP {response.status})",
                code=f"http{response.status}",
                maybe_sent=sending,
            ) from None
        if code == 1:
            return data.get("data")
        if response.status == 429:
            code = 20
        error: type[GatewayError] = (
            PermanentFailure if code in _PERMANENT_CODES else TemporaryFailure
        )
        raise error(f"{code}: {text}", code=str(code), maybe_sent=sending and code == 0)

    def send(self, message: Outgoing) -> Accepted:
        line = message.sender or self.line
        data = self._call(
            "POST",
            "send/bulk",
            {
                "lineNumber": int(line),
                "messageText": message.body,
                "mobiles": [local_mobile(message.to)],
                "sendDateTime": None,
            },
            sending=True,
        )
        ids = (data or {}).get("messageIds") or [None]
        if ids[0] == 0:
            raise PermanentFailure("the number is on the blacklist", code="blacklist")
        if ids[0] is None:
            raise PermanentFailure("invalid number or text", code="invalid")
        return Accepted(str(ids[0]))

    def lookup(self, message: Outgoing) -> Accepted | None:
        since = (message.since or datetime.datetime.now(datetime.UTC)) - datetime.timedelta(
            minutes=5
        )
        for page in range(1, _LOOKUP_PAGES + 1):
            items = (
                self._call("GET", f"send/live?pageSize=100&pageNumber={page}&sortByNewest=true")
                or []
            )
            for item in items:
                sent_at = unix_time(item.get("sendDateTime"))
                if (
                    str(item.get("messageId")) not in message.known_ids
                    and same_mobile(str(item.get("mobile", "")), message.to)
                    and item.get("messageText") == message.body
                    and (sent_at is None or sent_at >= since)
                ):
                    state = _STATES.get(int(item.get("deliveryState") or 0), SENT)
                    return Accepted(str(item["messageId"]), state)
            oldest = unix_time(items[-1].get("sendDateTime")) if items else None
            if len(items) < 100 or (oldest is not None and oldest < since):
                break
        return None

    def statuses(self, provider_ids: list[str]) -> list[Receipt]:
        receipts = []
        for provider_id in provider_ids[:100]:  # one call each: keep a poll run short
            data = self._call("GET", f"send/{int(provider_id)}") or {}
            receipt = _receipt(data)
            if receipt is not None:
                receipts.append(receipt)
        return receipts

    def receive(self) -> list[Inbound]:
        items = self._call("GET", "receive/latest?count=100") or []
        return [i for item in items if (i := _inbound(item)) is not None]

    @classmethod
    def parse_receipts(cls, data: Mapping[str, Any]) -> list[Receipt]:
        receipt = _receipt(data)
        return [receipt] if receipt is not None else []

    @classmethod
    def parse_inbound(cls, data: Mapping[str, Any]) -> list[Inbound]:
        inbound = _inbound(data)
        return [inbound] if inbound is not None else []


def _receipt(data: Mapping[str, Any]) -> Receipt | None:
    try:
        state_code = int(data["deliveryState"])
        provider_id = str(int(data["messageId"]))
    except (KeyError, TypeError, ValueError):
        return None
    state = _STATES.get(state_code)
    return Receipt(provider_id, state, str(state_code)) if state else None


def _inbound(item: Mapping[str, Any]) -> Inbound | None:
    provider_id = item.get("receiveReturnId") or item.get("messageId") or item.get("id")
    if not provider_id or not item.get("mobile"):
        return None
    return Inbound(
        provider_message_id=str(provider_id),
        sender=str(item["mobile"]),
        line=str(item.get("number") or ""),
        text=str(item.get("messageText") or ""),
        received_at=unix_time(item.get("receivedDateTime")),
    )
