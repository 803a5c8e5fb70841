from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.core.forms import (
    NUMERIC_ATTRS,
    MobileField,
    NationalCodeField,
    NormalizedCharField,
    StyledForm,
)
from desk.submissions.models import Channel

PHONE_NEEDS_MOBILE = _(
    "شهروند تلفنی بدون تلفن همراه را نمی‌توان شناسایی کرد؛ او را به میز خدمت دعوت کنید."
)
CHANNELS = [(Channel.DESK.value, _("حضوری، در میز خدمت")), (Channel.PHONE.value, _("تلفنی"))]


class LookupForm(StyledForm):
    national_code = NationalCodeField(label=_("کد ملی شهروند"), help_text=_("۱۰ رقم"))


class ConsentForm(StyledForm):
    """Who is being served and how; the code goes to the mobile the citizen gives (new, or a
    registered citizen who no longer has the one on record), else to the one on record. Without
    a mobile: a landline (or nothing), at the counter."""

    channel = forms.ChoiceField(
        label=_("شهروند کجاست؟"), choices=CHANNELS, widget=forms.RadioSelect, initial="desk"
    )
    mobile = MobileField(
        label=_("تلفن همراه شهروند"),
        required=False,
        help_text=_("مثلاً ۰۹۱۲۱۲۳۴۵۶۷؛ اگر شماره‌ای ثبت شده باشد، کد به همان فرستاده می‌شود"),
    )
    first_name = NormalizedCharField(label=_("نام"), max_length=150, required=False)
    last_name = NormalizedCharField(label=_("نام خانوادگی"), max_length=150, required=False)
    no_mobile = forms.BooleanField(
        label=_("شهروند تلفن همراه ندارد؛ حاضر است و کارت ملی او را دیدم"), required=False
    )
    landline = forms.CharField(
        label=_("تلفن ثابت"),
        required=False,
        max_length=20,
        help_text=_("برای شهروند بدون تلفن همراه؛ به آن پیامک فرستاده نمی‌شود"),
        widget=forms.TextInput(attrs=NUMERIC_ATTRS),
    )

    def __init__(self, *args: Any, registered: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if registered:  # the name on record is used; the code goes to the mobile on record
            for name in ("first_name", "last_name"):  # unless the citizen has another in hand
                del self.fields[name]
            self.fields["mobile"].label = _("تلفن همراهی که اکنون در دست شهروند است")
            self.fields["mobile"].help_text = _(
                "خالی: کد به شماره ثبت‌شده فرستاده می‌شود. اگر شهروند آن شماره را ندارد، شماره "
                "کنونی‌اش را بنویسید؛ سامانه شاهکار تعیین می‌کند که این شماره از آن اوست."
            )
            self._bound_fields_cache.pop("mobile", None)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("no_mobile") and data.get("channel") == Channel.PHONE:
            self.add_error("no_mobile", PHONE_NEEDS_MOBILE)
        return data


class ConsentCodeForm(StyledForm):
    code = forms.CharField(
        label=_("کدی که شهروند می‌خواند"),
        max_length=12,
        help_text=_("کد ۶ رقمی پیامک‌شده به تلفن همراه شهروند"),
        widget=forms.TextInput(attrs={**NUMERIC_ATTRS, "autocomplete": "off"}),
    )
