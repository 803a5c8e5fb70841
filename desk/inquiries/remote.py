"""Inquiries between installations: signing, the two messages (an inquiry, its answer), and
the outbox that delivers them with retries.

Every request is a JSON POST signed with the key shared with that peer (``Peer.secret``):
``X-Desk-Signature = hex(HMAC-SHA256(secret, timestamp + "." + body))``, with the Unix time
in ``X-Desk-Timestamp`` and the key's name in ``X-Desk-Peer``. The receiver refuses a
signature that does not match or a timestamp more than ``WINDOW_SECONDS`` away from its clock,
and handles the same message twice as once. The shape is in docs/inquiries.md.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from desk.agencies.models import Agency
from desk.calendars.selectors import calendar_for_agency
from desk.inquiries.models import Delivery, Inquiry, LogKind, Peer, State
from desk.inquiries.services import _notify_asked, inquiry_settle, log_write
from desk.lib.jalali import today_tehran
from desk.notifications.backends.base import (
    GatewayError,
    HttpRequest,
    HttpResponse,
    Transport,
    UrllibTransport,
)

WINDOW_SECONDS = 300
INQUIRY_PATH = "/inquiries/api/v1/inquiries/"
ANSWER_PATH = "/inquiries/api/v1/answers/"
# Minutes before each retry; after the last, the delivery has failed (staff see it).
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720)
TIMEOUT_SECONDS = 10.0

_transport: Transport | None = None


def transport() -> Transport:
    return _transport or UrllibTransport(timeout=TIMEOUT_SECONDS)


def transport_set(value: Transport | None) -> None:
    """Tests (and a future mTLS transport) replace the network here."""
    global _transport
    _transport = value


# --- signing ----------------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(peer: Peer, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": "application/json",
        "X-Desk-Peer": peer.key,
        "X-Desk-Timestamp": timestamp,
        "X-Desk-Signature": signature(peer.secret, timestamp, body),
    }


class Refused(Exception):
    """A message this installation will not take: the status to answer and why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def verified_peer(headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> Peer:
    """The active peer whose key signed ``body`` within the time window, or Refused(401)."""
    peer = Peer.objects.filter(key=headers.get("X-Desk-Peer", ""), is_active=True).first()
    timestamp = headers.get("X-Desk-Timestamp", "")
    given = headers.get("X-Desk-Signature", "")
    if peer is None or not timestamp.isdigit():
        raise Refused(401, "unknown peer or no timestamp")
    if abs((now if now is not None else time.time()) - int(timestamp)) > WINDOW_SECONDS:
        raise Refused(401, "timestamp outside the window")
    if not hmac.compare_digest(signature(peer.secret, timestamp, body), given):
        raise Refused(401, "bad signature")
    return peer


def _payload(body: bytes, *keys: str) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(400, "not JSON") from None
    if not isinstance(data, dict) or any(k not in data for k in keys):
        raise Refused(400, f"expected keys: {', '.join(keys)}")
    try:
        data["id"] = uuid.UUID(str(data["id"]))
    except ValueError:
        raise Refused(400, "id is not a UUID") from None
    return data


# --- receiving --------------------------------------------------------------------------------


@transaction.atomic
def inquiry_receive(*, peer: Peer, body: bytes) -> tuple[Inquiry, bool]:
    """A peer's agency asks one of ours. The same id twice is the same inquiry (created False)."""
    data = _payload(body, "id", "case_reference", "from_agency", "to_agency", "question")
    existing = Inquiry.objects.filter(peer=peer, remote_id=data["id"]).first()
    if existing is not None:
        return existing, False
    agency = Agency.objects.filter(slug=str(data["to_agency"]), is_active=True).first()
    if agency is None:
        raise Refused(404, "no such agency")
    shared = data.get("shared") or []
    if not isinstance(shared, list) or not all(isinstance(r, list) and len(r) == 2 for r in shared):
        raise Refused(400, "shared must be [[label, value], …]")
    days = int(data.get("answer_days") or 5)
    inquiry = Inquiry.objects.create(
        peer=peer,
        remote_id=data["id"],
        to_agency=agency,
        remote_agency=f"{str(data['from_agency'])[:150]} ({peer.name})",
        case_reference=str(data["case_reference"])[:16],
        question=str(data["question"])[:4000],
        shared=[[str(a)[:200], str(b)[:2000]] for a, b in shared],
        due_on=calendar_for_agency(agency).add_working_days(today_tehran(), max(1, days)),
    )
    log_write(inquiry, LogKind.RECEIVED, agency=agency, actor=None)
    _notify_asked(inquiry, event="inquiry_received")
    return inquiry, True


@transaction.atomic
def answer_receive(*, peer: Peer, body: bytes) -> Inquiry:
    """The peer's agency answered (or declined) an inquiry of ours. Repeating it is harmless."""
    data = _payload(body, "id", "state")
    inquiry = (
        Inquiry.objects.select_for_update(of=("self",))
        .filter(peer=peer, public_id=data["id"], submission__isnull=False)
        .first()
    )
    if inquiry is None:
        raise Refused(404, "no such inquiry")
    state = str(data["state"])
    if state not in (State.ANSWERED, State.DECLINED):
        raise Refused(400, "state must be answered or declined")
    if inquiry.state == state:
        return inquiry
    if inquiry.state != State.SENT:
        raise Refused(409, f"inquiry is {inquiry.state}")
    inquiry.state = state
    inquiry.answer = str(data.get("answer", ""))[:4000]
    inquiry.decline_reason = str(data.get("reason", ""))[:2000]
    inquiry.answered_at = timezone.now()
    inquiry.answered_by_name = str(data.get("answered_by", ""))[:200]
    inquiry.save()
    kind = LogKind.ANSWERED if state == State.ANSWERED else LogKind.DECLINED
    log_write(inquiry, kind, agency=None, actor=None, result=inquiry.decline_reason)
    inquiry_settle(inquiry)
    return inquiry


# --- delivering -------------------------------------------------------------------------------


def outgoing_message(inquiry: Inquiry) -> tuple[str, dict[str, Any]]:
    """What this side owes the peer now: our inquiry, or our answer to its inquiry."""
    if inquiry.remote_id is None:
        return INQUIRY_PATH, {
            "id": str(inquiry.public_id),
            "case_reference": inquiry.case_reference,
            "from_agency": inquiry.from_agency.name if inquiry.from_agency else "",
            "to_agency": inquiry.remote_agency,
            "question": inquiry.question,
            "shared": inquiry.shared,
            "answer_days": max(1, (inquiry.due_on - inquiry.sent_at.date()).days),
        }
    return ANSWER_PATH, {
        "id": str(inquiry.remote_id),
        "case_reference": inquiry.case_reference,
        "state": inquiry.state,
        "answer": inquiry.answer,
        "reason": inquiry.decline_reason,
        "answered_by": inquiry.to_agency.name if inquiry.to_agency else "",
    }


def delivery_attempt(*, inquiry_id: int, now: datetime.datetime | None = None) -> str:
    """Deliver what the inquiry owes its peer, once; on failure the next try is scheduled
    (BACKOFF_MINUTES), and after the last one the delivery has failed. Returns the state."""
    now = now or timezone.now()
    with transaction.atomic():
        inquiry = (
            Inquiry.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("peer", "from_agency", "to_agency")
            .filter(pk=inquiry_id, delivery=Delivery.PENDING)
            .first()
        )
        if inquiry is None or inquiry.peer is None:
            return "skipped"
        path, message = outgoing_message(inquiry)
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        url = inquiry.peer.base_url.rstrip("/") + path
        request = HttpRequest("POST", url, signed_headers(inquiry.peer, body), body)
        response: HttpResponse | None = None
        try:
            response = transport()(request)
            error = "" if 200 <= response.status < 300 else f"HTTP {response.status}"
        except GatewayError as exc:
            error = str(exc)[:300]
        inquiry.attempts += 1
        if not error and response is not None:
            _delivered(inquiry, response)
        else:
            permanent = response is not None and response.status in (400, 401, 403, 404, 409)
            retries_left = inquiry.attempts <= len(BACKOFF_MINUTES) and not permanent
            inquiry.delivery = Delivery.PENDING if retries_left else Delivery.FAILED
            inquiry.next_attempt_at = (
                now + datetime.timedelta(minutes=BACKOFF_MINUTES[inquiry.attempts - 1])
                if retries_left
                else None
            )
            inquiry.last_error = error
        inquiry.save()
        return str(inquiry.delivery)


def _delivered(inquiry: Inquiry, response: HttpResponse) -> None:
    inquiry.delivery = Delivery.DELIVERED
    inquiry.next_attempt_at = None
    inquiry.last_error = ""
    if inquiry.remote_id is None:  # the peer says by when its agency will answer
        with contextlib.suppress(ValueError, KeyError, TypeError):
            inquiry.due_on = datetime.date.fromisoformat(str(response.json()["due_on"]))


def deliveries_due(*, now: datetime.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Inquiry.objects.filter(delivery=Delivery.PENDING, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
