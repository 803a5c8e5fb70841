"""What each kind of form field accepts, for apps that draw the form themselves: the rules the
web form (desk/catalog/forms.py) applies, written out. Answers are still checked by that form."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from desk.catalog.forms import NUMBER_ANSWER_MAX
from desk.catalog.models import FieldKind, FormField

# Digits may be typed in Persian or ASCII, as on the web form: the patterns take both. The
# notes («format») are for the people building the form, in the interface's language.
_DIGIT = "[0-9۰-۹]"
_RULES: dict[str, dict[str, Any]] = {
    FieldKind.TEXT: {"max_length": 200},
    FieldKind.TEXTAREA: {"max_length": 4000},
    FieldKind.NUMBER: {"pattern": rf"^{_DIGIT}+$", "minimum": 0, "maximum": NUMBER_ANSWER_MAX},
    FieldKind.NATIONAL_CODE: {
        "pattern": rf"^{_DIGIT}{{8,10}}$",
        "format": "کد ملی ده‌رقمی با رقم کنترل؛ رقم فارسی یا لاتین",
    },
    FieldKind.MOBILE: {
        "pattern": rf"^(?:\+98|\+۹۸|0098|۰۰۹۸|98|۹۸|0|۰)?[9۹]{_DIGIT}{{9}}$",
        "format": "شماره همراه مانند ۰۹۱۲۱۲۳۴۵۶۷؛ رقم فارسی یا لاتین",
    },
    # The post's rule (desk/lib/validators.py): the first five digits without 0 or 2; the form
    # also refuses one digit ten times, which a pattern over both scripts cannot say simply.
    FieldKind.POSTAL_CODE: {
        "pattern": rf"^[13-9۱۳-۹]{{5}}{_DIGIT}{{5}}$",
        "format": "کد پستی ده‌رقمی بی خط تیره؛ پنج رقم نخست بی ۰ و ۲؛ رقم فارسی یا لاتین",
    },
    FieldKind.DATE: {
        "format": "تاریخ شمسی به شکل ۱۴۰۴/۰۱/۱۰؛ رقم فارسی یا لاتین",
        "pattern": rf"^[1۱][2-4۲-۴]{_DIGIT}{{2}}/{_DIGIT}{{1,2}}/{_DIGIT}{{1,2}}$",
    },
    FieldKind.YES_NO: {"format": "مقدار yes (بله) یا no (خیر)"},
}


def field_rules(field: FormField) -> dict[str, Any]:
    if field.kind == FieldKind.FILE:
        return {
            "max_bytes": settings.UPLOAD_MAX_BYTES,
            "content_types": ["application/pdf", "image/jpeg", "image/png"],
        }
    return dict(_RULES.get(field.kind, {}))
