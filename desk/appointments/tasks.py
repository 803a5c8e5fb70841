from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from desk.appointments import closures, services
from desk.core.events import CalendarChanged


# Hourly in the daytime: a booking made today for tomorrow still gets its reminder; each
# booking is reminded once (reminded_at), so repeated runs send nothing twice.
@db_periodic_task(crontab(minute="10", hour="5-17"))  # 08:40–20:40 Tehran (UTC+3:30)
@lock_task("appointments-remind")
def remind_appointments() -> None:
    services.appointments_remind()


@db_periodic_task(crontab(minute="*/5"))
@lock_task("appointments-invite")
def invite_to_book() -> None:
    services.invitations_send()


@db_periodic_task(crontab(minute="30", hour="4"))  # 08:00 Tehran
@lock_task("appointments-capacity-warning")
def warn_capacity() -> None:
    services.capacity_warnings_send()


@db_task()
def appointments_off_closed_days(event: CalendarChanged) -> None:
    """Move or re-offer the bookings on days a calendar change has closed."""
    closures.appointments_off_closed_days(change=event)
