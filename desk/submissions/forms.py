from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.accounts.models import User
from desk.core.forms import (
    DocumentField,
    NationalCodeField,
    NormalizedTextField,
    PersianFileInput,
    StyledForm,
)
from desk.workflow.models import Department


class MultiDocumentField(DocumentField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class MultipleFileInput(PersianFileInput):
    allow_multiple_selected = True


class StaffActionForm(StyledForm):
    action = forms.CharField(widget=forms.HiddenInput)
    message = NormalizedTextField(
        label=_("توضیح برای متقاضی"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = MultiDocumentField(label=_("پرونده نتیجه"), required=False)
    # Ticked on the form of an action that ends the request as done (see staff_act).
    confirmed = forms.BooleanField(required=False)


class ReplyForm(StyledForm):
    message = NormalizedTextField(
        label=_("پاسخ شما"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = MultiDocumentField(label=_("مدارک"), required=False)


class TrackForm(StyledForm):
    code = forms.CharField(
        label=_("کد رهگیری"),
        max_length=40,
        # Too long is just another code that matches nothing: the same neutral answer.
        error_messages={"max_length": _("درخواستی با این کد رهگیری و کد ملی پیدا نشد.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )
    national_code = NationalCodeField(label=_("کد ملی متقاضی"))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class AssignForm(StyledForm):
    assignee = PersonChoiceField(
        label=_("واگذاری به"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("همه کارکنان مرحله"),
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            staff__agency_id=agency_id, staff__is_active=True
        ).order_by("last_name", "first_name")


class ReferForm(StyledForm):
    department = forms.ModelChoiceField(label=_("واحد"), queryset=Department.objects.none())
    note = NormalizedTextField(
        label=_("علت ارجاع"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(agency_id=agency_id)
