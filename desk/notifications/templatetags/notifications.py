"""The messages of a request on the staff request page, and labels for message rows."""

from __future__ import annotations

from typing import Any

from django import template

from desk.agencies import access
from desk.lib.sms import sms_parts
from desk.notifications import selectors
from desk.notifications.events import EVENTS
from desk.notifications.failures import explain
from desk.notifications.models import MessageStatus

register = template.Library()

_BADGES: dict[str, str] = {
    MessageStatus.QUEUED: "bg-secondary",
    MessageStatus.SENDING: "bg-info text-dark",
    MessageStatus.SENT: "bg-primary",
    MessageStatus.DELIVERED: "bg-success",
    MessageStatus.TEMPORARY_FAILURE: "bg-warning text-dark",
    MessageStatus.PERMANENT_FAILURE: "bg-danger",
}


@register.inclusion_tag("notifications/_message_list.html", takes_context=True)
def request_messages(context: Any, reference: str) -> dict[str, Any]:
    """What was sent to the applicant about this request, scoped to the viewer's agency."""
    request = context.get("request")
    agency_id = access.agency_for_staff(getattr(request, "user", None))
    rows = []
    if agency_id is not None and reference:
        rows = list(selectors.messages_for_reference(reference, agency_id))
    return {"outbox_rows": rows}


# Messages written in code rather than from a template (no entry in EVENTS).
_OTHER_KINDS: dict[str, str] = {
    "appointment_cancelled": "لغو نوبت",
    "appointment_rescheduled": "جابه‌جایی نوبت",
    "appointment_invitation": "دعوت به گرفتن نوبت",
    "appointment_capacity_warning": "هشدار ظرفیت نوبت‌ها",
    "escalation": "هشدار تأخیر درخواست",
    "letter_escalation": "هشدار تأخیر نامه",
}
OTHER_KIND_LABEL = "پیام دیگر سامانه"


@register.filter
def event_label(kind: str) -> str:
    """The Persian name of a message's kind; never its code."""
    event = EVENTS.get(kind)
    if event is not None:
        return event.label
    return _OTHER_KINDS.get(kind, OTHER_KIND_LABEL)


@register.filter
def failure_text(message: Any) -> str:
    """Why a message failed and what to do, in Persian (its ``last_error`` is for operators)."""
    return explain(message.last_error, message.provider)


@register.filter
def status_badge(status: str) -> str:
    return _BADGES.get(status, "bg-secondary")


@register.filter
def parts(text: str) -> int:
    return sms_parts(text)
