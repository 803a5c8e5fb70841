"""Shared set-up: an office of the personas' agency taking the service every weekday morning,
and a clock fixed at Sunday 1404/03/11 (2025-06-01) 09:00 in Tehran.

That week tests the calendar by itself: Wednesday 06-04 is a holiday (the passing of Imam
Khomeini) and Thursday–Friday are off, so the 3rd working day after Sunday is Saturday 06-07.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from unittest import mock

from desk.accounts.models import User
from desk.appointments.models import Appointment, Office, SlotTemplate, Weekday
from desk.appointments.selectors import Slot, free_slots
from desk.appointments.services import appointment_book
from desk.lib.jalali import TEHRAN
from desk.test import BaseTestCase

SUNDAY = datetime.date(2025, 6, 1)
MONDAY, TUESDAY, WEDNESDAY = (SUNDAY + datetime.timedelta(days=i) for i in (1, 2, 3))
SATURDAY = datetime.date(2025, 6, 7)
NOW = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=TEHRAN)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware UTC moment from a Tehran date and time."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), TEHRAN).astimezone(
        datetime.UTC
    )


class AppointmentTestCase(BaseTestCase):
    """Personas plus an office: 08:00–10:00 in 30-minute slots of 2 places, every weekday."""

    now = NOW

    def setUp(self) -> None:
        super().setUp()
        self.clock = mock.patch("django.utils.timezone.now", side_effect=lambda: self.now)
        self.clock.start()
        self.addCleanup(self.clock.stop)
        self.service.in_person_visits = 1
        self.service.save(update_fields=["in_person_visits"])
        self.office = Office.objects.create(
            agency=self.agency,
            name="دفتر مرکزی",
            address="تهران، خیابان انقلاب، پلاک ۱۰",
            map_url="https://map.example.ir/?q=35.7,51.4",
            phone="021-88001122",
            counters=2,
        )
        for weekday in Weekday:
            SlotTemplate.objects.create(
                office=self.office,
                service=self.service,
                weekday=weekday.value,
                starts_at=datetime.time(8, 0),
                ends_at=datetime.time(10, 0),
                slot_minutes=30,
                capacity=2,
            )

    def set_now(self, moment: datetime.datetime) -> None:
        self.now = moment

    def slots(self, start: datetime.date, end: datetime.date, **kw: Any) -> list[Slot]:
        return free_slots(office=self.office, service=self.service, start=start, end=end, **kw)

    def book(self, slot_start: datetime.datetime, citizen: User | None = None) -> Appointment:
        citizen = citizen or self.citizen
        return appointment_book(
            citizen=citizen,
            office=self.office,
            service=self.service,
            slot_start=slot_start,
            created_by=citizen,
        )

    def another_citizen(self, national_code: str) -> User:
        return User.objects.create_user(
            username=f"citizen-{national_code}-{uuid.uuid4().hex[:4]}",
            national_code=national_code,
            mobile="+989351112233",
        )
