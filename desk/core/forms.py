"""Form fields for the numbers people type: they accept Persian and Arabic-Indic digits, spaces
and dashes, and answer in Persian."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from desk.core.uploads import check_document
from desk.lib import jalali, validators
from desk.lib.persian import normalize, to_ascii_digits

NUMERIC_ATTRS = {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}


class NormalizedCharField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return normalize(super().to_python(value) or "")


class NormalizedTextField(forms.CharField):
    """Multi-line text: each line normalised, the line breaks kept (templates use linebreaksbr)."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return "\n".join(normalize(line) for line in text.splitlines()).strip()


class NationalCodeField(forms.CharField):
    widget = forms.TextInput(attrs={**NUMERIC_ATTRS, "maxlength": 12})

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return validators.normalize_national_code(value) if value else value


class MobileField(forms.CharField):
    widget = forms.TextInput(attrs={**NUMERIC_ATTRS, "type": "tel", "maxlength": 16})

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return validators.normalize_mobile(value) if value else value


class PostalCodeField(forms.CharField):
    widget = forms.TextInput(attrs={**NUMERIC_ATTRS, "maxlength": 12})

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return validators.normalize_postal_code(value) if value else value


class PersianIntegerField(forms.IntegerField):
    widget = forms.TextInput(attrs=NUMERIC_ATTRS)
    default_error_messages = {"invalid": _("یک عدد درست وارد کنید.")}

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = to_ascii_digits(value).replace(",", "").replace("٬", "").strip()
        return super().to_python(value)


class JalaliDateField(forms.CharField):
    """A Jalali date typed as ۱۴۰۴/۰۱/۱۰; cleaned to a Gregorian `date`."""

    widget = forms.TextInput(attrs={**NUMERIC_ATTRS, "placeholder": "۱۴۰۴/۰۱/۱۰"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return jalali.parse_date(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_date") from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, date):
            return jalali.format_date(value)
        return value


class PersianFileInput(forms.ClearableFileInput):
    template_name = "widgets/file_input.html"


class DocumentField(forms.FileField):
    """An uploaded document (PDF, JPEG, PNG), judged by its whole structure, the antivirus and
    its size, never its name; cleaned to the CheckedDocument to store (desk.core.uploads)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PersianFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and isinstance(upload, UploadedFile):
            return check_document(upload)
        return upload


class StyledForm(forms.Form):
    """Adds Bootstrap classes and marks invalid fields, so templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        for name, field in self.fields.items():
            if field.help_text:  # the hint under the label (templates/includes/field.html)
                field.widget.attrs["aria-describedby"] = self[name].auto_id + "_hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
                error_id = self[name].auto_id + "_error"
                described = widget.attrs.get("aria-describedby", "")
                if error_id not in described:
                    widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()
