from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from desk.appointments.models import Office
from desk.catalog.models import Service
from desk.core.forms import MobileField, NationalCodeField, NormalizedCharField, StyledForm


class SlotField(forms.CharField):
    """A slot's start as the ISO timestamp the page offered; cleaned to an aware datetime."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> datetime.datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(_("یک نوبت را انتخاب کنید."), code="invalid") from None
        if moment.tzinfo is None:
            raise ValidationError(_("یک نوبت را انتخاب کنید."), code="invalid")
        try:
            # A moment at the edge of the calendar (year 1 or 9999 with an offset) has no UTC
            # equivalent; the database and the slot arithmetic need one.
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(
                _("این نوبت معتبر نیست. یکی از نوبت‌های آزاد را انتخاب کنید."), code="invalid"
            ) from None


class BookForm(StyledForm):
    slot = SlotField(error_messages={"required": _("یک نوبت را انتخاب کنید.")})


class WalkInForm(StyledForm):
    national_code = NationalCodeField(label=_("کد ملی مراجعه‌کننده"))
    mobile = MobileField(label=_("تلفن همراه"))
    slot = SlotField(error_messages={"required": _("یک نوبت را انتخاب کنید.")})


class ChooseForm(StyledForm):
    """Which service and office the clerk books for (a GET form)."""

    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("خدمت"))
    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("دفتر"))

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_service = self.fields["service"]
        field_office = self.fields["office"]
        assert isinstance(field_service, forms.ModelChoiceField)
        assert isinstance(field_office, forms.ModelChoiceField)
        field_service.queryset = Service.objects.filter(
            agency_id=agency_id, slot_templates__is_active=True
        ).distinct()
        field_office.queryset = Office.objects.filter(agency_id=agency_id, is_active=True)


class SearchForm(StyledForm):
    q = NormalizedCharField(
        label=_("کد نوبت یا کد ملی"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )
