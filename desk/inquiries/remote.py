"""Inquiries between installations: signing, the messages (an inquiry, its answer with its
files, a question about an inquiry's state), and the outbox that delivers them with retries.

Every request is a JSON POST signed with the key shared with that peer (``Peer.secret``):
``X-Desk-Signature = hex(HMAC-SHA256(secret, timestamp + "." + body))``, with the Unix time
in ``X-Desk-Timestamp`` and the key's name in ``X-Desk-Peer``. The receiver refuses a
signature that does not match or a timestamp more than ``WINDOW_SECONDS`` away from its clock,
and handles the same message twice as once. An answer's files travel before the answer, one
signed POST each with the raw bytes (the signature covers the file's description and its
bytes); the receiver checks the hash, the size and every check of a citizen's upload
(``desk.core.uploads.check_document``) and stores it the one way documents are stored
(``desk.core.uploads.document_save``). The shape is in docs/inquiries.md.
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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from desk.agencies.models import Agency
from desk.calendars.selectors import calendar_for_agency
from desk.core.events import InquiryReceived, announce
from desk.core.uploads import check_document, document_save, files_deleted_on_error
from desk.inquiries.models import Delivery, Inquiry, InquiryFile, LogKind, Peer, State
from desk.inquiries.services import _notify_asked, inquiry_settle, log_write
from desk.lib.jalali import today_tehran
from desk.lib.persian import is_ascii_number
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
ANSWER_FILE_PATH = "/inquiries/api/v1/answers/files/"
STATUS_PATH = "/inquiries/api/v1/status/"
# At most this many documents travel with one answer (each at most UPLOAD_MAX_BYTES).
MAX_ANSWER_FILES = 10
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


def signed_headers(
    peer: Peer, body: bytes, *, now: float | None = None, content_type: str = "application/json"
) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": content_type,
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
    if peer is None or not is_ascii_number(timestamp):
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
    announce(InquiryReceived(inquiry_id=inquiry.pk, agency_id=agency.pk))
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
    _require_files(inquiry, data.get("files") or [])
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


def file_signed_part(meta: str, content: bytes) -> bytes:
    """What a file's signature covers: its description (the X-Desk-File header) and bytes."""
    return meta.encode("utf-8") + b"\n" + content


@files_deleted_on_error()
@transaction.atomic
def answer_file_receive(*, peer: Peer, meta: str, content: bytes) -> tuple[InquiryFile, bool]:
    """One document of the peer's answer to an inquiry of ours, before the answer itself.
    ``meta`` is JSON: {"inquiry": <our inquiry uuid>, "id": <file uuid>, "name", "sha256"}.
    The same file twice is taken once (created False)."""
    try:
        data = json.loads(meta)
        inquiry_id, file_id = uuid.UUID(str(data["inquiry"])), uuid.UUID(str(data["id"]))
        name, sha256 = str(data.get("name", ""))[-200:], str(data["sha256"]).lower()
    except (ValueError, KeyError, TypeError):
        raise Refused(400, "X-Desk-File must be JSON with inquiry, id, name, sha256") from None
    inquiry = (
        Inquiry.objects.select_for_update(of=("self",))
        .filter(peer=peer, public_id=inquiry_id, submission__isnull=False)
        .first()
    )
    if inquiry is None:
        raise Refused(404, "no such inquiry")
    existing = InquiryFile.objects.filter(public_id=_our_file_id(inquiry, file_id)).first()
    if existing is not None:
        return existing, False
    if inquiry.state != State.SENT:
        raise Refused(409, f"inquiry is {inquiry.state}")
    if inquiry.files.count() >= MAX_ANSWER_FILES:
        raise Refused(413, f"at most {MAX_ANSWER_FILES} files")
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise Refused(413, f"a file is at most {settings.UPLOAD_MAX_BYTES} bytes")
    if hashlib.sha256(content).hexdigest() != sha256:
        raise Refused(400, "sha256 does not match the content")
    try:  # every check a citizen's upload passes: structure, pixels, antivirus
        checked = check_document(SimpleUploadedFile(name or "document", content))
    except ValidationError as exc:
        raise Refused(422, f"file refused: {exc.code}") from None
    row = InquiryFile(inquiry=inquiry, public_id=_our_file_id(inquiry, file_id))
    document_save(row, checked)
    row.save()
    return row, True


def _our_file_id(inquiry: Inquiry, file_id: uuid.UUID) -> uuid.UUID:
    """Our id for the peer's file: derived from our inquiry and theirs, so a file sent twice
    is found again and no peer can name one of our files."""
    return uuid.uuid5(inquiry.public_id, str(file_id))


def status_receive(*, peer: Peer, body: bytes) -> Inquiry:
    """The peer asks the state of an inquiry it sent us. An answer of ours that never reached
    it (delivery failed) is queued again: the outbox pushes it once more."""
    data = _payload(body, "id")
    inquiry = Inquiry.objects.filter(peer=peer, remote_id=data["id"]).first()
    if inquiry is None:
        raise Refused(404, "no such inquiry")
    if inquiry.state != State.SENT and inquiry.delivery == Delivery.FAILED:
        inquiry.delivery = Delivery.PENDING
        inquiry.attempts = 0
        inquiry.next_attempt_at = timezone.now()
        inquiry.save(update_fields=["delivery", "attempts", "next_attempt_at"])
    return inquiry


def status_message(inquiry: Inquiry) -> dict[str, Any]:
    return {
        "id": str(inquiry.remote_id),
        "case_reference": inquiry.case_reference,
        "state": inquiry.state,
        "due_on": inquiry.due_on.isoformat(),
        "answered_at": inquiry.answered_at.isoformat() if inquiry.answered_at else None,
        "answer_delivery": inquiry.delivery,
    }


def status_ask(*, inquiry_id: int) -> str:
    """Ask the peer the state of an open inquiry of ours: its deadline is taken, an inquiry the
    peer never received is queued for delivery again, and an answer it gave that never arrived
    is pushed again by its outbox. Returns the peer's state, or "unknown" / "unreachable"."""
    inquiry = Inquiry.objects.select_related("peer").get(pk=inquiry_id)
    if inquiry.peer is None or inquiry.remote_id is not None or inquiry.state != State.SENT:
        return "skipped"
    body = json.dumps({"id": str(inquiry.public_id)}).encode("utf-8")
    url = inquiry.peer.base_url.rstrip("/") + STATUS_PATH
    try:
        response = transport()(HttpRequest("POST", url, signed_headers(inquiry.peer, body), body))
    except GatewayError:
        return "unreachable"
    if response.status == 404 and inquiry.delivery != Delivery.PENDING:
        Inquiry.objects.filter(pk=inquiry.pk, state=State.SENT).update(
            delivery=Delivery.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        return "unknown"
    if response.status != 200:
        return "unreachable"
    with contextlib.suppress(ValueError, KeyError, TypeError):
        due_on = datetime.date.fromisoformat(str(response.json()["due_on"]))
        Inquiry.objects.filter(pk=inquiry.pk).update(due_on=due_on)
    with contextlib.suppress(ValueError, KeyError, TypeError):
        return str(response.json()["state"])
    return "unreachable"


def statuses_due(*, today: datetime.date | None = None) -> list[int]:
    """Our open inquiries to peers that are past their deadline (asked about by a job)."""
    return list(
        Inquiry.objects.filter(
            peer__isnull=False,
            remote_id__isnull=True,
            state=State.SENT,
            due_on__lt=today or today_tehran(),
        ).values_list("pk", flat=True)[:500]
    )


def _require_files(inquiry: Inquiry, manifest: object) -> None:
    """Every file the answer names has arrived whole (sent before it, in the same attempt)."""
    if not isinstance(manifest, list) or len(manifest) > MAX_ANSWER_FILES:
        raise Refused(400, f"files must be a list of at most {MAX_ANSWER_FILES}")
    arrived = set(inquiry.files.values_list("public_id", flat=True))
    for item in manifest:
        try:
            ours = _our_file_id(inquiry, uuid.UUID(str(item["id"])))
        except (ValueError, KeyError, TypeError):
            raise Refused(400, "files: each needs an id") from None
        if ours not in arrived:
            raise Refused(409, "a file of the answer has not arrived")


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
            "answer_days": max(1, (inquiry.due_on - timezone.localdate(inquiry.sent_at)).days),
        }
    return ANSWER_PATH, {
        "id": str(inquiry.remote_id),
        "case_reference": inquiry.case_reference,
        "state": inquiry.state,
        "answer": inquiry.answer,
        "reason": inquiry.decline_reason,
        "answered_by": inquiry.to_agency.name if inquiry.to_agency else "",
        "files": [
            {"id": str(f.public_id), "name": f.original_name, "sha256": f.sha256, "size": f.size}
            for f in inquiry.files.all()
        ],
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
            response = _files_send(inquiry)  # an answer's files go first; None: all arrived
            if response is None:
                response = transport()(request)
            error = "" if 200 <= response.status < 300 else f"HTTP {response.status}"
        except GatewayError as exc:
            error = str(exc)[:300]
        inquiry.attempts += 1
        if not error and response is not None:
            _delivered(inquiry, response)
        else:
            permanent = response is not None and response.status in (
                400,
                401,
                403,
                404,
                409,
                413,
                422,
            )
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


def _files_send(inquiry: Inquiry) -> HttpResponse | None:
    """Post each file of our answer to a peer's inquiry; the first refusal, or None."""
    if inquiry.remote_id is None or inquiry.peer is None:
        return None
    url = inquiry.peer.base_url.rstrip("/") + ANSWER_FILE_PATH
    for row in inquiry.files.all():
        with row.file.open("rb") as handle:
            content = handle.read()
        meta = json.dumps(
            {
                "inquiry": str(inquiry.remote_id),
                "id": str(row.public_id),
                "name": row.original_name,
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        )  # ASCII only (json escapes), so it travels as a header
        headers = signed_headers(
            inquiry.peer, file_signed_part(meta, content), content_type=row.content_type
        )
        headers["X-Desk-File"] = meta
        response = transport()(HttpRequest("POST", url, headers, content))
        if not 200 <= response.status < 300:
            return response
    return None


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
