"""Form fields for the numbers people type: they accept Persian and Arabic-Indic digits, spaces
and dashes, and answer in Persian."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from desk.core.uploads import check_document
from desk.lib import jalali, validators
from desk.lib.persian import normalize, normalize_prose, to_persian_digits

NUMERIC_ATTRS = {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}
# A sign, digits, and a decimal part of zeros only («۱۲٫۰» is twelve).
_WHOLE_NUMBER = re.compile("([-+]?[0-9]+)(?:[.\u066b]0*)?")


def _bound_message_text(message: object, label: object, limit: int | Callable[[], int]) -> str:
    """«مساحت» باید ۱٬۰۰۰ یا کمتر باشد: the limit as a person reads it. The validator's error
    is %-formatted again with its own params, so a «%» of the label is kept as one."""
    value = limit() if callable(limit) else limit
    limit_text = to_persian_digits(f"{value:,}".replace(",", "\u066c"))
    return (str(message) % {"label": label, "limit": limit_text}).replace("%", "%%")


# Lazy: a form declared at import time must not translate before a request picks the language.
_bound_message = lazy(_bound_message_text, str)


class NormalizedCharField(forms.CharField):
    """One line, normalised. ``prose``: a person's words (a subject, an answer), kept with their
    diacritics; otherwise a name or a query, whose marks are dropped so it can be found."""

    def __init__(self, *args: Any, prose: bool = False, **kwargs: Any) -> None:
        self.prose = prose
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return normalize_prose(text) if self.prose else normalize(text)


class NormalizedTextField(forms.CharField):
    """Multi-line text: each line normalised as prose (diacritics kept), the line breaks kept
    (templates use linebreaksbr)."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return "\n".join(normalize_prose(line) for line in text.splitlines()).strip()


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
    """A whole number in ASCII, Persian or Arabic-Indic digits, with or without thousands
    separators; its bounds said in Persian digits («… باید ۰ یا بیشتر باشد»)."""

    widget = forms.TextInput(attrs=NUMERIC_ATTRS)
    default_error_messages = {"invalid": _("عدد را فقط با رقم بنویسید؛ مثلاً ۲.")}

    def __init__(self, **kwargs: Any) -> None:
        given = kwargs.get("error_messages") or {}
        super().__init__(**kwargs)
        bounds = {
            "min_value": (self.min_value, _("«%(label)s» باید %(limit)s یا بیشتر باشد.")),
            "max_value": (self.max_value, _("«%(label)s» باید %(limit)s یا کمتر باشد.")),
        }
        for code, (limit, message) in bounds.items():
            if limit is not None and code not in given:
                label = self.label or _("عدد")
                self.error_messages[code] = _bound_message(message, label, limit)
        if "invalid" not in given and self.label:
            # Named, so the error summary says which answer («یک عدد درست» read as "a correct
            # number" to some), and how: digits, with an example.
            self.error_messages["invalid"] = _("«%(label)s» را فقط با رقم بنویسید؛ مثلاً ۲.") % {
                "label": self.label
            }

    def to_python(self, value: Any) -> int | None:
        if not isinstance(value, str):
            return super().to_python(value)
        text = normalize(value).replace(",", "").replace("٬", "").replace(" ", "")
        if text in self.empty_values:
            return None
        # Only ASCII, Persian and Arabic-Indic digits: int() would also take «²», «१» or «1_0».
        number = _WHOLE_NUMBER.fullmatch(text)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return int(number.group(1))
        except ValueError:  # past Python's 4,300 digits
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


_TRUE = frozenset({"true", "1", "on", "yes"})
_FALSE = frozenset({"false", "0", "off", "no", ""})


class _StrictCheckbox(forms.CheckboxInput):
    """A checkbox's value as sent: Django's reads any other text as ticked («maybe», «no»)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name not in data:
            return False
        value = data.get(name)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        return value


class StrictBooleanField(forms.BooleanField):
    """A yes/no that confirms an irreversible act: true/false (1/0, on/off, yes/no) or the
    form's ticked box; anything else is an error, never a yes."""

    widget = _StrictCheckbox

    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    default_error_messages = {"invalid": _("فقط true یا false بنویسید.")}


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


def _required_text(field: forms.Field, label: object) -> str:
    if isinstance(field, forms.BooleanField):
        return str(_("برای ادامه، «%(label)s» را علامت بزنید.") % {"label": label})
    if isinstance(field, forms.FileField):
        return str(_("پرونده «%(label)s» را انتخاب کنید.") % {"label": label})
    if isinstance(field, forms.ChoiceField):
        return str(_("«%(label)s» را انتخاب کنید.") % {"label": label})
    return str(_("«%(label)s» را وارد کنید.") % {"label": label})


_required_message = lazy(_required_text, str)

# Django's own «این مقدار لازم است.» and «طول این مقدار باید حداکثر 200 کاراکتر باشد…» name no
# field (the error summary repeats the same sentence) and show Latin digits.
_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
_LENGTH_MESSAGES = {
    "max_length": _("«%(label)s» حداکثر %(limit)s نویسه است؛ کوتاه‌ترش کنید."),
    "min_length": _("«%(label)s» باید دست‌کم %(limit)s نویسه باشد."),
}


def name_field_errors(field: forms.Field) -> None:
    """Give a field whose form left Django's defaults Persian messages that name it: «…» را
    وارد کنید / انتخاب کنید, and its length limits in Persian digits. Messages the form set
    itself are kept."""
    label = field.label
    if field.error_messages.get("required") is _DJANGO_REQUIRED:
        # A field with no label (a hidden one) is named by no code: «این بخش».
        field.error_messages["required"] = (
            _required_message(field, label) if label else _("این بخش را پر کنید.")
        )
    if not label:
        return
    if isinstance(field, forms.CharField):
        for code, message in _LENGTH_MESSAGES.items():
            limit = getattr(field, code)
            if limit is not None and code not in field.error_messages:
                field.error_messages[code] = _bound_message(message, label, limit)


class StyledForm(forms.Form):
    """Adds Bootstrap classes and marks invalid fields, so templates stay plain; fields left
    with Django's default messages get Persian ones that name them (:func:`name_field_errors`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        for field in self.fields.values():
            name_field_errors(field)
            # Django's «---------» for a choice not made yet, in Persian.
            if isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
                field.empty_label = _("انتخاب کنید")
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
