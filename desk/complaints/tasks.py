from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.complaints.services import complaints_escalate_overdue


@db_periodic_task(crontab(minute="*/30"))
@lock_task("complaints-escalate-overdue")
def complaints_escalate() -> None:
    """Complaints past their answer date go to the agency's head (its managers)."""
    complaints_escalate_overdue()
