from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from desk.core.events import QUEUED_RETRY_DELAYS, Event, run_queued
from desk.core.sweep import sweep_uploads

logger = logging.getLogger(__name__)


@db_task()
def events_deliver(paths: tuple[str, ...], event: Event, attempt: int = 0) -> None:
    """The queued subscribers of one event (desk.core.events), in order; the ones that failed
    are queued again, alone, after the next of QUEUED_RETRY_DELAYS, then given up (logged)."""
    failed = run_queued(paths, event)
    if not failed:
        return
    if attempt < len(QUEUED_RETRY_DELAYS):
        events_deliver.schedule((failed, event, attempt + 1), delay=QUEUED_RETRY_DELAYS[attempt])
    else:
        logger.error("gave up on %s for %r after %d attempts", failed, event, attempt + 1)


@db_periodic_task(crontab(minute="41"))
@lock_task("sweep-uploads")
def sweep_orphan_uploads() -> None:
    sweep_uploads(grace=timedelta(minutes=settings.UPLOAD_SWEEP_GRACE_MINUTES))
