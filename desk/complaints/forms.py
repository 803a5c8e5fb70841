from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.accounts.models import User
from desk.catalog.models import Service
from desk.complaints.models import About, Outcome
from desk.core.forms import DocumentField, NormalizedTextField, StyledForm

TEXT_HINT = _("چه شد، کی و کجا؛ و چه انتظاری دارید. نام و شماره تلفن کسی را ننویسید.")


class _ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — {obj.agency.name}"


class _StaffChoice(forms.ModelChoiceField):
    """A staff member by what they did on the request, as its timeline shows it."""

    def __init__(self, *args: Any, labels: dict[int, str], **kwargs: Any) -> None:
        self.labels = labels
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.labels.get(obj.pk, str(obj.get_full_name() or obj.username))


def _text_field(label: Any) -> forms.CharField:
    field = NormalizedTextField(
        label=label,
        max_length=4000,
        help_text=TEXT_HINT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    field.error_messages["required"] = _("شرح را بنویسید.")
    return field


class _FilingForm(StyledForm):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def clean_idempotency_key(self) -> uuid.UUID:
        return self.cleaned_data.get("idempotency_key") or uuid.uuid4()


class ServiceComplaintForm(_FilingForm):
    """A complaint or an anonymous report about a service."""

    service = _ServiceChoice(
        queryset=Service.objects.none(),
        label=_("درباره کدام خدمت است؟"),
        empty_label=_("یک خدمت را انتخاب کنید"),
        error_messages={"required": _("خدمت را انتخاب کنید.")},
    )
    text = _text_field(_("شرح شکایت"))

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]


class RequestComplaintForm(_FilingForm):
    """A complaint about one of the citizen's requests, or about a staff member who acted on
    it (chosen from its timeline)."""

    about = forms.ChoiceField(
        label=_("شکایت شما درباره چیست؟"),
        choices=[
            (About.REQUEST, _("روند یا نتیجه این درخواست")),
            (About.STAFF, _("رفتار یک کارمند")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("بگویید شکایت درباره درخواست است یا یک کارمند.")},
    )
    staff_member = _StaffChoice(
        queryset=User.objects.none(),
        labels={},
        label=_("کدام کارمند؟"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "فقط اگر شکایت درباره رفتار یک کارمند است. کارکنانی که روی این درخواست اقدام کرده‌اند:"
        ),
    )
    text = _text_field(_("شرح شکایت"))

    def __init__(
        self, *args: Any, staff: list[User], labels: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["staff_member"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in staff])  # type: ignore[attr-defined]
        field.labels = labels  # type: ignore[attr-defined]
        if not staff:
            self.fields["about"].choices = [(About.REQUEST, _("روند یا نتیجه این درخواست"))]  # type: ignore[attr-defined]
            del self.fields["staff_member"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("about") == About.STAFF and not data.get("staff_member"):
            self.add_error("staff_member", _("کارمندی را که شکایت درباره اوست انتخاب کنید."))
        if data.get("about") != About.STAFF:
            data["staff_member"] = None
        return data


class ObjectionForm(_FilingForm):
    text = _text_field(_("چرا این تصمیم را درست نمی‌دانید؟"))


class AttachmentForm(forms.Form):
    """The optional document, chosen on the «check your answers» page right before sending
    (a file cannot ride along in the hidden answers)."""

    document = DocumentField(
        label=_("پیوست"),
        required=False,
        help_text=_("PDF، JPG یا PNG؛ مثلاً تصویر رسید یا نامه."),
    )


class TrackReportForm(StyledForm):
    code = forms.CharField(
        label=_("کد پیگیری"),
        max_length=20,
        error_messages={"required": _("کد پیگیری ۱۲ رقمی را وارد کنید.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )
    key = forms.CharField(
        label=_("رمز پیگیری"),
        max_length=12,
        help_text=_("رمز ۸ رقمی که هنگام ثبت گزارش نشان داده شد"),
        error_messages={"required": _("رمز پیگیری ۸ رقمی را وارد کنید.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )


class AppealForm(StyledForm):
    text = _text_field(_("چرا پاسخ دستگاه را نمی‌پذیرید؟"))


OUTCOME_CHOICES = [(Outcome.UPHELD, _("وارد است")), (Outcome.DISMISSED, _("وارد نیست"))]


class AnswerForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("نتیجه رسیدگی"),
        choices=OUTCOME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("نتیجه رسیدگی را انتخاب کنید.")},
    )
    answer = NormalizedTextField(
        label=_("پاسخ به شهروند"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("پاسخ به شهروند را بنویسید.")},
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("بررسی دوباره با"),
        required=False,
        empty_label=_("خودکار: کم‌کارترین کارشناس مجاز"),
        help_text=_("اگر اعتراض وارد است، درخواست به این کارشناس می‌رسد؛ هرگز به ردکننده."),
    )

    def __init__(self, *args: Any, candidates: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is None:
            del self.fields["assignee"]
        else:
            field = self.fields["assignee"]
            field.queryset = User.objects.filter(pk__in=[u.pk for u in candidates])  # type: ignore[attr-defined]
            field.label_from_instance = lambda u: str(u.get_full_name() or u.username)  # type: ignore[attr-defined]


class DecisionForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("رأی مرجع نظارت"),
        choices=[
            (Outcome.UPHELD, _("تجدیدنظرخواهی وارد است")),
            (Outcome.DISMISSED, _("پاسخ دستگاه درست است")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("رأی را انتخاب کنید.")},
    )
    decision = NormalizedTextField(
        label=_("متن رأی و دلیل آن"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("متن رأی را بنویسید.")},
    )
