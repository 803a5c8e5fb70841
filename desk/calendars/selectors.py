"""Reads of the working calendar: the ``WorkCalendar`` an agency works by, and who may change it."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Q

from desk.agencies import access
from desk.agencies.models import Agency
from desk.calendars.models import (
    Closure,
    ClosureScope,
    HolidayOverride,
    OfficeHours,
    Province,
    WeeklyDaysOff,
    province_of,
)
from desk.core.cache import CALENDARS_GENERATION, generation_bump, generation_cached
from desk.lib.jalali import today_tehran
from desk.lib.workdays import WeeklyOffPeriod, WorkCalendar

# Bumped by every write of the rows a calendar is built from (see calendars_changed).

# Lunar holiday dates are announced about a year ahead; later ones are the package's guesses.
ESTIMATE_HORIZON = datetime.timedelta(days=365)


def calendars_changed() -> None:
    """Forget every cached calendar: called by whatever writes weekly days off, office hours,
    closures or holiday corrections."""
    generation_bump(CALENDARS_GENERATION)


def holiday_overrides() -> dict[datetime.date, str | None]:
    """The national corrections to the official holidays: a name, or ``None`` for a cancelled
    holiday. A few rows a year that every deadline reads, so they are cached."""
    return generation_cached(
        key="calendars:holiday-overrides",
        generation=CALENDARS_GENERATION,
        build=lambda: {
            o.date: (o.name if o.is_day_off else None) for o in HolidayOverride.objects.all()
        },
    )


def _period(rule: WeeklyDaysOff) -> WeeklyOffPeriod:
    return WeeklyOffPeriod(start=rule.starts_on, end=rule.ends_on, days=rule.weekdays)


def _add_closure(days: dict[datetime.date, list[str]], closure: Closure) -> None:
    for day in closure.days():
        if closure.reason not in days[day]:
            days[day].append(closure.reason)


def calendars_for_agencies(
    agencies: Iterable[Agency], *, today: datetime.date | None = None
) -> dict[int, WorkCalendar]:
    """The working calendar of each agency, by agency id, in two queries whatever their number
    (weekly rules, then closures: national, the agencies' provinces' and their own).

    Not cached: deadlines are recomputed through this inside the transaction that changed the
    calendar, which must read its own rows and must not leave them in the cache if it rolls
    back."""
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    provinces = {a.pk: province_of(a.province) for a in agencies}
    rules = list(WeeklyDaysOff.objects.filter(Q(agency__isnull=True) | Q(agency_id__in=ids)))
    closures = list(
        Closure.objects.filter(
            Q(scope=ClosureScope.NATIONAL)
            | Q(scope=ClosureScope.PROVINCE, province__in={p for p in provinces.values() if p})
            | Q(scope=ClosureScope.AGENCY, agency_id__in=ids)
        )
    )
    overrides = holiday_overrides()
    estimate_after = (today or today_tehran()) + ESTIMATE_HORIZON
    national_periods = [_period(r) for r in rules if r.agency_id is None]
    calendars = {}
    for agency in agencies:
        days: dict[datetime.date, list[str]] = defaultdict(list)
        for closure in closures:
            if (
                closure.scope == ClosureScope.NATIONAL
                or (
                    closure.scope == ClosureScope.PROVINCE
                    and closure.province == provinces[agency.pk]
                )
                or closure.agency_id == agency.pk
            ):
                _add_closure(days, closure)
        own_periods = [_period(r) for r in rules if r.agency_id == agency.pk]
        calendars[agency.pk] = WorkCalendar(
            weekly_off_periods=national_periods + own_periods,
            closures={day: "، ".join(reasons) for day, reasons in days.items()},
            holiday_overrides=overrides,
            estimate_after=estimate_after,
        )
    return calendars


def national_calendar(*, today: datetime.date | None = None) -> WorkCalendar:
    """The calendar of the whole country: national rules and closures only."""
    days: dict[datetime.date, list[str]] = defaultdict(list)
    for closure in Closure.objects.filter(scope=ClosureScope.NATIONAL):
        _add_closure(days, closure)
    return WorkCalendar(
        weekly_off_periods=[_period(r) for r in WeeklyDaysOff.objects.filter(agency__isnull=True)],
        closures={day: "، ".join(reasons) for day, reasons in days.items()},
        holiday_overrides=holiday_overrides(),
        estimate_after=(today or today_tehran()) + ESTIMATE_HORIZON,
    )


def calendar_for_agency(
    agency: Agency | None, *, today: datetime.date | None = None
) -> WorkCalendar:
    """The calendar ``agency`` works by: national, its province's and its own rules and
    closures; the national calendar for ``None``.

    Every request reads one, and its rows change a few times a year: it is cached per agency
    and day (a calendar depends on the day it is built on, see ``estimate_after``) until the
    next write (``calendars_changed``). The agency's province is part of the key, so moving an
    agency to another province needs no bump.
    """
    day = today or today_tehran()
    if agency is None:
        return generation_cached(
            key=f"calendars:national:{day.isoformat()}",
            generation=CALENDARS_GENERATION,
            build=lambda: national_calendar(today=day),
        )
    province = province_of(agency.province)
    place = province.name if province else "-"
    return generation_cached(
        key=f"calendars:agency:{agency.pk}:{place}:{day.isoformat()}",
        generation=CALENDARS_GENERATION,
        build=lambda: calendars_for_agencies([agency], today=day)[agency.pk],
    )


def office_hours_for(agency: Agency, day: datetime.date) -> OfficeHours | None:
    """The office hours in force at ``agency`` on ``day``: its own latest-starting rule that
    covers the day, else the national one; ``None`` if neither exists."""
    return (
        OfficeHours.objects.filter(Q(agency=agency) | Q(agency__isnull=True))
        .filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by(F("agency_id").asc(nulls_last=True), "-starts_on", "-pk")
        .first()
    )


def agency_ids_in_scope(
    *, scope: str, province: str = "", agency_id: int | None = None
) -> list[int] | None:
    """The agencies a calendar change of this place touches: ``None`` for all of them
    (national), else their ids. Agency.province is free text, so provinces are matched here,
    not in SQL."""
    if scope == ClosureScope.NATIONAL:
        return None
    if scope == ClosureScope.AGENCY:
        return [agency_id] if agency_id else []
    return [
        pk
        for pk, text in Agency.objects.values_list("pk", "province")
        if province_of(text) == Province(province)
    ]


def may_manage_closures(user: object, *, scope: str, agency: Agency | None = None) -> bool:
    """National and provincial closures are the superuser's; an agency's admin may close
    their own agency."""
    if access.is_operator(user):
        return True
    if scope != ClosureScope.AGENCY or agency is None:
        return False
    return access.admin_may_touch(user, agency.pk)
