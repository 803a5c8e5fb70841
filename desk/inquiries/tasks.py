from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from desk.inquiries import remote, services, staging


@db_task(retries=0)
def inquiry_deliver(inquiry_id: int) -> str:
    """Deliver one inquiry (or our answer) to its peer installation now."""
    return remote.delivery_attempt(inquiry_id=inquiry_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("inquiries-deliver-due")
def inquiries_deliver_due() -> int:
    """Retries of deliveries to peers whose time has come."""
    return sum(1 for pk in remote.deliveries_due() if remote.delivery_attempt(inquiry_id=pk))


@db_periodic_task(crontab(minute="*/30"))
@lock_task("inquiries-overdue")
def inquiries_overdue() -> tuple[int, int]:
    """Reminders on the last day, escalation after it."""
    return services.inquiries_remind_and_escalate()


@db_periodic_task(crontab(minute="15"))
@lock_task("inquiries-status")
def inquiries_status_poll() -> int:
    """Hourly: ask peers about our inquiries past their deadline (a lost inquiry is sent
    again; a lost answer is pushed again by the peer's outbox)."""
    return sum(1 for pk in remote.statuses_due() if remote.status_ask(inquiry_id=pk))


@db_periodic_task(crontab(minute="40"))
@lock_task("inquiries-sweep-staged-answer-files")
def sweep_staged_answer_files() -> int:
    """Hourly: documents kept for an answer that was never sent, once they expire."""
    return staging.answer_files_sweep()
