from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from desk.core.events import CalendarChanged
from desk.letters.deadlines import letters_deadlines_recompute
from desk.letters.escalation import escalate_overdue_letters


@db_periodic_task(crontab(minute="*/15"))
@lock_task("escalate-overdue-letters")
def escalate_overdue() -> None:
    escalate_overdue_letters()


@db_task()
def letters_deadlines_on_calendar_change(event: CalendarChanged) -> None:
    """Open letters' deadlines after a closure, a holiday correction or a weekly rule change."""
    letters_deadlines_recompute(change=event)
