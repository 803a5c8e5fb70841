"""The admin in Persian and Jalali, for every ModelAdmin at once (installed by CoreConfig.ready).

Django's admin writes dates with the Gregorian calendar and numbers with Latin digits, and
offers no hook per site for it. Here, once:

- list columns and read-only fields show dates as ``۱۴۰۴/۰۱/۱۰``, times as
  ``۱۴۰۴/۰۱/۱۰ ساعت ۱۴:۰۵`` (Tehran time) and numbers in Persian digits
  (``persian_display_for_field`` / ``persian_display_for_value`` replace Django's
  ``display_for_field`` / ``display_for_value`` where the change list and the read-only
  fields call them);
- every date column's filter offers today, the past 7 days, this *Jalali* month and this
  *Jalali* year (``JalaliDateFieldListFilter``, registered before Django's own);
- every date column is asked as three boxes روز / ماه / سال, Persian or Latin digits
  (``JalaliDatePartsField``), unless its admin chose another field;
- the object history page is templates/admin/object_history.html (Jalali times).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import jdatetime
from django.contrib import admin
from django.contrib.admin import filters, helpers, options
from django.contrib.admin import utils as admin_utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from desk.core.dates import JalaliDatePartsField, JalaliDatePartsWidget
from desk.lib.jalali import TEHRAN, format_date, format_datetime, today_tehran
from desk.lib.persian import to_persian_digits

_django_display_for_field = admin_utils.display_for_field
_django_display_for_value = admin_utils.display_for_value


def _persian(value: Any) -> str | None:
    """The Persian text of a date, a time or a number; None for anything else."""
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, datetime.time):
        return to_persian_digits(f"{value.hour:02d}:{value.minute:02d}")
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal | float):
        return to_persian_digits(formats.number_format(value))
    return None


def persian_display_for_field(
    value: Any, field: Any, empty_value_display: str, avoid_link: bool = False
) -> Any:
    if value is not None and not getattr(field, "flatchoices", None):
        shown = _persian(value)
        if shown is not None:
            return shown
    return _django_display_for_field(value, field, empty_value_display, avoid_link=avoid_link)


def persian_display_for_value(value: Any, empty_value_display: str, boolean: bool = False) -> Any:
    if value is not None and not boolean:
        shown = _persian(value)
        if shown is not None:
            return shown
    return _django_display_for_value(value, empty_value_display, boolean)


class JalaliDateFieldListFilter(filters.DateFieldListFilter):
    """Django's date filter with the month and the year of the Jalali calendar (Tehran)."""

    def __init__(self, field: Any, request: Any, params: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(field, request, params, *args, **kwargs)
        today = today_tehran()
        jtoday = jdatetime.date.fromgregorian(date=today)
        month_start = jdatetime.date(jtoday.year, jtoday.month, 1).togregorian()
        next_month = (
            jdatetime.date(jtoday.year + 1, 1, 1)
            if jtoday.month == 12
            else jdatetime.date(jtoday.year, jtoday.month + 1, 1)
        ).togregorian()
        year_start = jdatetime.date(jtoday.year, 1, 1).togregorian()
        next_year = jdatetime.date(jtoday.year + 1, 1, 1).togregorian()
        since, until = self.lookup_kwarg_since, self.lookup_kwarg_until
        bounds = [
            (today, today + datetime.timedelta(days=1)),
            (today - datetime.timedelta(days=7), today + datetime.timedelta(days=1)),
            (month_start, next_month),
            (year_start, next_year),
        ]
        if isinstance(field, models.DateTimeField):
            bounds = [(_midnight(a), _midnight(b)) for a, b in bounds]
        labels = [_("امروز"), _("هفت روز گذشته"), _("این ماه"), _("امسال")]
        links: list[tuple[Any, dict[str, Any]]] = [(_("هر تاریخی"), {})]
        links += [
            (label, {since: start, until: end})
            for label, (start, end) in zip(labels, bounds, strict=True)
        ]
        self.links = (*links, *self.links[5:])  # «no date» / «has date» as Django made them


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=TEHRAN)


DATE_FORM_FIELD: dict[str, Any] = {
    "form_class": JalaliDatePartsField,
    "widget": JalaliDatePartsWidget,
}


def install() -> None:
    """Idempotent; called from CoreConfig.ready()."""
    # Where the change list and the read-only fields look these names up (imported by name).
    setattr(admin_list, "display_for_field", persian_display_for_field)  # noqa: B010
    setattr(admin_list, "display_for_value", persian_display_for_value)  # noqa: B010
    setattr(helpers, "display_for_field", persian_display_for_field)  # noqa: B010
    filters.FieldListFilter.register(
        lambda f: isinstance(f, models.DateField), JalaliDateFieldListFilter, take_priority=True
    )
    # Admins made from now on (inlines are made per request) and those registered already.
    defaults: dict[Any, Any] = options.FORMFIELD_FOR_DBFIELD_DEFAULTS
    defaults[models.DateField] = DATE_FORM_FIELD
    for model_admin in admin.site._registry.values():
        overrides: dict[Any, Any] = model_admin.formfield_overrides  # type: ignore[assignment]
        overrides[models.DateField] = DATE_FORM_FIELD
