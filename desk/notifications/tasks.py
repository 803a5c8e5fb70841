from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from desk.notifications import services


@db_task()
def send_message(message_id: int) -> None:
    services.message_send(message_id=message_id)


@db_periodic_task(crontab(minute="*"))
def send_queued() -> None:
    services.messages_send_queued()
