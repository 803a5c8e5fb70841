"""Working days: weekly days off, official holidays and ad-hoc closures.

Deadlines («answer within 3 working days») count working days strictly after the start date.
The default holiday source is the ``holidays`` package (country IR). Lunar (Islamic calendar)
holidays are estimates until announced: the package marks the years it has no official dates
for, and a calendar given ``estimate_after`` also marks every lunar holiday after that date
(the product's rule: more than a year ahead is an estimate). Which days are off is data (see
``desk.calendars``); this module only does the arithmetic, so it stays pure and testable.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

import holidays as pyholidays
from holidays.countries.iran import Iran

from desk.lib.jalali import WEEKDAY_NAMES

THURSDAY, FRIDAY = 3, 4
DEFAULT_WEEKLY_OFF = frozenset({THURSDAY, FRIDAY})
ESTIMATED = "(تخمینی)"


@dataclass(frozen=True)
class _HolidayName:
    name: str
    lunar: bool
    estimated: bool


class _IranMarkingLunar(Iran):
    """The package's Iran calendar, remembering which names it added from the lunar calendar."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lunar_names: dict[datetime.date, set[str]] = {}
        super().__init__(*args, **kwargs)

    def _add_islamic_calendar_holiday_set(
        self, name: str, dts_estimated: Iterable[tuple[datetime.date, bool]], days_delta: int = 0
    ) -> set[datetime.date]:
        before = {d: dict.get(self, d) or "" for d in dict.keys(self)}
        dates: set[datetime.date] = super()._add_islamic_calendar_holiday_set(
            name, dts_estimated, days_delta
        )
        for d in dates:
            added = set(_split(dict.get(self, d) or "")) - set(_split(before.get(d, "")))
            self.lunar_names.setdefault(d, set()).update(added)
        return dates


def _split(names: str) -> list[str]:
    return [n for n in names.split("; ") if n]


@functools.lru_cache(maxsize=32)
def _iran_holiday_names(year: int) -> Mapping[datetime.date, tuple[_HolidayName, ...]]:
    supported = getattr(pyholidays.IR, "supported_languages", ())
    language = "fa_IR" if "fa_IR" in supported else None
    calendar = _IranMarkingLunar(years=year, language=language)
    days = {
        d: tuple(
            _HolidayName(
                name=name,
                lunar=name in calendar.lunar_names.get(d, ()),
                estimated=name.endswith(ESTIMATED),
            )
            for name in calendar.get_list(d)
        )
        for d in sorted(calendar.keys())
    }
    return MappingProxyType(days)


@functools.lru_cache(maxsize=32)
def _iran_holidays(year: int) -> Mapping[datetime.date, str]:
    return MappingProxyType(
        {d: "; ".join(n.name for n in names) for d, names in _iran_holiday_names(year).items()}
    )


def iran_holidays(year: int) -> dict[datetime.date, str]:
    """Iran's official holidays in Gregorian ``year``, with Persian names where available.

    Several holidays on one day are joined with ``"; "``; the package's estimated lunar dates
    end in «(تخمینی)».
    """
    return dict(_iran_holidays(year))


def _weekday_set(days: Iterable[int]) -> frozenset[int]:
    days = frozenset(days)
    if not days <= set(range(7)):
        raise ValueError("weekly_off holds weekday numbers 0 (Monday) to 6 (Sunday).")
    if len(days) == 7:
        raise ValueError("A calendar needs at least one working weekday.")
    return days


@dataclass(frozen=True)
class WeeklyOffPeriod:
    """Weekly days off (Python weekday numbers) from ``start`` to ``end``, both included;
    ``None`` leaves that side open."""

    start: datetime.date | None
    end: datetime.date | None
    days: frozenset[int]

    def __post_init__(self) -> None:
        object.__setattr__(self, "days", _weekday_set(self.days))
        if self.start and self.end and self.end < self.start:
            raise ValueError("A weekly days-off period cannot end before it starts.")

    def covers(self, d: datetime.date) -> bool:
        return (self.start is None or self.start <= d) and (self.end is None or d <= self.end)


class SkippedDay(NamedTuple):
    date: datetime.date
    reason: str


@dataclass(frozen=True)
class DeadlineExplanation:
    """How a deadline was counted: every day after ``start`` up to ``due`` that did not count."""

    start: datetime.date
    due: datetime.date
    days: int
    skipped: list[SkippedDay]


class WorkCalendar:
    """Which days an agency works, and deadline arithmetic on them.

    ``weekly_off`` uses Python weekday numbers (Monday = 0) and applies unless one of
    ``weekly_off_periods`` covers the day (the last one that does wins, so pass national rules
    before an agency's own). ``holidays`` replaces the official holiday list entirely; when
    ``None``, Iran's official holidays are loaded year by year. ``holiday_overrides`` corrects
    that list: a name adds or renames the holiday of that date, ``None`` cancels it.
    ``closures`` are ad-hoc closed days with their reasons. Lunar holidays after
    ``estimate_after`` are marked «(تخمینی)».
    """

    def __init__(
        self,
        *,
        weekly_off: frozenset[int] = DEFAULT_WEEKLY_OFF,
        holidays: Mapping[datetime.date, str] | None = None,
        closures: Mapping[datetime.date, str] | None = None,
        weekly_off_periods: Sequence[WeeklyOffPeriod] = (),
        holiday_overrides: Mapping[datetime.date, str | None] | None = None,
        estimate_after: datetime.date | None = None,
    ) -> None:
        self.weekly_off = _weekday_set(weekly_off)
        self.weekly_off_periods = tuple(weekly_off_periods)
        self.closures: Mapping[datetime.date, str] = MappingProxyType(dict(closures or {}))
        self.holiday_overrides: Mapping[datetime.date, str | None] = MappingProxyType(
            dict(holiday_overrides or {})
        )
        self.estimate_after = estimate_after
        self._holidays = holidays

    def __getstate__(self) -> dict[str, Any]:
        # Calendars are cached (desk.calendars.selectors), so they must pickle; a read-only
        # mapping does not, so it travels as a dict and is made read-only again on arrival.
        state = dict(self.__dict__)
        for name in ("closures", "holiday_overrides", "_holidays"):
            if state[name] is not None:
                state[name] = dict(state[name])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in ("closures", "holiday_overrides"):
            state[name] = MappingProxyType(state[name])
        self.__dict__.update(state)

    def weekly_off_on(self, d: datetime.date) -> frozenset[int]:
        """The weekly days off in force on ``d``."""
        for period in reversed(self.weekly_off_periods):
            if period.covers(d):
                return period.days
        return self.weekly_off

    def _holiday_names(self, d: datetime.date) -> list[str]:
        if d in self.holiday_overrides:
            override = self.holiday_overrides[d]
            return [override] if override else []
        if self._holidays is not None:
            name = self._holidays.get(d)
            return [name] if name else []
        late = self.estimate_after is not None and d > self.estimate_after
        return [
            f"{h.name} {ESTIMATED}" if late and h.lunar and not h.estimated else h.name
            for h in _iran_holiday_names(d.year).get(d, ())
        ]

    def holiday_name(self, d: datetime.date) -> str | None:
        """The official holiday on ``d`` (names joined with ``"; "``), or ``None``."""
        return "; ".join(self._holiday_names(d)) or None

    def closure_reason(self, d: datetime.date) -> str | None:
        return self.closures.get(d)

    def day_off_reason(self, d: datetime.date) -> str | None:
        """Why ``d`` is not a working day («جمعه», a holiday's name, a closure's reason; all of
        them, joined with «، », when several apply), or ``None`` on a working day."""
        reasons = []
        if d.weekday() in self.weekly_off_on(d):
            reasons.append(WEEKDAY_NAMES[d.weekday()])
        reasons.extend(self._holiday_names(d))
        if d in self.closures:
            reasons.append(self.closures[d])
        return "، ".join(reasons) or None

    def is_working_day(self, d: datetime.date) -> bool:
        return (
            d.weekday() not in self.weekly_off_on(d)
            and d not in self.closures
            and not self._holiday_names(d)
        )

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day strictly after ``start``; ``start`` itself for 0."""
        # A calendar never changes once built, and a recompute asks it the same question for
        # every request filed on the same day: answers are kept (a few hundred at most). Made
        # here, not in __init__, so that calendars cached (pickled) before it still work.
        answers: dict[tuple[datetime.date, int], datetime.date] = self.__dict__.setdefault(
            "_due", {}
        )
        due = answers.get((start, days))
        if due is None:
            due = answers[(start, days)] = self.explain(start, days).due
        return due

    def explain(self, start: datetime.date, days: int) -> DeadlineExplanation:
        """The deadline ``days`` working days after ``start``, with every day skipped on the way
        and why, so that staff and citizens can check the arithmetic."""
        if days < 0:
            raise ValueError("days must not be negative.")
        skipped: list[SkippedDay] = []
        d, left = start, days
        while left > 0:
            d += datetime.timedelta(days=1)
            reason = self.day_off_reason(d)
            if reason is None:
                left -= 1
            else:
                skipped.append(SkippedDay(d, reason))
        return DeadlineExplanation(start=start, due=d, days=days, skipped=skipped)

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
