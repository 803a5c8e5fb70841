from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.api.services import api_cleanup


@db_periodic_task(crontab(minute="17"))
@lock_task("api-cleanup")
def api_cleanup_job() -> None:
    """Hourly: idempotency records past API_IDEMPOTENCY_HOURS, tokens long expired."""
    api_cleanup()
