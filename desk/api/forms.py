"""The web's sign-in forms, joined where the API asks in one call what the web asks in two
pages (the mobile beside the code; the second factor beside the password)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.accounts.forms import CodeForm, StaffLoginForm
from desk.appointments.forms import BookForm
from desk.complaints.forms import ObjectionForm, RequestComplaintForm, ServiceComplaintForm
from desk.core.forms import DocumentField, MobileField, StrictBooleanField
from desk.letters.forms import LetterForm


class CitizenTokenForm(CodeForm):
    mobile = MobileField(label=_("تلفن همراه"))


class StaffTokenForm(StaffLoginForm):
    code = forms.CharField(label=_("کد برنامه احراز هویت"), max_length=20, required=False)


# --- appointments, complaints and letters: the web's forms, named as a program names things ---


class AppointmentBookForm(BookForm):
    """The booking page's slot, with what the page's address carries there: the service
    (its slug), the office (one of the service's; the first when not given) and the request
    the visit is for (its tracking code)."""

    service = forms.SlugField(error_messages={"required": _("خدمت را مشخص کنید.")})
    office = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    request = forms.CharField(required=False, max_length=40)


class ConfirmForm(forms.Form):
    """An irreversible act: the web asks «are you sure?» on a page; the API asks for
    ``confirmed=true``."""

    confirmed = StrictBooleanField(
        required=False, error_messages={"invalid": _("confirmed باید true یا false باشد.")}
    )


class _BySlug:
    """A web form whose choice of a row is made by a stable name instead of a database id."""

    to_field: dict[str, str] = {}

    def name_choices(self) -> None:
        for name, to_field in self.to_field.items():
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if isinstance(field, forms.ModelChoiceField):
                field.to_field_name = to_field


class ServiceComplaintApiForm(_BySlug, ServiceComplaintForm):
    to_field = {"service": "slug"}
    document = DocumentField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_choices()


class RequestComplaintApiForm(RequestComplaintForm):
    document = DocumentField(required=False)


class ObjectionApiForm(ObjectionForm):
    document = DocumentField(required=False)


class LetterApiForm(_BySlug, LetterForm):
    to_field = {"agency": "slug", "about": "tracking_code"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_choices()
