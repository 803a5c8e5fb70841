from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.accounts.identity import identities_recheck


@db_periodic_task(crontab(minute="*/5"))
@lock_task("identities-recheck")
def identities_recheck_pending() -> None:
    """Accounts made while Shahkar did not answer: asked again until it does, so that their
    held requests are released (or the account flagged)."""
    identities_recheck()
