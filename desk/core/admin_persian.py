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
  (``JalaliDatePartsField``), and every date-and-time column as the same boxes and
  ساعت : دقیقه in Tehran time (``JalaliDateTimePartsField``), unless its admin chose another field;
- the date drill-down above a change list (``date_hierarchy``) walks Jalali years, months and
  days (``jalali_date_hierarchy`` and ``JalaliChangeList``: the ``__year``/``__month``/``__day``
  parameters are read as Jalali and turned into a range of Tehran time);
- Django's built-in permissions («Can add …») are shown as «افزودن …», «ویرایش …», «حذف …»,
  «دیدن …» with the model's Persian name wherever the admin offers them (``permission_label``):
  their names are stored in English in the database, so translation catalogues cannot reach them;
- the object history page is templates/admin/object_history.html (Jalali times);
- a change list's counts are in Persian digits: the result count and the page numbers
  (templates/admin/search_form.html, pagination.html and ``persian_paginator_number``), the
  filters' choices (filter.html), the «selected» note (actions.html; static/desk/admin.js keeps
  the counter Django's script redraws Persian).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import jdatetime
from django.contrib import admin
from django.contrib.admin import filters, helpers, options
from django.contrib.admin import utils as admin_utils
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.db import models
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from desk.core.dates import (
    JalaliDatePartsField,
    JalaliDatePartsWidget,
    JalaliDateTimePartsField,
    JalaliDateTimePartsWidget,
)
from desk.lib.jalali import (
    TEHRAN,
    format_date,
    format_datetime,
    month_name,
    to_jalali,
    today_tehran,
)
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


# --- the date drill-down, in Jalali -----------------------------------------------------------


def _jalali_bounds(year: int, month: int | None, day: int | None) -> tuple[Any, Any]:
    """The Gregorian [start, end) of a Jalali year, month or day."""
    start = jdatetime.date(year, month or 1, day or 1)
    if day:
        end = start + datetime.timedelta(days=1)
    elif month:
        end = jdatetime.date(year + 1, 1, 1) if month == 12 else jdatetime.date(year, month + 1, 1)
    else:
        end = jdatetime.date(year + 1, 1, 1)
    return start.togregorian(), end.togregorian()


class JalaliChangeList(ChangeList):
    """Reads the drill-down's ``<field>__year``/``__month``/``__day`` as a Jalali date and
    filters a range of Tehran time (Django's own reads them as Gregorian)."""

    def get_filters_params(self, params: Any = None) -> Any:
        lookup_params = super().get_filters_params(params)
        field_name = self.date_hierarchy
        if not field_name or f"{field_name}__year" not in lookup_params:
            return lookup_params
        parts = [lookup_params.pop(f"{field_name}__{p}", None) for p in ("year", "month", "day")]
        try:
            year, month, day = (int(p[-1]) if p else None for p in parts)
            assert year is not None
            start, end = _jalali_bounds(year, month, day)
        except (ValueError, TypeError, AssertionError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        if isinstance(get_fields_from_path(self.model, field_name)[-1], models.DateTimeField):
            start, end = _midnight(start), _midnight(end)
        lookup_params[f"{field_name}__gte"] = [start]
        lookup_params[f"{field_name}__lt"] = [end]
        return lookup_params


def _jalali_days(cl: Any, field_name: str) -> list[jdatetime.date]:
    """The Jalali days that have rows in the (filtered) change list, in Tehran time."""
    field = get_fields_from_path(cl.model, field_name)[-1]
    if isinstance(field, models.DateTimeField):
        days = cl.queryset.datetimes(field_name, "day", tzinfo=TEHRAN)
    else:
        days = cl.queryset.dates(field_name, "day")
    return sorted({to_jalali(d) for d in days})


def jalali_date_hierarchy(cl: Any) -> dict[str, Any] | None:
    """Django's ``date_hierarchy`` tag with Jalali years, months (by name) and days."""
    if not cl.date_hierarchy:
        return None
    field_name = cl.date_hierarchy
    year_field, month_field, day_field = (f"{field_name}__{p}" for p in ("year", "month", "day"))
    year, month, day = (cl.params.get(f) for f in (year_field, month_field, day_field))

    def link(filters: dict[str, Any]) -> str:
        return str(cl.get_query_string(filters, [f"{field_name}__"]))

    def fa(number: Any) -> str:
        return to_persian_digits(str(number))

    if year and month and day:
        return {
            "show": True,
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": f"{month_name(int(month))} {fa(year)}",
            },
            "choices": [{"title": f"{fa(day)} {month_name(int(month))}"}],
        }
    days = _jalali_days(cl, field_name)
    if not (year or month) and days and days[0].year == days[-1].year:
        year = str(days[0].year)  # one year only: start at its months, as Django does
    if year and month:
        shown = [d for d in days if d.year == int(year) and d.month == int(month)]
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": fa(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: d.day}),
                    "title": f"{fa(d.day)} {month_name(d.month)}",
                }
                for d in shown
            ],
        }
    if year:
        months = sorted({d.month for d in days if d.year == int(year)})
        return {
            "show": True,
            "back": {"link": link({}), "title": _("همه تاریخ‌ها")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: m}),
                    "title": f"{month_name(m)} {fa(year)}",
                }
                for m in months
            ],
        }
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_field: y}), "title": fa(y)} for y in sorted({d.year for d in days})
        ],
    }


def _date_hierarchy_tag(parser: Any, token: Any) -> InclusionAdminNode:
    return InclusionAdminNode(  # type: ignore[call-arg]  # django-stubs lack parser
        parser,
        token,
        func=jalali_date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )


def persian_paginator_number(cl: Any, i: Any) -> str:
    """Django's ``paginator_number`` with the page's number in Persian digits (the link's
    ``?p=`` stays Latin)."""
    if i == cl.paginator.ELLIPSIS:
        return format_html("{} ", cl.paginator.ELLIPSIS)
    if i == cl.page_num:
        return format_html('<span class="this-page">{}</span> ', to_persian_digits(i))
    return format_html(
        '<a href="{}"{}>{}</a> ',
        cl.get_query_string({PAGE_VAR: i}),
        format_html(' class="end"') if i == cl.paginator.num_pages else "",
        to_persian_digits(i),
    )


def _get_changelist(self: Any, request: Any, **kwargs: Any) -> type[ChangeList]:
    return JalaliChangeList


# --- permissions, in Persian --------------------------------------------------------------------

_ACTIONS = {
    "add": _("افزودن"),
    "change": _("ویرایش"),
    "delete": _("حذف"),
    "view": _("دیدن"),
}


# django-otp names its apps and models in English, outside any catalogue: their Persian names.
_FOREIGN_MODELS = {
    "otp_totp.totpdevice": (_("ورود دومرحله‌ای"), _("برنامه رمزساز")),
    "otp_static.staticdevice": (_("ورود دومرحله‌ای"), _("فهرست کدهای پشتیبان")),
    "otp_static.statictoken": (_("ورود دومرحله‌ای"), _("کد پشتیبان")),
}


def permission_label(permission: Any) -> str:
    """``بخش | نوع | افزودن نوع`` for Django's four built-in permissions of a model; other
    permissions keep the name their model gave them (written in Persian there)."""
    content_type = permission.content_type
    model = content_type.model_class()
    name = permission.name
    action, _sep, model_name = permission.codename.partition("_")
    if model is None:
        return f"{content_type} | {name}"
    app_name, verbose_name = _FOREIGN_MODELS.get(
        model._meta.label_lower, (model._meta.app_config.verbose_name, model._meta.verbose_name)
    )
    if action in _ACTIONS and model_name == model._meta.model_name:
        name = f"{_ACTIONS[action]} {verbose_name}"
    return f"{app_name} | {verbose_name} | {name}"


_django_formfield_for_manytomany = options.BaseModelAdmin.formfield_for_manytomany


def _formfield_for_manytomany(self: Any, db_field: Any, request: Any, **kwargs: Any) -> Any:
    field = _django_formfield_for_manytomany(self, db_field, request, **kwargs)
    if field is not None and db_field.related_model._meta.label == "auth.Permission":
        setattr(field, "label_from_instance", permission_label)  # noqa: B010
    return field


DATE_FORM_FIELD: dict[str, Any] = {
    "form_class": JalaliDatePartsField,
    "widget": JalaliDatePartsWidget,
}
DATETIME_FORM_FIELD: dict[str, Any] = {
    "form_class": JalaliDateTimePartsField,
    "widget": JalaliDateTimePartsWidget,
}


def install() -> None:
    """Idempotent; called from CoreConfig.ready()."""
    # Where the change list and the read-only fields look these names up (imported by name).
    setattr(admin_list, "display_for_field", persian_display_for_field)  # noqa: B010
    setattr(admin_list, "display_for_value", persian_display_for_value)  # noqa: B010
    setattr(helpers, "display_for_field", persian_display_for_field)  # noqa: B010
    admin_list.register.tag("date_hierarchy", _date_hierarchy_tag)
    admin_list.register.simple_tag(persian_paginator_number, name="paginator_number")
    setattr(options.ModelAdmin, "get_changelist", _get_changelist)  # noqa: B010
    setattr(  # noqa: B010
        options.BaseModelAdmin, "formfield_for_manytomany", _formfield_for_manytomany
    )
    filters.FieldListFilter.register(
        lambda f: isinstance(f, models.DateField), JalaliDateFieldListFilter, take_priority=True
    )
    # Admins made from now on (inlines are made per request) and those registered already.
    defaults: dict[Any, Any] = options.FORMFIELD_FOR_DBFIELD_DEFAULTS
    defaults[models.DateField] = DATE_FORM_FIELD
    defaults[models.DateTimeField] = DATETIME_FORM_FIELD
    for model_admin in admin.site._registry.values():
        overrides: dict[Any, Any] = model_admin.formfield_overrides  # type: ignore[assignment]
        overrides[models.DateField] = DATE_FORM_FIELD
        overrides[models.DateTimeField] = DATETIME_FORM_FIELD
