from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.core.forms import (
    NormalizedCharField,
    PersianIntegerField,
    StyledForm,
)
from desk.lib.persian import is_ascii_number, to_ascii_digits


class AmountField(forms.CharField):
    """Rials as people type them: Persian or Latin digits, with or without separators."""

    def to_python(self, value: object) -> int | None:  # type: ignore[override]
        text = to_ascii_digits(str(value or "")).replace(",", "").replace("٬", "").strip()
        if not text:
            return None
        if not is_ascii_number(text):  # «²» is a digit to isdigit, not to int
            raise forms.ValidationError(_("مبلغ را فقط با رقم و به ریال بنویسید."))
        if len(text.lstrip("0")) > 15:  # beyond any fee, and what the database holds
            raise forms.ValidationError(_("این مبلغ بیش از اندازه است؛ مبلغ را به ریال بنویسید."))
        return int(text)


class ChooseForm(StyledForm):
    option = forms.TypedChoiceField(
        label=_("کدام گزینه را می‌پردازید؟"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("یکی از گزینه‌ها را انتخاب کنید.")},
    )

    def __init__(self, *args: object, options: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = options  # type: ignore[attr-defined]


class StaffChargeForm(StyledForm):
    amount = AmountField(
        label=_("مبلغ (ریال)"),
        error_messages={"required": _("مبلغ را به ریال وارد کنید.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    reason = forms.CharField(
        label=_("این مبلغ بابت چیست؟ (متقاضی این را می‌خواند)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("بنویسید این مبلغ بابت چیست.")},
    )


class RefundForm(StyledForm):
    amount = AmountField(
        label=_("مبلغ استرداد (ریال)"),
        error_messages={"required": _("مبلغ استرداد را به ریال وارد کنید.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    reason = forms.CharField(
        label=_("علت استرداد (برای متقاضی پیامک می‌شود)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("علت استرداد را بنویسید.")},
    )
    reference = NormalizedCharField(label=_("شماره مرجع واریز"), required=False, max_length=100)


class RevenueForm(StyledForm):
    year = PersianIntegerField(
        label=_("سال"),
        min_value=1390,
        max_value=1500,
        help_text=_("سال شمسی با چهار رقم؛ مثلاً ۱۴۰۵"),
        error_messages={
            "required": _("سال را با چهار رقم بنویسید؛ مثلاً ۱۴۰۵."),
            "min_value": _("سالی از ۱۳۹۰ تا ۱۵۰۰ بنویسید؛ مثلاً ۱۴۰۵."),
            "max_value": _("سالی از ۱۳۹۰ تا ۱۵۰۰ بنویسید؛ مثلاً ۱۴۰۵."),
        },
    )
