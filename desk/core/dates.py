"""A date asked as three boxes, روز / ماه / سال (GOV.UK's date input), in Jalali: on the
citizens' forms and, for every date column, in the admin (desk/core/admin_persian.py); a date
and time as the same three boxes and ساعت : دقیقه, in Tehran time, for every editable
date-and-time column of the admin."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.lib import jalali
from desk.lib.persian import is_ascii_number, normalize, to_persian_digits

_PART_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}


class JalaliDatePartsWidget(forms.MultiWidget):
    template_name = "widgets/date_parts.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.TextInput(attrs={**_PART_ATTRS, "maxlength": 2, "class": "form-control"}),
            forms.TextInput(attrs={**_PART_ATTRS, "maxlength": 2, "class": "form-control"}),
            forms.TextInput(attrs={**_PART_ATTRS, "maxlength": 4, "class": "form-control"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, date):
            day = jalali.to_jalali(value)
            return [
                to_persian_digits(day.day),
                to_persian_digits(day.month),
                to_persian_digits(day.year),
            ]
        return [None, None, None]


class JalaliDatePartsField(forms.MultiValueField):
    """Day, month and year boxes cleaned to a Gregorian ``date``; each problem in words
    that say what to fix."""

    widget = JalaliDatePartsWidget

    def __init__(self, *, label: str = "", **kwargs: Any) -> None:
        parts = tuple(forms.CharField(required=False) for _part in range(3))
        # The hint is never left out (a model field passes an empty one): the three boxes
        # need an example of the order and of a four-digit solar year.
        kwargs["help_text"] = kwargs.get("help_text") or _("مثلاً ۲۱ ۶ ۱۳۶۸")
        super().__init__(parts, label=label, require_all_fields=False, **kwargs)
        self.error_messages["required"] = _("«%(label)s» را وارد کنید.") % {"label": label}
        self.error_messages["incomplete"] = _("«%(label)s» باید روز، ماه و سال داشته باشد.") % {
            "label": label
        }

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (normalize(part or "") for part in data_list)
        if not (day and month and year):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        if not (is_ascii_number(day) and is_ascii_number(month) and is_ascii_number(year)):
            raise ValidationError(_("روز، ماه و سال را با رقم بنویسید."), code="digits")
        if len(year) != 4 or not 1200 <= int(year) <= 1500:
            raise ValidationError(_("سال را شمسی و با چهار رقم بنویسید، مثلاً ۱۳۶۸."), code="year")
        try:
            return jalali.parse_date(f"{year}/{month}/{day}")
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_date") from exc


class JalaliDateTimePartsWidget(forms.MultiWidget):
    """روز / ماه / سال and ساعت : دقیقه, five boxes, each with its own label; a stored
    instant is shown in Tehran time with Persian digits."""

    template_name = "widgets/datetime_parts.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        sizes = (2, 2, 4, 2, 2)
        widgets = [
            forms.TextInput(attrs={**_PART_ATTRS, "maxlength": size, "class": "form-control"})
            for size in sizes
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, datetime):
            local = timezone.localtime(value, jalali.TEHRAN) if timezone.is_aware(value) else value
            day = JalaliDatePartsWidget().decompress(local.date())
            return [*day, to_persian_digits(local.hour), to_persian_digits(f"{local.minute:02d}")]
        return [None] * 5


class JalaliDateTimePartsField(forms.MultiValueField):
    """A Jalali day and a time of day in Tehran, cleaned to an aware ``datetime``; an empty
    time is the start of the day (۰۰:۰۰)."""

    widget = JalaliDateTimePartsWidget

    def __init__(self, *, label: str = "", **kwargs: Any) -> None:
        parts = tuple(forms.CharField(required=False) for _part in range(5))
        # The format and the time zone are always said; a model's own hint follows.
        hint = _("مثلاً ۲۱ ۶ ۱۴۰۵ ساعت ۱۴ دقیقه ۳۰، به وقت تهران؛ ساعت خالی یعنی آغاز روز.")
        kwargs["help_text"] = " ".join(
            str(part) for part in (hint, kwargs.get("help_text")) if part
        )
        kwargs.pop("input_date_formats", None)
        kwargs.pop("input_time_formats", None)
        super().__init__(parts, label=label, require_all_fields=False, **kwargs)
        self.date_field = JalaliDatePartsField(label=label)
        self.error_messages["required"] = self.date_field.error_messages["required"]

    def compress(self, data_list: list[str]) -> datetime | None:
        if not data_list or not any(data_list):
            return None
        day = self.date_field.compress(list(data_list[:3]))
        if day is None:
            raise ValidationError(self.date_field.error_messages["incomplete"], code="incomplete")
        hour, minute = (normalize(part or "") for part in data_list[3:5])
        if not all(is_ascii_number(part) for part in (hour, minute) if part):
            raise ValidationError(_("ساعت و دقیقه را با رقم بنویسید."), code="time_digits")
        if minute and not hour:
            raise ValidationError(_("ساعت را هم بنویسید، مثلاً ۱۴."), code="time_incomplete")
        hours, minutes = int(hour or 0), int(minute or 0)
        if not (0 <= hours <= 23 and 0 <= minutes <= 59):
            raise ValidationError(_("ساعت از ۰ تا ۲۳ و دقیقه از ۰ تا ۵۹ است."), code="time_range")
        return datetime.combine(day, time(hours, minutes), tzinfo=jalali.TEHRAN)
