from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from desk.core.events import CalendarChanged
from desk.submissions import deadlines, verification
from desk.submissions.drafts import drafts_sweep
from desk.submissions.escalation import escalate_overdue_steps
from desk.submissions.staging import staged_sweep


@db_periodic_task(crontab(minute="*/15"))
@lock_task("escalate-overdue-steps")
def escalate_overdue() -> None:
    escalate_overdue_steps()


@db_task()
def deadlines_recompute_on_calendar_change(event: CalendarChanged) -> None:
    """Move the deadlines of the running requests a calendar change touches, a chunk at a
    time, outside the request that changed the calendar."""
    deadlines.recompute_run(deadlines.recompute_start(change=event))


@db_periodic_task(crontab(minute="*/5"))
@lock_task("deadlines-recompute-resume")
def deadlines_recompute_resume() -> None:
    deadlines.recompute_resume()


@db_task(retries=2, retry_delay=60)
def submission_verify(submission_id: int) -> None:
    """After filing: the once-only answers asked again against the request (logged with it)."""
    verification.submission_verify(submission_id=submission_id)


@db_periodic_task(crontab(minute="*/10"))
@lock_task("submissions-verify-awaiting")
def submissions_verify_awaiting() -> None:
    """Requests filed while a national system did not answer: asked again until it does."""
    verification.submissions_verify_awaiting()


@db_periodic_task(crontab(minute="23"))
@lock_task("sweep-drafts")
def sweep_abandoned_drafts() -> None:
    """Every hour: the files kept for drafts nobody sent (older than a day) and the staged
    uploads that expired (STAGED_UPLOAD_HOURS) go (also ``manage.py sweep_drafts``)."""
    drafts_sweep()
    staged_sweep()
