"""The inquiries boxes other apps' pages show: on the asking request's staff page, the
citizen's request page, and the staff inbox."""

from __future__ import annotations

from typing import Any

from django import template

from desk.inquiries import selectors
from desk.inquiries.forms import SendForm
from desk.inquiries.services import rule_for
from desk.submissions.services import staff_may_act_now
from desk.workflow.models import StepKind

register = template.Library()


@register.inclusion_tag("inquiries/_request_panel.html", takes_context=True)
def inquiries_panel(context: dict[str, Any], submission: Any) -> dict[str, Any]:
    """The asking agency's view: every inquiry, its deadline and delay, the answers; at an
    inquiry step, the form to ask an agency the expert chooses."""
    user = context["request"].user
    step = submission.current_step
    at_inquiry = bool(submission.is_open and step is not None and step.kind == StepKind.INQUIRY)
    form = None
    if at_inquiry and staff_may_act_now(submission, user):
        rule = rule_for(submission, step)
        initial = {"question": rule.question, "shared": rule.field_names()} if rule else {}
        form = SendForm(submission=submission, initial=initial)
    return {
        "submission": submission,
        "inquiries": selectors.inquiries_of_request(submission),
        "send_form": form,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("inquiries/_pending.html")
def inquiries_pending(submission: Any) -> dict[str, Any]:
    """For the citizen: which agencies their request is waiting for, and until when."""
    return {"pending": selectors.pending_for_citizen(submission)}


@register.inclusion_tag("inquiries/_data_tracker.html")
def data_tracker(submission: Any) -> dict[str, Any]:
    """«Who looked at my data»: agencies asked about the request, and what they did."""
    return {"looks": selectors.data_tracker(submission)}


@register.inclusion_tag("inquiries/_inbox_panel.html", takes_context=True)
def inquiries_inbox_panel(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {"open_count": selectors.open_count(user), "late": list(selectors.late_asked_by(user))}
