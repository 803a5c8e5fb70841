"""The nightly aggregation (docs/oversight.md)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.oversight.services import aggregate_recent


@db_periodic_task(crontab(minute="30", hour="1"))
@lock_task("oversight-aggregate")
def oversight_nightly() -> int:
    """Every night: yesterday and the days before it that can still change."""
    return aggregate_recent().rows
