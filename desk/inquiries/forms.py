from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.core.forms import NormalizedTextField, StyledForm
from desk.inquiries.models import IDENTITY_FIELDS
from desk.submissions.forms import MultiDocumentField
from desk.submissions.models import Submission


class AnswerForm(StyledForm):
    answer = NormalizedTextField(
        label=_("پاسخ استعلام"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("متن پاسخ را بنویسید.")},
    )
    documents = MultiDocumentField(
        label=_("مدارک پاسخ (PDF یا تصویر)"),
        required=False,
        help_text=_("اختیاری؛ چند پرونده را می‌توانید با هم انتخاب کنید."),
    )


class DeclineForm(StyledForm):
    reason = NormalizedTextField(
        label=_("دلیل پاسخ ندادن"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("دستگاه پرسنده این دلیل را می‌خواند."),
        error_messages={"required": _("دلیل پاسخ ندادن را بنویسید.")},
    )


class SendForm(StyledForm):
    """The asking expert chooses whom to ask, and what of the request to share."""

    to_agency = forms.ModelChoiceField(
        label=_("دستگاه طرف استعلام"),
        queryset=Agency.objects.none(),
        empty_label=_("انتخاب کنید"),
        error_messages={"required": _("دستگاه طرف استعلام را انتخاب کنید.")},
    )
    question = NormalizedTextField(
        label=_("پرسش"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("پرسش استعلام را بنویسید.")},
    )
    shared = forms.MultipleChoiceField(
        label=_("اطلاعاتی که فرستاده می‌شود"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("فقط آنچه دستگاه پاسخ‌دهنده برای پاسخ لازم دارد."),
    )

    def __init__(self, *args: Any, submission: Submission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = self.fields["to_agency"]
        assert isinstance(agencies, forms.ModelChoiceField)
        agencies.queryset = Agency.objects.filter(is_active=True).exclude(pk=submission.agency_id)
        choices = [(name, str(label)) for name, label in IDENTITY_FIELDS.items()]
        choices += [(f.name, f.label) for f in submission.service.form_fields.all()]
        shared = self.fields["shared"]
        assert isinstance(shared, forms.MultipleChoiceField)
        shared.choices = choices
