from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.core.sweep import sweep_uploads


@db_periodic_task(crontab(minute="41"))
@lock_task("sweep-uploads")
def sweep_orphan_uploads() -> None:
    sweep_uploads(grace=timedelta(minutes=settings.UPLOAD_SWEEP_GRACE_MINUTES))
