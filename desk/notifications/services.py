"""The outbox. Any app hands over what to send; this app imports no other app."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from desk.notifications.backends import get_backend
from desk.notifications.models import MessageStatus, OutboundMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def message_queue(
    *, to: str, body: str, kind: str, reference: str = "", urgent: bool = False
) -> OutboundMessage:
    """Write an SMS to the outbox in the caller's transaction; a job sends it after commit."""
    message = OutboundMessage.objects.create(to=to, body=body, kind=kind, reference=reference)
    from desk.notifications.tasks import send_message

    transaction.on_commit(lambda: send_message(message.pk))
    return message


def message_send(*, message_id: int) -> OutboundMessage | None:
    """Send one queued message. Claims it first so that two workers never both send it."""
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update()
            .filter(pk=message_id, status=MessageStatus.QUEUED)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            message.provider_id = get_backend().send(
                to=message.to, body=message.body, message_id=message.pk
            )
        except Exception as exc:  # a gateway error must not lose the message
            logger.warning("SMS %s failed: %s", message.pk, exc)
            message.last_error = str(exc)
            if message.attempts >= MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
        else:
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
        message.save()
        return message


def messages_send_queued(*, limit: int = 200) -> int:
    """Send whatever is still queued (a job lost on the way, a gateway that was down)."""
    ids = list(
        OutboundMessage.objects.filter(status=MessageStatus.QUEUED)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        message_send(message_id=message_id)
    return len(ids)
