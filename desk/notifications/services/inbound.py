"""Inbound SMS: stored once each, answered through the handler named by a setting."""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from desk.lib.validators import normalize_mobile
from desk.notifications import backends
from desk.notifications.backends.base import GatewayError, Inbound
from desk.notifications.models import InboundMessage, InboundStatus
from desk.notifications.services.outbox import message_queue_template

logger = logging.getLogger(__name__)


# --- Inbound SMS -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundReply:
    """What the inbound handler wants texted back: an event and its context, like any message."""

    event: str
    context: Mapping[str, object] = field(default_factory=dict)
    agency_id: int | None = None
    reference: str = ""


def _sender_mobile(raw: str) -> str:
    try:
        return normalize_mobile(raw)
    except ValidationError:
        return raw[:20]


def inbound_record(*, provider: str, items: list[Inbound]) -> list[InboundMessage]:
    """Store received SMS once each (a webhook and the polling job may both bring one) and
    schedule the reply of each new one after commit."""
    from desk.notifications.tasks import handle_inbound

    created = []
    for item in items:
        if not item.provider_message_id:
            continue
        inbound, new = InboundMessage.objects.get_or_create(
            provider=provider,
            provider_message_id=item.provider_message_id,
            defaults={
                "sender": _sender_mobile(item.sender),
                "line": item.line[:20],
                "text": item.text[:1000],
                "received_at": item.received_at or timezone.now(),
            },
        )
        if new:
            created.append(inbound)
            transaction.on_commit(functools.partial(handle_inbound, inbound.pk), robust=True)
    return created


@transaction.atomic
def inbound_handle(*, inbound_id: int) -> InboundMessage | None:
    """Answer one received SMS through the configured handler, at most
    SMS_INBOUND_REPLIES_PER_HOUR times an hour to one number."""
    inbound = (
        InboundMessage.objects.select_for_update()
        .filter(pk=inbound_id, status=InboundStatus.NEW)
        .first()
    )
    if inbound is None:
        return None
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    replied = InboundMessage.objects.filter(
        sender=inbound.sender, status=InboundStatus.REPLIED, created_at__gte=hour_ago
    ).count()
    if not inbound.sender.startswith("+989"):
        inbound.status = InboundStatus.IGNORED  # a short code or a foreign number: no reply
    elif replied >= settings.SMS_INBOUND_REPLIES_PER_HOUR:
        inbound.status = InboundStatus.RATE_LIMITED
    else:
        handler = import_string(settings.INBOUND_SMS_HANDLER)
        reply: InboundReply | None = handler(
            sender=inbound.sender, line=inbound.line, text=inbound.text
        )
        if reply is None:
            inbound.status = InboundStatus.IGNORED
        else:
            inbound.reply = message_queue_template(
                to=inbound.sender,
                event=reply.event,
                context=reply.context,
                agency_id=reply.agency_id,
                reference=reply.reference,
                sender=inbound.line,
                urgent=True,  # the citizen is waiting for it, phone in hand
            )
            inbound.status = InboundStatus.REPLIED
    inbound.save(update_fields=["status", "reply"])
    return inbound


def inbound_poll() -> int:
    """Fetch received SMS from the provider's inbox (for lines whose webhook is not set up or
    missed some). Returns how many were new."""
    backend = backends.get_backend()
    try:
        items = backend.receive()
    except GatewayError as exc:
        logger.warning("inbox poll at %s failed: %s", backend.name, exc)
        return 0
    with transaction.atomic():
        return len(inbound_record(provider=backend.name, items=items))
