"""A date asked as three boxes, روز / ماه / سال (GOV.UK's date input), in Jalali: on the
citizens' forms and, for every date column, in the admin (desk/core/admin_persian.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from desk.lib import jalali
from desk.lib.persian import to_ascii_digits, to_persian_digits

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
            return [to_persian_digits(day.day), to_persian_digits(day.month), str(day.year)]
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
        day, month, year = (to_ascii_digits(part or "").strip() for part in data_list)
        if not (day and month and year):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(_("روز، ماه و سال را با رقم بنویسید."), code="digits")
        if len(year) != 4 or not 1200 <= int(year) <= 1500:
            raise ValidationError(_("سال را شمسی و با چهار رقم بنویسید، مثلاً ۱۳۶۸."), code="year")
        try:
            return jalali.parse_date(f"{year}/{month}/{day}")
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_date") from exc
