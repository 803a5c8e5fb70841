"""What each kind of form field accepts, for apps that draw the form themselves: the rules the
web form (desk/catalog/forms.py) applies, written out. Answers are still checked by that form."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from desk.catalog.forms import NUMBER_ANSWER_MAX
from desk.catalog.models import FieldKind, FormField

_RULES: dict[str, dict[str, Any]] = {
    FieldKind.TEXT: {"max_length": 200},
    FieldKind.TEXTAREA: {"max_length": 4000},
    FieldKind.NUMBER: {"pattern": r"^[0-9۰-۹]+$", "minimum": 0, "maximum": NUMBER_ANSWER_MAX},
    FieldKind.NATIONAL_CODE: {"pattern": r"^[0-9۰-۹]{8,10}$", "format": "کد ملی با رقم کنترل"},
    FieldKind.MOBILE: {"pattern": r"^(?:\+98|0098|98|0)?9[0-9]{9}$", "format": "09xxxxxxxxx"},
    # The post's rule (desk/lib/validators.py), on the code in ASCII digits.
    FieldKind.POSTAL_CODE: {
        "pattern": r"^(?!([0-9])\1{9}$)[13-9]{5}[0-9]{5}$",
        "format": "ten digits, Persian or ASCII, without a dash",
    },
    FieldKind.DATE: {
        "format": "Jalali YYYY/MM/DD",
        "pattern": r"^1[2-4][0-9]{2}/[0-9]{1,2}/[0-9]{1,2}$",
    },
    FieldKind.YES_NO: {"format": "yes | no"},
}


def field_rules(field: FormField) -> dict[str, Any]:
    if field.kind == FieldKind.FILE:
        return {
            "max_bytes": settings.UPLOAD_MAX_BYTES,
            "content_types": ["application/pdf", "image/jpeg", "image/png"],
        }
    return dict(_RULES.get(field.kind, {}))
