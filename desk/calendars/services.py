"""Writes to the working calendar that move deadlines: closures, holiday corrections and
weekly days off.

Each validates, stores, forgets the cached calendars and announces ``CalendarChanged`` (see
``desk.core.events``): the apps above react after commit, in jobs — running requests' deadlines
are recomputed in chunks, booked appointments on days now closed are moved or re-offered — so
that the admin's save returns at once, whatever the number of requests.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Agency
from desk.calendars.models import (
    Closure,
    ClosureKind,
    ClosureScope,
    HolidayOverride,
    WeeklyDaysOff,
    province_of,
)
from desk.calendars.selectors import calendars_changed, may_manage_closures
from desk.core.errors import ApplicationError
from desk.core.events import CalendarChanged, CalendarScope, announce
from desk.lib.persian import to_persian_digits

# A longer closure is almost surely a mistyped year; it would freeze every deadline.
MAX_CLOSURE_DAYS = 31


def _closure_place(
    *, scope: str, province: str | None, agency: Agency | None
) -> tuple[ClosureScope, str, Agency | None]:
    if scope not in ClosureScope.values:
        raise ApplicationError(_("گستره تعطیلی را انتخاب کنید."), field="scope")
    if scope == ClosureScope.NATIONAL:
        if province or agency is not None:
            raise ApplicationError(
                _("تعطیلی سراسری به استان یا دستگاه خاصی بسته نمی‌شود."), field="scope"
            )
        return ClosureScope.NATIONAL, "", None
    if scope == ClosureScope.PROVINCE:
        matched = province_of(province or "")
        if matched is None:
            raise ApplicationError(_("استان را از فهرست انتخاب کنید."), field="province")
        if agency is not None:
            raise ApplicationError(_("تعطیلی استانی به دستگاه خاصی بسته نمی‌شود."), field="agency")
        return ClosureScope.PROVINCE, matched.value, None
    if agency is None:
        raise ApplicationError(_("دستگاه را انتخاب کنید."), field="agency")
    if province:
        raise ApplicationError(_("تعطیلی یک دستگاه به استان بسته نمی‌شود."), field="province")
    return ClosureScope.AGENCY, "", agency


@transaction.atomic
def closure_create(
    *,
    scope: str,
    start: datetime.date,
    end: datetime.date,
    reason: str,
    kind: str,
    province: str | None = None,
    agency: Agency | None = None,
    created_by: User,
) -> Closure:
    """Close whole days, nationally, in one province, or at one agency."""
    place, province_value, agency = _closure_place(scope=scope, province=province, agency=agency)
    if not may_manage_closures(created_by, scope=place, agency=agency):
        raise ApplicationError(_("شما اجازه ثبت این تعطیلی را ندارید."))
    if end < start:
        raise ApplicationError(_("تاریخ پایان نمی‌تواند پیش از تاریخ شروع باشد."), field="end")
    if (end - start).days + 1 > MAX_CLOSURE_DAYS:
        raise ApplicationError(
            _("یک تعطیلی بیش از %(days)s روز نمی‌شود؛ تاریخ‌ها را بررسی کنید.")
            % {"days": to_persian_digits(MAX_CLOSURE_DAYS)},
            field="end",
        )
    if kind not in ClosureKind.values:
        raise ApplicationError(_("علت تعطیلی را انتخاب کنید."), field="kind")
    reason = " ".join(reason.split())
    if not reason:
        raise ApplicationError(_("شرح تعطیلی را بنویسید."), field="reason")
    closure = Closure.objects.create(
        scope=place,
        province=province_value,
        agency=agency,
        starts_on=start,
        ends_on=end,
        kind=kind,
        reason=reason[:200],
        created_by=created_by,
    )
    _closure_announce(closure)
    return closure


def _closure_announce(closure: Closure) -> None:
    calendars_changed()
    announce(
        CalendarChanged(
            scope=CalendarScope(closure.scope),
            start=closure.starts_on,
            end=closure.ends_on,
            province=closure.province,
            agency_id=closure.agency_id,
        )
    )


@transaction.atomic
def closure_delete(*, closure: Closure, deleted_by: User) -> None:
    """Withdraw a closure (a cancelled decree, a mistake)."""
    if not may_manage_closures(deleted_by, scope=closure.scope, agency=closure.agency):
        raise ApplicationError(_("شما اجازه حذف این تعطیلی را ندارید."))
    closure.delete()
    _closure_announce(closure)


@transaction.atomic
def holiday_override_set(
    *, date: datetime.date, name: str, is_day_off: bool = True, created_by: User
) -> HolidayOverride:
    """Add an official holiday the package lacks (``is_day_off``), or cancel one it has on a
    day that turned out to be wrong; replaces an earlier correction of the same date."""
    if not access.is_operator(created_by):
        raise ApplicationError(_("تعطیلات رسمی را فقط راهبر کل سامانه اصلاح می‌کند."))
    name = " ".join(name.split())
    if is_day_off and not name:
        raise ApplicationError(_("نام مناسبت را بنویسید."), field="name")
    override, _created = HolidayOverride.objects.update_or_create(
        date=date,
        defaults={"name": name[:200], "is_day_off": is_day_off, "created_by": created_by},
    )
    _national_day_announce(date)
    return override


def _national_day_announce(day: datetime.date) -> None:
    calendars_changed()
    announce(CalendarChanged(scope=CalendarScope.NATIONAL, start=day, end=day))


@transaction.atomic
def holiday_override_delete(*, override: HolidayOverride, deleted_by: User) -> None:
    if not access.is_operator(deleted_by):
        raise ApplicationError(_("تعطیلات رسمی را فقط راهبر کل سامانه اصلاح می‌کند."))
    override.delete()
    _national_day_announce(override.date)


def _weekly_rule_announce(rule: WeeklyDaysOff) -> None:
    calendars_changed()
    announce(
        CalendarChanged(
            scope=CalendarScope.AGENCY if rule.agency_id else CalendarScope.NATIONAL,
            start=rule.starts_on,
            end=rule.ends_on,
            agency_id=rule.agency_id,
        )
    )


def _may_manage_weekly_rule(user: User, rule: WeeklyDaysOff) -> None:
    if not access.admin_may_touch(user, rule.agency_id):
        raise ApplicationError(_("شما اجازه تغییر روزهای تعطیل هفته را ندارید."))


@transaction.atomic
def weekly_days_off_save(*, rule: WeeklyDaysOff, saved_by: User) -> WeeklyDaysOff:
    """Add or change a weekly days-off rule (national, or one agency's). The days it covered
    before and the days it covers now may both have changed."""
    _may_manage_weekly_rule(saved_by, rule)
    try:
        rule.full_clean()
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0]) from exc
    before = WeeklyDaysOff.objects.filter(pk=rule.pk).first() if rule.pk else None
    if before is not None:
        _may_manage_weekly_rule(saved_by, before)
    rule.save()
    if before is not None:
        _weekly_rule_announce(before)
    _weekly_rule_announce(rule)
    return rule


@transaction.atomic
def weekly_days_off_delete(*, rule: WeeklyDaysOff, deleted_by: User) -> None:
    _may_manage_weekly_rule(deleted_by, rule)
    rule.delete()
    _weekly_rule_announce(rule)
