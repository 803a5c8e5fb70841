"""The web's sign-in forms, joined where the API asks in one call what the web asks in two
pages (the mobile beside the code; the second factor beside the password)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.accounts.forms import CodeForm, StaffLoginForm
from desk.core.forms import MobileField


class CitizenTokenForm(CodeForm):
    mobile = MobileField(label=_("تلفن همراه"))


class StaffTokenForm(StaffLoginForm):
    code = forms.CharField(label=_("کد برنامه احراز هویت"), max_length=20, required=False)
