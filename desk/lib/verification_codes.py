"""Verification codes (کد صحت‌سنجی) printed on issued documents and encoded in their QR code.

16 digits: 15 random ones (the first never 0) and a Damm check digit, like tracking codes but
longer, since the public verification page answers with the code alone. With 9·10¹⁴ codes and
a rate limit per address, walking the code space finds nothing.
"""

from __future__ import annotations

import re
import secrets

from desk.lib import tracking

LENGTH = 16

_CODE = re.compile(r"^[1-9][0-9]{15}$")


def generate() -> str:
    body = secrets.choice("123456789") + "".join(secrets.choice("0123456789") for _ in range(14))
    return body + str(tracking._damm(body))


def normalize(code: str) -> str:
    """Persian/Arabic-Indic digits to ASCII; spaces and dashes dropped."""
    return tracking.normalize(code)


def is_valid(code: str) -> bool:
    code = normalize(code)
    return _CODE.match(code) is not None and tracking._damm(code) == 0


def format_code(code: str) -> str:
    """Groups of four, ``1234-5678-9012-3456`` (ASCII digits)."""
    return tracking.format_code(code)
