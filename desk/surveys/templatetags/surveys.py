"""The survey box of a citizen's request page, and scores as people read them."""

from __future__ import annotations

from typing import Any

from django import template

from desk.agencies import access
from desk.lib.persian import to_persian_digits
from desk.surveys.selectors import invitation_of
from desk.surveys.services import invitation_open

register = template.Library()


@register.inclusion_tag("surveys/_panel.html", takes_context=True)
def survey_panel(context: dict[str, Any], submission: Any) -> dict[str, Any]:
    """The invitation of an ended request, on its applicant's page only."""
    if not access.is_applicant(context["request"].user, submission) or submission.is_open:
        return {"invitation": None}
    invitation = invitation_of(submission)
    if invitation is None:
        return {"invitation": None}
    return {
        "invitation": invitation,
        "response": getattr(invitation, "response", None),
        "open": invitation_open(invitation),
    }


@register.filter
def score(value: float | None) -> str:
    """A mean score out of 5 with one decimal, in Persian digits («۴٫۲»); «—» for none."""
    if value is None:
        return "—"
    return to_persian_digits(f"{value:.1f}").replace(".", "٫")


@register.filter
def percent(value: float | None) -> str:
    """A share as a whole percentage («۱۸٪»); «—» for none."""
    if value is None:
        return "—"
    return to_persian_digits(round(value * 100)) + "٪"
