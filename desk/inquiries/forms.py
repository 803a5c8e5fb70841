from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.core.forms import NormalizedTextField, StyledForm
from desk.core.uploads import CheckedDocument, check_document
from desk.inquiries.models import IDENTITY_FIELDS, StagedAnswerFile
from desk.lib.persian import to_persian_digits
from desk.submissions.forms import MAX_DOCUMENTS_PER_REQUEST, MultiDocumentField
from desk.submissions.models import Submission


class AnswerDocumentsField(MultiDocumentField):
    """The documents chosen, as they came: the form checks each on its own
    (AnswerForm.clean_documents), so that one refused does not lose the others."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        chosen = (
            [d for d in data if d] if isinstance(data, list | tuple) else [data] if data else []
        )
        if len(chosen) > MAX_DOCUMENTS_PER_REQUEST:  # nginx's body limit covers five
            raise forms.ValidationError(
                _("در هر بار حداکثر %(n)s پرونده بفرستید.")
                % {"n": to_persian_digits(MAX_DOCUMENTS_PER_REQUEST)}
            )
        return chosen


class AnswerForm(StyledForm):
    """The answer; ``kept``: documents chosen on an earlier post of the form and kept since
    (desk/inquiries/staging.py). After validation ``accepted`` holds the newly chosen documents
    that passed their checks, whatever else the form says, for the view to keep."""

    answer = NormalizedTextField(
        label=_("پاسخ استعلام"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("متن پاسخ را بنویسید.")},
    )
    documents = AnswerDocumentsField(
        label=_("مدارک پاسخ (PDF یا تصویر)"),
        required=False,
        help_text=_("چند پرونده را می‌توانید با هم انتخاب کنید."),
    )

    def __init__(self, *args: Any, kept: Sequence[StagedAnswerFile] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept = list(kept)
        self.accepted: list[CheckedDocument] = []

    def clean_documents(self) -> list[CheckedDocument]:
        self.accepted, refused = [], []
        for upload in self.cleaned_data["documents"]:
            try:
                self.accepted.append(check_document(upload))
            except forms.ValidationError as exc:
                name = (upload.name or "")[-80:]
                refused.append(
                    _("پرونده «%(name)s» پذیرفته نشد: %(reason)s")
                    % {"name": f"\u2068{name}\u2069", "reason": " ".join(exc.messages)}
                )
        if refused:
            raise forms.ValidationError(refused)
        return self.accepted


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
