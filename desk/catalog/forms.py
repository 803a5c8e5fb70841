"""A service's application form, built from its FormField rows: what the citizen fills in
(submissions' apply page) and what the agency admin previews beside the card (catalog admin)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.catalog.models import FieldKind, FormField, Service
from desk.core.dates import JalaliDatePartsField
from desk.core.forms import (
    DocumentField,
    MobileField,
    NationalCodeField,
    NormalizedCharField,
    NormalizedTextField,
    PersianIntegerField,
    PostalCodeField,
    StyledForm,
)

YES_NO = [("yes", _("بله")), ("no", _("خیر"))]
# A number answer is a count, an area, an amount: never negative (FormField has no bounds of
# its own), and never past what a JSON number keeps exactly (2**53) or a bigint column holds.
NUMBER_ANSWER_MAX = 10**15


def _required_message(spec: FormField) -> str:
    """What to do about an empty answer, in words about this question (GOV.UK's «Enter …»)."""
    label = spec.label
    if spec.kind == FieldKind.FILE:
        return _("«%(label)s» را بارگذاری کنید.") % {"label": label}
    if spec.kind == FieldKind.CHOICE:
        return _("یکی از گزینه‌های «%(label)s» را انتخاب کنید.") % {"label": label}
    if spec.kind == FieldKind.YES_NO:
        return _("برای «%(label)s» بله یا خیر را انتخاب کنید.") % {"label": label}
    return _("«%(label)s» را وارد کنید.") % {"label": label}


def _field_for(spec: FormField) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label,
        "required": spec.required,
        "help_text": spec.help_text,
    }
    kind = spec.kind
    if kind == FieldKind.DATE:
        return JalaliDatePartsField(**common)
    field = _plain_field_for(kind, spec, common)
    field.error_messages["required"] = _required_message(spec)
    return field


def _plain_field_for(kind: str, spec: FormField, common: dict[str, Any]) -> forms.Field:
    if kind == FieldKind.TEXT:
        return NormalizedCharField(max_length=200, prose=True, **common)
    if kind == FieldKind.TEXTAREA:
        return NormalizedTextField(
            max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == FieldKind.NUMBER:
        return PersianIntegerField(min_value=0, max_value=NUMBER_ANSWER_MAX, **common)
    if kind == FieldKind.NATIONAL_CODE:
        return NationalCodeField(**common)
    if kind == FieldKind.MOBILE:
        return MobileField(**common)
    if kind == FieldKind.POSTAL_CODE:
        return PostalCodeField(**common)
    if kind == FieldKind.CHOICE:
        options = [("", _("انتخاب کنید"))] + [(c, c) for c in spec.choice_list()]
        return forms.ChoiceField(choices=options, **common)
    if kind == FieldKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == FieldKind.FILE:
        return DocumentField(**common)
    raise ValueError(f"unknown field kind {kind}")


class ApplicationForm(StyledForm):
    """A service's own form, built from its FormField rows."""

    # Required in practice, but a form that lost it (an old page, a stripped field) gets a fresh
    # key instead of an error the citizen cannot fix.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        service: Service,
        kept: dict[str, str] | None = None,
        specs: Iterable[FormField] | None = None,
        **kwargs: Any,
    ) -> None:
        """``specs``: fields not saved yet (the admin's preview); the service's own otherwise."""
        super().__init__(*args, **kwargs)
        self.service = service
        for spec in service.form_fields.all() if specs is None else specs:
            self.fields[spec.name] = _field_for(spec)
            if spec.fills_from_registry:
                # Once-only: a national system fills it; the citizen may leave it empty.
                self.fields[spec.name].required = False
                self.fields[spec.name].help_text = _(
                    "از سامانه ملی خوانده می‌شود؛ لازم نیست آن را بنویسید."
                )
        # Files chosen before (kept in the draft) stay unless another one is chosen.
        for name, file_name in (kept or {}).items():
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = _(
                    "پرونده «%(name)s» نگه داشته شده است؛ برای جایگزینی، پرونده دیگری انتخاب کنید."
                ) % {"name": file_name}
        self.style_fields()

    def clean_idempotency_key(self) -> uuid.UUID:
        return self.cleaned_data.get("idempotency_key") or uuid.uuid4()

    def answers(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "idempotency_key" and not isinstance(self.fields[name], DocumentField)
        }

    def uploads(self) -> dict[str, Any]:
        return {name: v for name, v in self.cleaned_data.items() if v and hasattr(v, "read")}
