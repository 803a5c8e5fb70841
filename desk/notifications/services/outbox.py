"""The outbox. Any app hands over what to send; this app imports no other app.

A message is a row written in the caller's transaction. After commit a job claims it, sends it
through the configured gateway (never inside a transaction that holds locks) and records what
happened. The rules that keep a message from being lost or sent twice:

- A claim is a lease: status SENDING until `claimed_until`, taken with FOR UPDATE SKIP LOCKED on
  PostgreSQL and with a compare-and-set UPDATE on SQLite. Every write after the send is
  conditional on the claim token, so a worker that lost its lease changes nothing.
- A message that may have reached the provider without us hearing back (a timeout, a worker
  killed between claim and result) is `in_doubt`: before it is sent again the provider is asked
  about our own id, and if it has the message we just record it.
- Temporary failures are retried with exponential backoff and jitter until the message expires
  (SMS_RETRY_WINDOW_HOURS); permanent ones never are.
- Non-urgent SMS wait for the end of quiet hours; sign-in codes and replies do not.
"""

from __future__ import annotations

import datetime
import logging
import random
import smtplib
import time
import uuid
from collections.abc import Mapping
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.core.errors import ApplicationError
from desk.lib.jalali import TEHRAN
from desk.lib.sms import parse_quiet_hours, quiet_hours_end
from desk.notifications import backends
from desk.notifications.backends.base import (
    DELIVERED,
    PERMANENT_FAILURE,
    SENT,
    TEMPORARY_FAILURE,
    Accepted,
    GatewayError,
    Outgoing,
    PermanentFailure,
    TemporaryFailure,
)
from desk.notifications.events import EVENTS, render
from desk.notifications.models import Channel, MessageStatus, OutboundMessage, TemplateVersion
from desk.notifications.services.templates import template_in_force

logger = logging.getLogger(__name__)

EMAIL_PROVIDER = "email"
# What a gateway may report for a message it accepted (the same strings as MessageStatus).
ACCEPTED_STATES = {SENT, DELIVERED, TEMPORARY_FAILURE, PERMANENT_FAILURE}


# --- Queueing ----------------------------------------------------------------------------------


def _first_attempt_at(now: datetime.datetime, channel: str, urgent: bool) -> datetime.datetime:
    if channel == Channel.SMS and not urgent:
        return _after_quiet_hours(now) or now
    return now


def _after_quiet_hours(moment: datetime.datetime) -> datetime.datetime | None:
    return quiet_hours_end(moment, parse_quiet_hours(settings.SMS_QUIET_HOURS), TEHRAN)


def message_queue(
    *,
    to: str,
    body: str,
    kind: str,
    reference: str = "",
    urgent: bool = False,
    agency_id: int | None = None,
    sender: str = "",
    channel: str = Channel.SMS,
    subject: str = "",
    template_version: TemplateVersion | None = None,
    expires_at: datetime.datetime | None = None,
) -> OutboundMessage:
    """Write a message to the outbox in the caller's transaction; a job sends it after commit.

    `expires_at` bounds the retries (default: SMS_RETRY_WINDOW_HOURS from now); a sign-in code
    passes its own expiry, since a late code is of no use.
    """
    now = timezone.now()
    due = _first_attempt_at(now, channel, urgent)
    message = OutboundMessage.objects.create(
        channel=channel,
        to=to,
        sender=sender,
        subject=subject,
        body=body,
        kind=kind,
        reference=reference,
        urgent=urgent,
        agency_id=agency_id,
        template_version=template_version,
        provider=settings.SMS_BACKEND if channel == Channel.SMS else EMAIL_PROVIDER,
        created_at=now,
        next_attempt_at=due,
        expires_at=expires_at or now + datetime.timedelta(hours=settings.SMS_RETRY_WINDOW_HOURS),
    )
    if due <= now:
        # Robust: a queue that is down must not fail the request that already committed; the
        # periodic job sends whatever the lost job would have.
        transaction.on_commit(lambda: _enqueue(message.pk), robust=True)
    return message


def _enqueue(message_id: int) -> None:
    from desk.notifications.tasks import send_message

    send_message(message_id)


def message_queue_template(
    *,
    to: str,
    event: str,
    context: Mapping[str, object],
    agency_id: int | None = None,
    reference: str = "",
    urgent: bool = False,
    email: str = "",
    sender: str = "",
    expires_at: datetime.datetime | None = None,
) -> OutboundMessage:
    """Queue the SMS of `event` from the agency's template (or the default), filled from
    `context` (see desk.notifications.events); also by email when `email` is given.

    Returns the SMS. The message records the template version it was written from.
    """
    spec = EVENTS.get(event)
    if spec is None:
        raise ValueError(f"no such message event: {event!r}")
    version = template_in_force(event=event, agency_id=agency_id)
    body = render(spec, version.body, context)
    message = message_queue(
        to=to,
        body=body,
        kind=event,
        reference=reference,
        urgent=urgent,
        agency_id=agency_id,
        sender=sender,
        template_version=version,
        expires_at=expires_at,
    )
    if email:
        message_queue(
            to=email,
            body=body,
            kind=event,
            reference=reference,
            agency_id=agency_id,
            channel=Channel.EMAIL,
            subject=render(spec, version.subject, context) if version.subject else spec.label,
            template_version=version,
            expires_at=expires_at,
        )
    return message


# --- Claiming ----------------------------------------------------------------------------------


def _due(now: datetime.datetime) -> Q:
    waiting = Q(
        status__in=(MessageStatus.QUEUED, MessageStatus.TEMPORARY_FAILURE),
        next_attempt_at__lte=now,
    )
    abandoned = Q(status=MessageStatus.SENDING, claimed_until__lt=now)
    return waiting | abandoned


def _claim(*, now: datetime.datetime, limit: int, pk: int | None = None) -> list[OutboundMessage]:
    """Take up to `limit` due messages under a lease. A message whose earlier lease ran out
    (its worker died or hung) comes back `in_doubt`: it may have been sent."""
    token = uuid.uuid4().hex
    candidates = OutboundMessage.objects.filter(_due(now))
    if pk is not None:
        candidates = candidates.filter(pk=pk)
    candidates = candidates.order_by("next_attempt_at", "pk")
    if connection.vendor == "postgresql":
        # Rows another worker is claiming right now are skipped, not waited for.
        with transaction.atomic():
            locked = candidates.select_for_update(skip_locked=True)
            ids = list(locked.values_list("pk", flat=True)[:limit])
            _take(ids, now=now, token=token)
    else:
        # SQLite has one writer at a time and no row locks: _take re-checks in its UPDATE that
        # each row is still due (compare-and-set), so of two workers only one gets a row.
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        _take(ids, now=now, token=token)
    if not ids:
        return []
    claimed = OutboundMessage.objects.filter(pk__in=ids, claim_token=token)
    return list(claimed.order_by("next_attempt_at", "pk"))


def _take(ids: list[int], *, now: datetime.datetime, token: str) -> int:
    if not ids:
        return 0
    return OutboundMessage.objects.filter(_due(now), pk__in=ids).update(
        status=MessageStatus.SENDING,
        claimed_until=Case(
            When(urgent=True, then=Value(now + _seconds(settings.SMS_URGENT_LEASE_SECONDS))),
            default=Value(now + _seconds(settings.SMS_LEASE_SECONDS)),
        ),
        claim_token=token,
        # SQL reads the row as it was before this UPDATE: a claim taken from SENDING is in doubt.
        in_doubt=Case(When(status=MessageStatus.SENDING, then=Value(True)), default=F("in_doubt")),
    )


def _seconds(count: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=count)


def _mine(message: OutboundMessage) -> Q:
    """Writes after a claim apply only while the claim is still ours."""
    return Q(pk=message.pk, claim_token=message.claim_token, status=MessageStatus.SENDING)


def _write(message: OutboundMessage, **changes: object) -> bool:
    updated = OutboundMessage.objects.filter(_mine(message)).update(**changes)
    if not updated:
        logger.warning("outbox %s: the claim was lost before the result was saved", message.pk)
    return bool(updated)


# --- Sending -----------------------------------------------------------------------------------


def message_send(*, message_id: int) -> bool:
    """Send one message if it is due (the job queued after commit); False if it was not.
    Safe to run twice: the second run finds nothing to claim."""
    claimed = _claim(now=timezone.now(), limit=1, pk=message_id)
    for message in claimed:
        _deliver(message)
    return bool(claimed)


def messages_send_due(*, limit: int | None = None, budget_seconds: float | None = None) -> int:
    """Send every due message: new ones whose job was lost, retries whose time has come, and
    abandoned claims. Returns how many were claimed."""
    started = time.monotonic()
    total = 0
    while limit is None or total < limit:
        size = (
            settings.SMS_CLAIM_BATCH
            if limit is None
            else min(settings.SMS_CLAIM_BATCH, limit - total)
        )
        batch = _claim(now=timezone.now(), limit=size)
        if not batch:
            break
        for message in batch:
            _deliver(message)
        total += len(batch)
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            break
    return total


def _deliver(message: OutboundMessage) -> None:
    now = timezone.now()
    assert message.claimed_until is not None
    margin = datetime.timedelta(seconds=settings.SMS_TIMEOUT_SECONDS * 2)
    if now + margin >= message.claimed_until:
        # The batch took so long that this lease may run out mid-send: hand it back untouched.
        _write(message, status=_waiting_status(message), claimed_until=None, next_attempt_at=now)
        return
    if message.channel == Channel.EMAIL:
        _deliver_email(message, now)
        return
    if message.in_doubt and _resolve_doubt(message, now):
        return
    quiet_until = None if message.urgent else _after_quiet_hours(now)
    if quiet_until is not None:
        _write(
            message,
            status=_waiting_status(message),
            claimed_until=None,
            next_attempt_at=quiet_until,
            in_doubt=False,
        )
        return
    if message.expires_at is not None and now >= message.expires_at:
        _give_up(message, _("مهلت ارسال پیش از ارسال گذشت."))
        return
    backend = backends.get_backend()
    if message.provider != backend.name and not _write(
        message, provider=backend.name, in_doubt=False
    ):
        return
    try:
        accepted = backend.send(_outgoing(message))
    except GatewayError as exc:
        _record_failure(message, exc, now)
    except Exception as exc:  # a bug or an unforeseen reply: it may have been sent
        logger.exception("outbox %s: unexpected error from %s", message.pk, backend.name)
        _record_failure(message, TemporaryFailure(str(exc), code="error", maybe_sent=True), now)
    else:
        _record_sent(message, accepted, backend.name, counted=True)


def _waiting_status(message: OutboundMessage) -> str:
    return MessageStatus.TEMPORARY_FAILURE if message.attempts else MessageStatus.QUEUED


def _outgoing(message: OutboundMessage) -> Outgoing:
    return Outgoing(local_id=message.pk, to=message.to, body=message.body, sender=message.sender)


def _resolve_doubt(message: OutboundMessage, now: datetime.datetime) -> bool:
    """Ask the provider whether it has this message. True when that settled it (found, or it
    cannot be asked now); False when it is safe to send."""
    backend = backends.get_backend(message.provider or None)
    if not backend.supports_lookup:
        return False  # console output: nobody to ask, sending again is harmless
    horizon = backend.lookup_horizon
    if horizon is not None and now - message.created_at > horizon:
        _give_up(message, _("ارائه‌دهنده دیگر نمی‌تواند بگوید این پیام ارسال شده است یا نه."))
        return True
    outgoing = Outgoing(
        local_id=message.pk,
        to=message.to,
        body=message.body,
        sender=message.sender,
        since=message.created_at,
        known_ids=_known_ids(message),
    )
    try:
        found = backend.lookup(outgoing)
    except GatewayError as exc:
        # Whatever the lookup's own error, the message itself has not failed: ask again later
        # (counted as an attempt, so that a provider that stays down is asked less often).
        lookup_error = TemporaryFailure(f"lookup: {exc}", code=exc.code)
        _record_failure(message, lookup_error, now, keep_doubt=True)
        return True
    if found is None:
        return False
    logger.info("outbox %s: found at %s after an unanswered send", message.pk, backend.name)
    _record_sent(message, found, backend.name, counted=False)
    return True


def _known_ids(message: OutboundMessage) -> frozenset[str]:
    """The provider's ids of our other sends of the same text to the same number: a provider
    that can only match by number and text must not mistake one of them for this message."""
    others = OutboundMessage.objects.filter(
        provider=message.provider,
        to=message.to,
        body=message.body,
        sent_at__gte=message.created_at - datetime.timedelta(minutes=10),
    ).exclude(pk=message.pk)
    return frozenset(others.exclude(provider_id="").values_list("provider_id", flat=True))


def _record_sent(
    message: OutboundMessage, accepted: Accepted, provider: str, *, counted: bool
) -> None:
    now = timezone.now()
    state = accepted.state if accepted.state in ACCEPTED_STATES else MessageStatus.SENT
    _write(
        message,
        status=state,
        provider=provider,
        provider_id=accepted.provider_id,
        attempts=F("attempts") + 1 if counted else F("attempts"),
        sent_at=now,
        status_changed_at=now,
        claimed_until=None,
        next_attempt_at=None,
        in_doubt=False,
        last_error="",
    )


def _backoff(attempts: int) -> datetime.timedelta:
    """Exponential, capped, with jitter so that messages that failed together do not all come
    back at the same second when the gateway recovers."""
    base = settings.SMS_RETRY_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 20)
    delay = min(base, settings.SMS_RETRY_MAX_SECONDS)
    return datetime.timedelta(seconds=random.uniform(delay / 2, delay))


def _record_failure(
    message: OutboundMessage,
    exc: GatewayError,
    now: datetime.datetime,
    *,
    keep_doubt: bool = False,
) -> None:
    attempts = message.attempts + 1
    error = f"[{exc.code}] {exc}" if exc.code else str(exc)
    in_doubt = keep_doubt or exc.maybe_sent
    if exc.permanent:
        logger.warning("outbox %s: permanent failure: %s", message.pk, error)
        _write(
            message,
            status=MessageStatus.PERMANENT_FAILURE,
            attempts=attempts,
            last_error=error,
            status_changed_at=now,
            claimed_until=None,
            next_attempt_at=None,
            in_doubt=False,
        )
        return
    retry_at = now + _backoff(attempts)
    if message.channel == Channel.SMS and not message.urgent:
        retry_at = _after_quiet_hours(retry_at) or retry_at
    if message.expires_at is not None and retry_at > message.expires_at:
        logger.warning("outbox %s: giving up after %s attempts: %s", message.pk, attempts, error)
        next_attempt = None
        error = error + " — " + _("تلاش دوباره در مهلت ارسال ممکن نبود.")
    else:
        logger.warning(
            "outbox %s: attempt %s failed, retry at %s: %s", message.pk, attempts, retry_at, error
        )
        next_attempt = retry_at
    _write(
        message,
        status=MessageStatus.TEMPORARY_FAILURE,
        attempts=attempts,
        last_error=error,
        status_changed_at=now,
        claimed_until=None,
        next_attempt_at=next_attempt,
        in_doubt=in_doubt,
    )


def _give_up(message: OutboundMessage, reason: str) -> None:
    logger.warning("outbox %s: given up: %s", message.pk, reason)
    _write(
        message,
        status=MessageStatus.TEMPORARY_FAILURE,
        last_error=reason,
        status_changed_at=timezone.now(),
        claimed_until=None,
        next_attempt_at=None,
    )


def _deliver_email(message: OutboundMessage, now: datetime.datetime) -> None:
    if message.expires_at is not None and now >= message.expires_at:
        _give_up(message, _("مهلت ارسال پیش از ارسال گذشت."))
        return
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
    message_id = make_msgid(idstring=f"desk-{message.pk}", domain=domain)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.to],
        headers={"Message-ID": message_id},
    )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as exc:
        _record_failure(message, PermanentFailure(str(exc), code="recipient"), now)
    except (smtplib.SMTPException, OSError) as exc:
        _record_failure(message, TemporaryFailure(str(exc), code="smtp"), now)
    else:
        _record_sent(message, Accepted(message_id), EMAIL_PROVIDER, counted=True)


@transaction.atomic
def message_retry(*, message_id: int, agency_id: int | None) -> OutboundMessage:
    """Give a message that was given up on another retry window (staff asked for it)."""
    qs = OutboundMessage.objects.select_for_update().filter(
        pk=message_id, status=MessageStatus.TEMPORARY_FAILURE, next_attempt_at__isnull=True
    )
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    message = qs.first()
    if message is None:
        raise ApplicationError(_("این پیام قابل ارسال دوباره نیست."))
    now = timezone.now()
    message.next_attempt_at = now
    message.expires_at = now + datetime.timedelta(hours=settings.SMS_RETRY_WINDOW_HOURS)
    # Staff accept that a message nobody can vouch for may arrive twice rather than never.
    message.in_doubt = False
    message.save(update_fields=["next_attempt_at", "expires_at", "in_doubt"])
    transaction.on_commit(lambda: _enqueue(message.pk), robust=True)
    return message
