"""Jobs of electronic delivery: subscribers to request events (see desk.core.events)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from desk.core.events import SubmissionCompleted
from desk.delivery import services


@db_task()
def result_document_issue(event: SubmissionCompleted) -> None:
    """Render and store the result PDF of a completed request: a job, because rendering
    takes a moment and must hold no request's lock nor delay the staff member's page."""
    services.result_document_issue(
        submission_id=event.submission_id, issued_by_id=event.actor_id, message=event.message
    )
