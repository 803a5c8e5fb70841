"""Jobs: send one webhook delivery; every minute, send what is due (retries, lost jobs)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from desk.integrations.webhooks import deliveries_due, webhook_deliver


@db_task()
def webhook_send(delivery_id: int) -> None:
    webhook_deliver(delivery_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("webhooks-send-due")
def webhooks_send_due() -> None:
    for delivery_id in deliveries_due():
        webhook_send(delivery_id)
