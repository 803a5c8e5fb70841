"""Jobs: send one message after its transaction commits, and the periodic sweeps that make the
outbox reliable when a job is lost, a gateway is down or a webhook never comes."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from desk.notifications import services


@db_task()
def send_message(message_id: int) -> None:
    services.message_send(message_id=message_id)


@db_task()
def handle_inbound(inbound_id: int) -> None:
    services.inbound_handle(inbound_id=inbound_id)


@db_periodic_task(crontab(minute="*"))
def send_due() -> None:
    """Due retries, messages whose job was lost, claims whose worker died. Stops before the
    next run starts so that runs do not pile up."""
    services.messages_send_due(budget_seconds=50)


@db_periodic_task(crontab(minute="*/5"))
def poll_statuses() -> None:
    services.messages_poll_statuses()


@db_periodic_task(crontab(minute="*"))
def poll_inbound() -> None:
    if settings.SMS_INBOUND_POLL:
        services.inbound_poll()
