"""The complaints boxes of a request's pages, the citizen's and the staff's (submissions never
imports this app: its templates load the tags)."""

from __future__ import annotations

from typing import Any

from django import template

from desk.complaints.models import Complaint
from desk.complaints.selectors import complaints_of_request_for_staff
from desk.complaints.services import may_object, objection_deadline

register = template.Library()


@register.inclusion_tag("complaints/_request_panel.html")
def complaints_panel(submission: Any) -> dict[str, Any]:
    """«Object to this decision» while the window is open; a complaint link always; and the
    complaints already filed about the request."""
    return {
        "submission": submission,
        "may_object": may_object(submission),
        "objection_until": objection_deadline(submission),
        "filed": list(
            Complaint.objects.filter(submission=submission).only("tracking_code", "kind", "state")
        ),
    }


@register.inclusion_tag("complaints/_staff_request_panel.html", takes_context=True)
def staff_complaints_panel(context: dict[str, Any], submission: Any) -> dict[str, Any]:
    """On the staff request page, for the agency's complaint handlers and managers only: the
    complaints and objections about this request, their state and a link to each."""
    user = context["request"].user
    return {"complaints": complaints_of_request_for_staff(user, submission.pk)}
