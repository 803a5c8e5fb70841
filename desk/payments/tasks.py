from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.payments.services import payments_reconcile, unpaid_expire


@db_periodic_task(crontab(minute="*/5"))
@lock_task("payments-reconcile")
def reconcile_payments() -> dict[str, int]:
    """Verify payments the browser left open; expire what cannot be verified."""
    return payments_reconcile()


@db_periodic_task(crontab(minute="7,37"))
@lock_task("payments-unpaid-expire")
def expire_unpaid_requests() -> dict[str, int]:
    """Every half hour: requests whose fee paid at application was not paid in time are closed
    and the citizen texted (also ``manage.py expire_unpaid``)."""
    return unpaid_expire()
