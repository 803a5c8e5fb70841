from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.letters.escalation import escalate_overdue_letters


@db_periodic_task(crontab(minute="*/15"))
@lock_task("escalate-overdue-letters")
def escalate_overdue() -> None:
    escalate_overdue_letters()
