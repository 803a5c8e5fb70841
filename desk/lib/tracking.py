"""Tracking codes (کد رهگیری): 12 digits, typed on a phone keypad and read over the phone.

Format: 11 random digits (the first never 0, so the code survives spreadsheets and keypads)
followed by one Damm check digit. Damm catches every single wrong digit and every swap of two
neighbouring digits. With 9·10¹⁰ possible codes they are not guessable, but a public lookup
still needs the applicant's national code or mobile too. Uniqueness is the database's job:
callers retry on collision.
"""

from __future__ import annotations

import re
import secrets

from desk.lib.persian import to_ascii_digits

LENGTH = 12

# Damm's totally anti-symmetric quasigroup of order 10 (H. M. Damm, 2004).
_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

_SEPARATORS = re.compile(r"[\s\-\u200c]")
_CODE = re.compile(r"^[1-9][0-9]{11}$")


def _damm(digits: str) -> int:
    """The Damm interim digit; a string ending in its own check digit gives 0."""
    interim = 0
    for c in digits:
        interim = _DAMM_TABLE[interim][int(c)]
    return interim


def generate() -> str:
    body = secrets.choice("123456789") + "".join(secrets.choice("0123456789") for _ in range(10))
    return body + str(_damm(body))


def normalize(code: str) -> str:
    """Persian/Arabic-Indic digits to ASCII; spaces and dashes dropped."""
    return _SEPARATORS.sub("", to_ascii_digits(code))


def is_valid(code: str) -> bool:
    code = normalize(code)
    return _CODE.match(code) is not None and _damm(code) == 0


def format_code(code: str) -> str:
    """Group in fours for reading: ``1234-5678-9012`` (ASCII digits)."""
    if len(code) == 12 and code.isascii() and code.isdigit():  # as stored: lists show hundreds
        return f"{code[:4]}-{code[4:8]}-{code[8:]}"
    code = normalize(code)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
