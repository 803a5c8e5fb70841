"""Webhooks: the domain events an agency's systems subscribe to, signed and delivered through
an outbox (docs/integrations.md).

The subscribers below are listed in ``desk/core/events.py`` SUBSCRIBERS and run after the
announcing transaction commits. Each writes one ``WebhookDelivery`` row per subscribed endpoint
(the outbox) with the exact body to send, and queues the send job once that write commits; the
job signs and POSTs it, and retries with exponential backoff and jitter until it succeeds or
``WEBHOOK_MAX_ATTEMPTS`` is reached. A periodic job picks up what was due and never queued (a
lost job, a dead worker).

Payloads carry ids, codes, states and times: never a national code, a name, a mobile or what
was typed in a form. The receiver asks the API for more with its key.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import json
import logging
import random
import secrets
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.agencies.models import Agency
from desk.complaints.models import Complaint
from desk.core.errors import ApplicationError
from desk.core.events import (
    ComplaintFiled,
    InquiryAnswered,
    InquiryReceived,
    PaymentSettled,
    SubmissionCompleted,
    SubmissionMoved,
    SubmissionRejected,
    SubmissionSubmitted,
)
from desk.inquiries.models import Inquiry
from desk.integrations.models import (
    DeliveryStatus,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from desk.integrations.transport import DeliveryError, post, url_problem
from desk.payments.models import Charge
from desk.submissions.models import Submission
from desk.workflow.models import Step

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SIGNATURE_HEADER = "Mizkhedmat-Signature"
Data = dict[str, Any]


# --- signing ---------------------------------------------------------------------------------


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of ``"<timestamp>.<body>"`` in hex: the timestamp is signed too, so an old
    delivery replayed later fails the receiver's freshness check."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(keys: str | list[str], timestamp: int, body: bytes) -> str:
    """``t=<time>,v1=<hex>``; with several secrets (a rotation's grace period) one ``v1`` for
    each, the current secret's first: a receiver accepts the delivery if any matches."""
    if isinstance(keys, str):
        keys = [keys]
    return ",".join([f"t={timestamp}", *(f"v1={signature(k, timestamp, body)}" for k in keys)])


# --- what each event says --------------------------------------------------------------------


def _time(value: datetime.datetime | datetime.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _step_key(step_id: int | None) -> str | None:
    if step_id is None:
        return None
    return Step.objects.filter(pk=step_id).values_list("key", flat=True).first()


def request_data(submission_id: int) -> Data:
    s = Submission.objects.select_related("service", "current_step").get(pk=submission_id)
    return {
        "id": s.pk,
        "tracking_code": s.tracking_code,
        "service": {"national_id": s.service.national_id, "slug": s.service.slug},
        "status": s.status,
        "step": s.current_step.key if s.current_step else None,
        "channel": s.channel,
        "submitted_at": _time(s.submitted_at),
        "due_on": _time(s.due_on),
        "closed_at": _time(s.closed_at),
    }


def inquiry_data(inquiry_id: int) -> Data:
    i = Inquiry.objects.select_related("from_agency").get(pk=inquiry_id)
    return {
        "id": str(i.public_id),
        "state": i.state,
        "from_agency": i.from_agency.slug if i.from_agency else None,
        "from_installation": i.remote_agency or None,
        "case_reference": i.case_reference,
        "sent_at": _time(i.sent_at),
        "due_on": _time(i.due_on),
        "answered_at": _time(i.answered_at),
    }


def complaint_data(complaint_id: int) -> Data:
    c = Complaint.objects.select_related("service", "submission").get(pk=complaint_id)
    return {
        "id": c.pk,
        "tracking_code": c.tracking_code,
        "kind": c.kind,
        "about": c.about,
        "service": c.service.national_id if c.service else None,
        "request_tracking_code": c.submission.tracking_code if c.submission else None,
        "filed_at": _time(c.filed_at),
        "due_on": _time(c.due_on),
    }


def charge_data(charge_id: int) -> Data:
    charge = Charge.objects.get(pk=charge_id)
    return {"id": str(charge.public_id), "amount": charge.amount, "currency": "IRR"}


# --- the subscribers (desk/core/events.py SUBSCRIBERS) ---------------------------------------


def on_submission_submitted(event: SubmissionSubmitted) -> None:
    # Queued (desk/core/events.py): a retry or a second run records nothing twice, since a
    # request is submitted once and its event id is derived from it.
    deliveries_record(
        EventType.REQUEST_SUBMITTED,
        event.agency_id,
        lambda: {"request": request_data(event.submission_id)},
        once_for=str(event.submission_id),
    )


def on_submission_moved(event: SubmissionMoved) -> None:
    deliveries_record(
        EventType.REQUEST_MOVED,
        event.agency_id,
        lambda: {
            "request": request_data(event.submission_id),
            "from_step": _step_key(event.from_step_id),
            "to_step": _step_key(event.to_step_id),
        },
    )


def on_submission_completed(event: SubmissionCompleted) -> None:
    deliveries_record(
        EventType.REQUEST_COMPLETED,
        event.agency_id,
        lambda: {"request": request_data(event.submission_id)},
    )


def on_submission_rejected(event: SubmissionRejected) -> None:
    deliveries_record(
        EventType.REQUEST_REJECTED,
        event.agency_id,
        lambda: {"request": request_data(event.submission_id)},
    )


def on_payment_settled(event: PaymentSettled) -> None:
    deliveries_record(
        EventType.PAYMENT_SETTLED,
        event.agency_id,
        lambda: {
            "request": request_data(event.submission_id),
            "charge": charge_data(event.charge_id),
        },
    )


def on_inquiry_received(event: InquiryReceived) -> None:
    deliveries_record(
        EventType.INQUIRY_RECEIVED,
        event.agency_id,
        lambda: {"inquiry": inquiry_data(event.inquiry_id)},
    )


def on_inquiry_answered(event: InquiryAnswered) -> None:
    deliveries_record(
        EventType.INQUIRY_ANSWERED,
        event.agency_id,
        lambda: {
            "inquiry": inquiry_data(event.inquiry_id),
            "request": request_data(event.submission_id),
        },
    )


def on_complaint_filed(event: ComplaintFiled) -> None:
    deliveries_record(
        EventType.COMPLAINT_FILED,
        event.agency_id,
        lambda: {"complaint": complaint_data(event.complaint_id)},
    )


# --- the outbox ------------------------------------------------------------------------------


def _body(event_type: str, event_id: uuid.UUID, agency: Agency, data: Data) -> str:
    envelope = {
        "id": str(event_id),
        "type": event_type,
        "version": SCHEMA_VERSION,
        "created_at": _time(timezone.now()),
        "agency": {"id": agency.pk, "slug": agency.slug},
        "data": data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def deliveries_record(
    event_type: str, agency_id: int, build: Callable[[], Data], once_for: str | None = None
) -> int:
    """One outbox row for each active endpoint of the agency subscribed to ``event_type``, and
    their send jobs queued once the rows commit. The payload is built only when someone
    listens (one query otherwise). One INSERT: all the rows or none.

    ``once_for``: what makes this event happen only once (a request's id for «submitted»). The
    event id is then derived from it, and endpoints that already have that event are skipped,
    so that a subscriber run again (a queued one retried) sends nothing twice; two runs at once
    meet the (endpoint, event id) constraint, and the loser's retry finds the rows."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.select_related("agency")
        .filter(agency_id=agency_id, is_active=True)
        .order_by("pk")
        if event_type in endpoint.events
    ]
    if once_for is None:
        event_id = uuid.uuid4()
    else:
        event_id = uuid.uuid5(uuid.NAMESPACE_URL, f"mizkhedmat:{event_type}:{once_for}")
        recorded = set(
            WebhookDelivery.objects.filter(event_id=event_id).values_list("endpoint_id", flat=True)
        )
        endpoints = [endpoint for endpoint in endpoints if endpoint.pk not in recorded]
    if not endpoints:
        return 0
    body = _body(event_type, event_id, endpoints[0].agency, build())
    now = timezone.now()
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_id=event_id,
            event_type=event_type,
            body=body,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    for row in rows:
        transaction.on_commit(functools.partial(_queue, row.pk))
    return len(rows)


def _queue(delivery_id: int) -> None:
    from desk.integrations.tasks import webhook_send

    webhook_send(delivery_id)


# --- sending ---------------------------------------------------------------------------------


def retry_delay(attempt: int, rand: Callable[[], float] = random.random) -> datetime.timedelta:
    """The wait after failed attempt number ``attempt`` (1, 2, …): base × 2^(attempt−1), at most
    the maximum, of which a random half is waited ("equal jitter"), so that endpoints that fail
    together do not all come back at the same second."""
    ceiling = min(
        settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt - 1), settings.WEBHOOK_RETRY_MAX_SECONDS
    )
    return datetime.timedelta(seconds=ceiling / 2 + rand() * ceiling / 2)


def _lease() -> datetime.timedelta:
    # Longer than any one attempt can take: a claim older than this belongs to a dead worker.
    return datetime.timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 60)


@transaction.atomic
def _claim(delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    delivery = (
        WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("endpoint")
        .filter(pk=delivery_id, next_attempt_at__lte=now)
        .filter(status__in=(DeliveryStatus.PENDING, DeliveryStatus.SENDING))
        .first()
    )
    if delivery is None:
        return None  # sent already, not due, or another worker holds it
    if not delivery.endpoint.is_active:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.error = "endpoint disabled"
        delivery.save(update_fields=["status", "next_attempt_at", "error"])
        return None
    delivery.status = DeliveryStatus.SENDING
    delivery.attempts += 1
    delivery.next_attempt_at = now + _lease()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    return delivery


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    timestamp = int(timezone.now().timestamp())
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"Mizkhedmat-Webhooks/{SCHEMA_VERSION}",
        "Mizkhedmat-Event": delivery.event_type,
        "Mizkhedmat-Delivery": str(delivery.event_id),
        SIGNATURE_HEADER: signature_header(delivery.endpoint.signing_secrets(), timestamp, body),
    }


def webhook_deliver(delivery_id: int) -> WebhookDelivery | None:
    """One attempt at a due delivery (None: not due, or taken by another worker)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    body = delivery.body.encode()
    code: int | None = None
    latency: int | None = None
    error = ""
    try:
        response, latency = post(delivery.endpoint.url, body, _headers(delivery, body))
        code = response.status
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except DeliveryError as exc:
        error = str(exc)
    return _record(delivery, code=code, latency=latency, error=error)


@transaction.atomic
def _record(
    delivery: WebhookDelivery, *, code: int | None, latency: int | None, error: str
) -> WebhookDelivery:
    now = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery, at=now, response_code=code, latency_ms=latency, error=error[:300]
    )
    delivery.response_code = code
    delivery.latency_ms = latency
    delivery.error = error[:300]
    if not error:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED  # given up; an admin may send it again
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save()
    if error:
        logger.info(
            "webhook %s to %s failed: %s", delivery.pk, url_for_log(delivery.endpoint.url), error
        )
    return delivery


def url_for_log(url: str) -> str:
    """An endpoint's scheme, host and path: an integrator may put a token in its query string
    (or a password before its host), which must not land in the log."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}{parts.path}"


def deliveries_due(limit: int = 500) -> list[int]:
    """Deliveries whose time has come: retries, lost jobs, claims of dead workers."""
    due = Q(status__in=(DeliveryStatus.PENDING, DeliveryStatus.SENDING))
    return list(
        WebhookDelivery.objects.filter(due, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- by hand ---------------------------------------------------------------------------------


@transaction.atomic
def webhook_redeliver(*, deliveries: Iterable[WebhookDelivery]) -> int:
    """Send again, now, with a fresh count of attempts: the same event id and body (receivers
    drop an id they have seen), a new signature timestamp."""
    ids = [d.pk for d in deliveries]
    count = WebhookDelivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for delivery_id in ids:
        transaction.on_commit(functools.partial(_queue, delivery_id))
    return count


def webhook_url_check(url: str) -> None:
    """Refuse an address the desk will not deliver to (see transport.url_problem)."""
    problem = url_problem(url)
    if problem == "not an https address":
        raise ApplicationError(_("نشانی باید با https:// آغاز شود."), field="url")
    if problem:
        raise ApplicationError(_("این نشانی برای وب‌هوک پذیرفته نیست."), field="url")


@transaction.atomic
def webhook_secret_rotate(
    *, endpoint: WebhookEndpoint, grace: datetime.timedelta | None = None
) -> WebhookEndpoint:
    """A new signing secret; the old one keeps signing beside it for ``grace``
    (``WEBHOOK_SECRET_GRACE_HOURS``; zero: the old one is void at once). Rotating again within
    the grace period retires the oldest: only two secrets ever sign."""
    if grace is None:
        grace = datetime.timedelta(hours=settings.WEBHOOK_SECRET_GRACE_HOURS)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret if grace > datetime.timedelta(0) else ""
    endpoint.previous_secret_until = timezone.now() + grace if endpoint.previous_secret else None
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint
