"""The notifications services. Any app hands over what to send; this app imports no other
app. See outbox.py for the rules that keep a message from being lost or sent twice."""

from desk.notifications.services.inbound import (
    InboundReply,
    inbound_handle,
    inbound_poll,
    inbound_record,
)
from desk.notifications.services.outbox import (
    message_queue,
    message_queue_template,
    message_retry,
    message_send,
    messages_send_due,
)
from desk.notifications.services.receipts import messages_poll_statuses, receipts_apply
from desk.notifications.services.templates import template_edit, template_in_force, template_reset

__all__ = [
    "InboundReply",
    "inbound_handle",
    "inbound_poll",
    "inbound_record",
    "message_queue",
    "message_queue_template",
    "message_retry",
    "message_send",
    "messages_poll_statuses",
    "messages_send_due",
    "receipts_apply",
    "template_edit",
    "template_in_force",
    "template_reset",
]
