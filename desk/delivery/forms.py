from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from desk.core.forms import NUMERIC_ATTRS, PersianFileInput, StyledForm
from desk.lib import verification_codes as codes


class VerifyCodeForm(StyledForm):
    code = forms.CharField(
        label=_("کد صحت‌سنجی"),
        max_length=40,
        help_text=_("کد ۱۶ رقمی پایین سند."),
        widget=forms.TextInput(attrs={**NUMERIC_ATTRS, "maxlength": 24}),
    )

    def clean_code(self) -> str:
        code = codes.normalize(self.cleaned_data["code"])
        if not codes.is_valid(code):
            raise ValidationError(
                _("این کد درست نیست. ۱۶ رقم چاپ‌شده پایین سند را دوباره وارد کنید.")
            )
        return code


class VerifyUploadForm(StyledForm):
    document = forms.FileField(
        label=_("پرونده PDF سند"),
        help_text=_("همان پرونده‌ای که دریافت کرده‌اید؛ پرونده فقط مقایسه می‌شود و نگه داشته نمی‌شود."),
        widget=PersianFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(_("این پرونده بزرگ‌تر از سندهای صادرشده است."))
        return upload
