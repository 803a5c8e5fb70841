"""Delivery receipts: what providers say about sent messages, by webhook or when asked."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from desk.notifications import backends
from desk.notifications.backends.base import GatewayError, Receipt
from desk.notifications.models import Channel, DeliveryReceipt, MessageStatus, OutboundMessage
from desk.notifications.services.outbox import ACCEPTED_STATES

logger = logging.getLogger(__name__)


# --- Receipts ----------------------------------------------------------------------------------

# Where a receipt may move a message. Nothing moves backwards (delivered → sent) and a final
# state stays final, except that an operator may still deliver what it first reported as
# undelivered.
_RECEIPT_MOVES: dict[str, set[str]] = {
    MessageStatus.SENT: {
        MessageStatus.DELIVERED,
        MessageStatus.TEMPORARY_FAILURE,
        MessageStatus.PERMANENT_FAILURE,
    },
    MessageStatus.TEMPORARY_FAILURE: {MessageStatus.DELIVERED},
}


def receipts_apply(*, provider: str, receipts: list[Receipt]) -> int:
    """Record what a provider said about sent messages; returns how many messages changed.
    Idempotent: a receipt seen before changes nothing."""
    changed = 0
    for receipt in receipts:
        if receipt.state not in ACCEPTED_STATES or not receipt.provider_id:
            continue
        changed += _receipt_apply(provider, receipt)
    return changed


@transaction.atomic
def _receipt_apply(provider: str, receipt: Receipt) -> int:
    message = OutboundMessage.objects.filter(
        provider=provider, provider_id=receipt.provider_id
    ).first()
    row, created = DeliveryReceipt.objects.get_or_create(
        provider=provider,
        provider_id=receipt.provider_id,
        raw_status=receipt.raw_status,
        defaults={"status": receipt.state, "message": message},
    )
    if message is None:
        return 0
    if not created:
        if row.message_id is not None:
            return 0  # seen and applied before
        # It came before we had saved the provider's id (a fast webhook); apply it now.
        row.message = message
        row.save(update_fields=["message"])
    if receipt.state not in _RECEIPT_MOVES.get(message.status, set()):
        return 0
    # Conditional on the status read above, so two receipts racing cannot both apply.
    # A failure reported by the operator is final: we do not resend what it could not deliver.
    return OutboundMessage.objects.filter(
        pk=message.pk, status=message.status, provider_id=receipt.provider_id
    ).update(status=receipt.state, status_changed_at=timezone.now(), next_attempt_at=None)


def messages_poll_statuses(*, now: datetime.datetime | None = None) -> int:
    """Ask providers about sent messages whose receipt has not come (a lost webhook)."""
    now = now or timezone.now()
    waiting = OutboundMessage.objects.filter(
        channel=Channel.SMS,
        status=MessageStatus.SENT,
        sent_at__lte=now - datetime.timedelta(minutes=2),
        sent_at__gte=now - datetime.timedelta(hours=48),
    ).exclude(provider_id="")
    changed = 0
    for provider in waiting.values_list("provider", flat=True).distinct().order_by():
        if provider not in backends.BACKENDS:
            continue
        ids = list(
            waiting.filter(provider=provider)
            .order_by("sent_at")
            .values_list("provider_id", flat=True)[:500]
        )
        try:
            receipts = backends.get_backend(provider).statuses(ids)
        except GatewayError as exc:
            logger.warning("status poll at %s failed: %s", provider, exc)
            continue
        changed += receipts_apply(provider=provider, receipts=receipts)
    return changed
