from __future__ import annotations

import datetime

from django import template

from desk.appointments.selectors import (
    service_books_appointments,
    submission_awaiting_appointment,
)
from desk.catalog.models import Service
from desk.lib.jalali import TEHRAN
from desk.lib.persian import to_persian_digits
from desk.submissions.models import Submission

register = template.Library()


@register.filter
def hour(value: datetime.datetime | None) -> str:
    """``۰۸:۳۰`` in Tehran time."""
    if value is None:
        return ""
    local = value.astimezone(TEHRAN)
    return to_persian_digits(f"{local.hour:02d}:{local.minute:02d}")


@register.filter
def books_appointments(service: Service) -> bool:
    return service_books_appointments(service)


@register.filter
def awaits_appointment(submission: Submission) -> bool:
    return submission_awaiting_appointment(submission)
