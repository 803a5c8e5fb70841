"""Working days: weekly days off plus official holidays.

Deadlines («answer within 3 working days») count working days strictly after the start date.
The default holiday source is the ``holidays`` package (country IR); lunar holidays more than
a year ahead are its estimates. Office hours and ad-hoc closures come later, as data.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from types import MappingProxyType

import holidays as pyholidays

THURSDAY, FRIDAY = 3, 4


@functools.lru_cache(maxsize=32)
def _iran_holidays(year: int) -> Mapping[datetime.date, str]:
    supported = getattr(pyholidays.IR, "supported_languages", ())
    language = "fa_IR" if "fa_IR" in supported else None
    calendar = pyholidays.country_holidays("IR", years=year, language=language)
    return MappingProxyType(dict(calendar.items()))


def iran_holidays(year: int) -> dict[datetime.date, str]:
    """Iran's official holidays in Gregorian ``year``, with Persian names where available.

    Several holidays on one day are joined with ``"; "``.
    """
    return dict(_iran_holidays(year))


class WorkCalendar:
    """Which days an agency works, and deadline arithmetic on them.

    ``weekly_off`` uses Python weekday numbers (Monday = 0). ``holidays`` replaces the official
    holiday list entirely; when ``None``, Iran's official holidays are loaded year by year.
    """

    def __init__(
        self,
        *,
        weekly_off: frozenset[int] = frozenset({THURSDAY, FRIDAY}),
        holidays: Mapping[datetime.date, str] | None = None,
    ) -> None:
        if not weekly_off <= set(range(7)):
            raise ValueError("weekly_off holds weekday numbers 0 (Monday) to 6 (Sunday).")
        if len(weekly_off) == 7:
            raise ValueError("A calendar needs at least one working weekday.")
        self.weekly_off = weekly_off
        self._holidays = holidays

    def holiday_name(self, d: datetime.date) -> str | None:
        if self._holidays is not None:
            return self._holidays.get(d)
        return _iran_holidays(d.year).get(d)

    def is_working_day(self, d: datetime.date) -> bool:
        return d.weekday() not in self.weekly_off and self.holiday_name(d) is None

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day strictly after ``start``; ``start`` itself for 0."""
        if days < 0:
            raise ValueError("days must not be negative.")
        d = start
        while days > 0:
            d += datetime.timedelta(days=1)
            if self.is_working_day(d):
                days -= 1
        return d

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in ``(start, end]``; negative (the count of ``(end, start]``) if
        ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        d = start
        while d < end:
            d += datetime.timedelta(days=1)
            if self.is_working_day(d):
                count += 1
        return count
