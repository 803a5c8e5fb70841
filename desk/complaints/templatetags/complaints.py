"""The complaints box of a citizen's request page (submissions never imports this app: its
template loads the tag)."""

from __future__ import annotations

from typing import Any

from django import template

from desk.complaints.models import Complaint
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
