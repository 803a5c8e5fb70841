from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.core.forms import (
    NUMERIC_ATTRS,
    MobileField,
    NationalCodeField,
    NormalizedCharField,
    StyledForm,
)


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


class ProfileForm(StyledForm):
    first_name = NormalizedCharField(label=_("نام"), max_length=150)
    last_name = NormalizedCharField(label=_("نام خانوادگی"), max_length=150)
