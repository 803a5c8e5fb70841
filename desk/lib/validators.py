"""Validators for identifiers citizens type: national code, legal id, mobile, postal code, IBAN.

Each ``normalize_*`` takes the raw text as typed (any digit set, spaces, dashes) and returns
the canonical value to store, or raises ``ValidationError`` with a Persian message.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from desk.lib.persian import normalize

# Typed numbers arrive with spaces, dashes, dots and, when pasted, invisible bidi marks.
_SEPARATORS = re.compile("[\\s\\-.\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_MOBILE = re.compile(r"^(?:\+98|0098|98|0)?(9[0-9]{9})$")
# Iran Post: ten digits, the first five without 0 or 2 (the post's documented rule), not one
# digit ten times. Stricter community rules (no 5 fifth, no 2 in the last five) are not
# applied: refusing a real code would stop a citizen; a made-up one only fails later.
_POSTAL_CODE = re.compile(r"^(?!([0-9])\1{9}$)[13-9]{5}[0-9]{5}$")
_LEGAL_ID_WEIGHTS = (29, 27, 23, 19, 17)


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", normalize(value))


def _national_code_error(value: str) -> ValidationError | None:
    """The reason a compacted national code is invalid, or ``None``."""
    if not value.isascii() or not value.isdigit() or not 8 <= len(value) <= 10:
        return ValidationError(_("کد ملی باید ۱۰ رقم باشد."), code="national_code_format")
    code = value.zfill(10)
    digits = [int(c) for c in code]
    if len(set(code)) == 1 or code[3:9] == "000000":
        return ValidationError(_("کد ملی واردشده معتبر نیست."), code="national_code_invalid")
    r = sum(d * (10 - i) for i, d in enumerate(digits[:9])) % 11
    if digits[9] != (r if r < 2 else 11 - r):
        return ValidationError(_("کد ملی واردشده معتبر نیست."), code="national_code_invalid")
    return None


def normalize_national_code(value: str) -> str:
    """Ten-digit national code (کد ملی); 8 or 9 digits are left-padded with zeros."""
    code = _compact(value)
    error = _national_code_error(code)
    if error is not None:
        raise error
    return code.zfill(10)


def is_valid_national_code(value: str) -> bool:
    return _national_code_error(_compact(value)) is None


def normalize_legal_id(value: str) -> str:
    """Eleven-digit national id of a legal entity (شناسه ملی)."""
    code = _compact(value)
    if not code.isascii() or not code.isdigit() or len(code) != 11:
        raise ValidationError(_("شناسه ملی باید ۱۱ رقم باشد."), code="legal_id_format")
    digits = [int(c) for c in code]
    k = digits[9] + 2
    s = sum((d + k) * _LEGAL_ID_WEIGHTS[i % 5] for i, d in enumerate(digits[:10]))
    if s % 11 % 10 != digits[10]:
        raise ValidationError(_("شناسه ملی واردشده معتبر نیست."), code="legal_id_invalid")
    return code


def normalize_mobile(value: str) -> str:
    """Iranian mobile number in ``+989xxxxxxxxx`` form (see :func:`display_mobile`)."""
    match = _MOBILE.match(_compact(value).replace("(", "").replace(")", ""))
    if match is None:
        raise ValidationError(
            _("شماره همراه معتبر نیست؛ آن را به شکل ۰۹۱۲۳۴۵۶۷۸۹ وارد کنید."), code="mobile_invalid"
        )
    return "+98" + match.group(1)


def display_mobile(stored: str) -> str:
    """``+989123456789`` → ``09123456789``; anything else is returned unchanged."""
    if stored.startswith("+98"):
        return "0" + stored[3:]
    return stored


def masked_mobile(stored: str) -> str:
    """``+989123456789`` → ``0912***6789``: enough for a person to recognise their own number,
    not enough to learn someone else's (a clerk confirming where a code went)."""
    shown = display_mobile(stored)
    return f"{shown[:4]}***{shown[-4:]}" if len(shown) >= 8 else shown


def normalize_postal_code(value: str) -> str:
    """Ten-digit postal code; ``14338-13117`` is accepted."""
    code = _compact(value)
    if not code.isascii() or not code.isdigit() or len(code) != 10:
        raise ValidationError(_("کد پستی باید ۱۰ رقم باشد."), code="postal_code_invalid")
    if _POSTAL_CODE.match(code) is None:
        raise ValidationError(
            _("کد پستی واردشده معتبر نیست؛ آن را از روی قبض آب، برق یا گاز بنویسید."),
            code="postal_code_invalid",
        )
    return code


def _is_name_letter(char: str) -> bool:
    """A letter of the Persian (Arabic) or Latin script."""
    if not char.isalpha():
        return False
    return (
        char.isascii()
        or "\u00c0" <= char <= "\u024f"  # Latin with accents
        or "\u0600" <= char <= "\u06ff"  # Arabic, with Persian پ چ ژ گ
        or "\ufb50" <= char <= "\ufdff"  # Arabic presentation forms
        or "\ufe70" <= char <= "\ufefc"
    )


def validate_person_name(value: str) -> None:
    """A first or last name has at least one Persian or Latin letter: «-1», «...» are not
    names."""
    if not any(_is_name_letter(char) for char in value):
        raise ValidationError(_("نام را با حروف فارسی یا لاتین بنویسید."), code="name_letters")


def normalize_iban(value: str) -> str:
    """Iranian IBAN (شبا): ``IR`` and 24 digits, checked with ISO 13616 mod 97."""
    iban = _compact(value).upper()
    if not iban.startswith("IR"):
        iban = "IR" + iban
    number = iban[2:]
    if not number.isascii() or not number.isdigit() or len(number) != 24:
        raise ValidationError(_("شماره شبا باید IR و ۲۴ رقم باشد."), code="iban_format")
    # ISO 13616: move the country code and check digits to the end, letters as numbers (I=18, R=27).
    if int(number[2:] + "1827" + number[:2]) % 97 != 1:
        raise ValidationError(_("شماره شبا واردشده معتبر نیست."), code="iban_invalid")
    return iban
