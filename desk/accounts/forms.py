from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.core.forms import (
    NUMERIC_ATTRS,
    MobileField,
    NationalCodeField,
    NormalizedCharField,
    StyledForm,
)
from desk.lib.validators import validate_person_name

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class CitizenLoginForm(StyledForm):
    national_code = NationalCodeField(label=_("کد ملی"))
    mobile = MobileField(label=_("تلفن همراه"), help_text=_("مثلاً ۰۹۱۲۱۲۳۴۵۶۷"))


class CodeForm(StyledForm):
    code = forms.CharField(
        label=_("کد پیامک‌شده"),
        max_length=12,
        widget=forms.TextInput(attrs={**NUMERIC_ATTRS, "autocomplete": "one-time-code"}),
    )


class StaffLoginForm(StyledForm):
    username = forms.CharField(label=_("نام کاربری"), max_length=150)
    password = forms.CharField(label=_("گذرواژه"), widget=forms.PasswordInput)


def _name_field(
    label: StrOrPromise, required: StrOrPromise, letters: StrOrPromise
) -> NormalizedCharField:
    """A person's name: at least one letter (validate_person_name)."""
    return NormalizedCharField(
        label=label,
        max_length=150,
        validators=[validate_person_name],
        error_messages={"required": required, "name_letters": letters},
    )


class ProfileForm(StyledForm):
    first_name = _name_field(
        _("نام"), _("نام خود را وارد کنید."), _("نام را با حروف بنویسید، مثلاً مریم.")
    )
    last_name = _name_field(
        _("نام خانوادگی"),
        _("نام خانوادگی خود را وارد کنید."),
        _("نام خانوادگی را با حروف بنویسید، مثلاً رضایی."),
    )


def _one_time_code_field(
    label: StrOrPromise, help_text: StrOrPromise, required_message: StrOrPromise
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        error_messages={"required": required_message},
        max_length=20,
        widget=forms.TextInput(attrs={**NUMERIC_ATTRS, "autocomplete": "one-time-code"}),
    )


class TwoFactorCodeForm(StyledForm):
    code = _one_time_code_field(
        _("کد برنامه احراز هویت"),
        _("کد ۶ رقمی برنامه، یا یکی از کدهای بازیابی ۱۲ رقمی"),
        _("کدی را که برنامه احراز هویت نشان می‌دهد وارد کنید."),
    )


class TotpConfirmForm(StyledForm):
    code = _one_time_code_field(
        _("کد ۶ رقمی که برنامه نشان می‌دهد"),
        _("مثلاً ۱۲۳۴۵۶"),
        _("کد ۶ رقمی را که برنامه نشان می‌دهد وارد کنید."),
    )
