from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TemplateForm(forms.Form):
    body = forms.CharField(
        label=_("متن پیام"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "rtl"}),
        error_messages={"required": _("متن پیام را بنویسید.")},
    )
