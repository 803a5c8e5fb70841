from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.payments.services import payments_reconcile


@db_periodic_task(crontab(minute="*/5"))
@lock_task("payments-reconcile")
def reconcile_payments() -> dict[str, int]:
    """Verify payments the browser left open; expire what cannot be verified."""
    return payments_reconcile()
