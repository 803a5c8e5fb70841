from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.submissions.escalation import escalate_overdue_steps


@db_periodic_task(crontab(minute="*/15"))
@lock_task("escalate-overdue-steps")
def escalate_overdue() -> None:
    escalate_overdue_steps()
