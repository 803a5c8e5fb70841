"""Helpers for the calendar tests: Jalali dates, a superuser, an agency in another province."""

from __future__ import annotations

import datetime
from typing import Any

import jdatetime

from desk.accounts.models import User
from desk.agencies.models import Agency
from desk.calendars import services
from desk.calendars.models import Closure
from desk.test import BaseTestCase


def jalali(year: int, month: int, day: int) -> datetime.date:
    return jdatetime.date(year, month, day).togregorian()


class CalendarTestCase(BaseTestCase):
    """The personas, plus a superuser and an agency in Isfahan (the others are in Tehran)."""

    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser(username="root", password="a-Strong-pass-1404")
        self.isfahan_agency = Agency.objects.create(
            name="آب و فاضلاب اصفهان", slug="isfahan-water", province="اصفهان", city="اصفهان"
        )

    def close(self, **kwargs: Any) -> Closure:
        fields: dict[str, Any] = {
            "scope": "national",
            "start": jalali(1404, 2, 7),
            "end": jalali(1404, 2, 7),
            "reason": "آلودگی هوا",
            "kind": "pollution",
            "created_by": self.root,
            **kwargs,
        }
        return services.closure_create(**fields)
