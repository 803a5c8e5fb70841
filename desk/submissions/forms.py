from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from desk.accounts.models import User
from desk.catalog.selectors import agency_service_choices
from desk.core.forms import (
    DocumentField,
    NationalCodeField,
    NormalizedTextField,
    PersianFileInput,
    StrictBooleanField,
    StyledForm,
)
from desk.lib.persian import normalize, to_persian_digits
from desk.lib.validators import normalize_national_code
from desk.workflow.models import Department

# Documents one form field takes at once (a reply, a staff action, a letter): deploy/nginx's
# client_max_body_size is five of UPLOAD_MAX_BYTES and the form.
MAX_DOCUMENTS_PER_REQUEST = 5


class MultiDocumentField(DocumentField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            chosen = [d for d in data if d]
            if len(chosen) > MAX_DOCUMENTS_PER_REQUEST:  # nginx's body limit covers five
                raise forms.ValidationError(
                    _("در هر بار حداکثر %(n)s پرونده بفرستید.")
                    % {"n": to_persian_digits(MAX_DOCUMENTS_PER_REQUEST)}
                )
            return [single(d, initial) for d in chosen]
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
    confirmed = StrictBooleanField(required=False)


class ReplyForm(StyledForm):
    message = NormalizedTextField(
        label=_("پاسخ شما"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = MultiDocumentField(label=_("مدارک"), required=False)


_TRACK_CODE_MAX = 40


class TrackForm(StyledForm):
    code = forms.CharField(
        label=_("کد رهگیری"),
        max_length=_TRACK_CODE_MAX,
        # Too long is just another code that matches nothing: the same neutral answer.
        error_messages={"max_length": _("درخواستی با این کد رهگیری و کد ملی پیدا نشد.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )
    national_code = NationalCodeField(label=_("کد ملی متقاضی"))


def track_clean(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(code, national_code)`` as ``TrackForm`` cleans them, when the form would be valid;
    None when it would not (then the form itself is built, to say what is wrong next to the
    field with what was typed). Most lookups are well formed: this spares them the form's
    construction (a deep copy of its fields) and cleaning, about a tenth of the lookup."""
    code, national_code = data.get("code"), data.get("national_code")
    if not isinstance(code, str) or not isinstance(national_code, str):
        return None
    # CharField: stripped, required, at most max_length, no NUL (ProhibitNullCharacters).
    code, national_code = code.strip(), national_code.strip()
    if not code or len(code) > _TRACK_CODE_MAX or not national_code:
        return None
    if "\x00" in code or "\x00" in national_code:
        return None
    try:
        return code, normalize_national_code(national_code)
    except ValidationError:
        return None


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class AssignForm(StyledForm):
    assignee = PersonChoiceField(
        label=_("واگذاری به"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("همه کارکنان مرحله"),
        error_messages={
            "invalid_choice": _("این همکار در فهرست نیست یا حسابش بسته است؛ از فهرست انتخاب کنید.")
        },
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        # The people selectors.colleagues_of lists (the API's choices): an active staff record
        # and an account that can still sign in; a request given to a closed account waits
        # for nobody.
        field.queryset = User.objects.filter(
            staff__agency_id=agency_id, staff__is_active=True, is_active=True
        ).order_by("last_name", "first_name")


class InboxFilterForm(StyledForm):
    """The staff inbox's search (GET): a request by code or applicant, a service, a part."""

    q = forms.CharField(
        label=_("جستجو"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("جستجو حداکثر ۱۰۰ نویسه است؛ کوتاه‌ترش کنید.")},
        help_text=_("کد رهگیری، کد ملی یا بخشی از نام متقاضی"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    service = forms.TypedChoiceField(
        label=_("خدمت"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[],
        error_messages={"invalid_choice": _("این خدمت در فهرست نیست؛ از فهرست انتخاب کنید.")},
    )
    only = forms.ChoiceField(
        label=_("نمایش"),
        required=False,
        choices=[("", _("همه")), ("overdue", _("موعدگذشته")), ("mine", _("واگذارشده به من"))],
        error_messages={"invalid_choice": _("از فهرست انتخاب کنید.")},
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("همه")), *agency_service_choices(agency_id)]

    def clean_q(self) -> str:
        # NFKC first: pasted codes come in full-width («２３٦١») or styled («𝟐𝟑») digits too.
        return normalize(unicodedata.normalize("NFKC", self.cleaned_data["q"]))

    def chosen(self) -> dict[str, Any]:
        """What the inbox is narrowed by: the fields given and accepted (one refused is said
        beside it and left out; the others still apply). Empty: the plain inbox."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


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
