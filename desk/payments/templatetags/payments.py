"""Amounts as people read them, and the payments box of a request page."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from desk.agencies import access
from desk.agencies.models import Role
from desk.core.compiled import CompiledQuery
from desk.lib.persian import format_rials, format_tomans
from desk.payments.forms import StaffChargeForm
from desk.payments.models import Charge, ChargeState, FeeKind, ServiceFee
from desk.payments.selectors import charges_of
from desk.submissions.services import staff_may_act_now
from desk.workflow.models import StepKind

register = template.Library()


@register.filter
def tomans(value: int | None) -> str:
    return "" if value is None else format_tomans(value)


@register.filter
def rials(value: int | None) -> str:
    return "" if value is None else format_rials(value)


@register.inclusion_tag("payments/_panel.html", takes_context=True)
def payments_panel(context: dict[str, Any], submission: Any, staff: bool = False) -> dict[str, Any]:
    """Charges and payments of a request: the citizen's pay button, or the staff's view with
    setting the amount at a payment step and refunds."""
    user = context["request"].user
    step = submission.current_step
    at_payment = bool(submission.is_open and step is not None and step.kind == StepKind.PAYMENT)
    staff_sets = (
        staff
        and at_payment
        and ServiceFee.objects.filter(service_id=submission.service_id, kind=FeeKind.STAFF).exists()
        and staff_may_act_now(submission, user)
    )
    return {
        "request": context["request"],
        "submission": submission,
        "charges": list(charges_of(submission)),
        "staff": staff,
        "charge_form": StaffChargeForm() if staff_sets else None,
        "may_refund": staff and access.has_role(user, Role.MANAGER),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def payment_states(submissions: Any) -> dict[int, str]:
    """The payment state of each request on a staff list, in one query for the whole page:
    "due" when a bill waits for the citizen, else "paid" when one was paid; absent when the
    request has no bill. Shown with ``payment_badge``."""
    ids = [s.pk for s in submissions]
    if not ids:
        return {}
    states: dict[int, str] = {}
    for submission_id, state in _charges_compiled(len(ids)).rows(*ids):
        if states.get(submission_id) != ChargeState.DUE:
            states[submission_id] = state
    return states


def _charges_query(*ids: int) -> QuerySet[Charge, Any]:
    return (
        Charge.objects.filter(submission_id__in=ids)
        .exclude(state=ChargeState.CANCELLED)
        .values_list("submission_id", "state")
    )


# Compiled once per number of requests on the list (a page holds at most 50 or so): the ORM
# built the IN list of fifty parameters again for every page.
_CHARGES: dict[int, CompiledQuery[Charge]] = {}


def _charges_compiled(count: int) -> CompiledQuery[Charge]:
    compiled = _CHARGES.get(count)
    if compiled is None:
        compiled = _CHARGES[count] = CompiledQuery(_charges_query, (int,) * count)
    return compiled


_BADGES = {
    ChargeState.DUE: ("text-bg-warning", _("در انتظار پرداخت")),
    ChargeState.PAID: ("text-bg-success", _("پرداخت‌شده")),
}


@register.filter
def payment_badge(states: dict[int, str], submission_id: int) -> str:
    badge = _BADGES.get(states.get(submission_id, ""))  # type: ignore[call-overload]
    if badge is None:
        return ""
    return format_html('<span class="badge {} payment-badge">{}</span>', badge[0], badge[1])


@register.simple_tag
def payment_badges(submissions: Any) -> dict[int, str]:
    """``payment_states`` as the badges themselves, by request id: for a list whose rows are
    written in one pass (the staff inbox), not one filter call a row."""
    states = payment_states(submissions)
    return {pk: payment_badge(states, pk) for pk in states}
