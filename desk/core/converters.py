"""Path converters shared by every app's urls.py (registered once, in CoreConfig.ready)."""

from __future__ import annotations

from desk.lib.persian import to_ascii_digits


class DigitsConverter:
    """A code made of digits: tracking codes, booking codes, verification codes.

    Only digits match, so ``requests/track/`` and ``requests/<digits:code>/`` never compete.
    Persian or Arabic-Indic digits (a link retyped on a Persian keypad) are read as ASCII."""

    regex = "[0-9\u06f0-\u06f9\u0660-\u0669]+"

    def to_python(self, value: str) -> str:
        return to_ascii_digits(value)

    def to_url(self, value: str) -> str:
        return str(value)
