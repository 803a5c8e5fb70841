"""Persian text normaliser: one place for digits, letter forms and search keys.

Iranian input mixes Arabic and Persian letter forms (ي/ی, ك/ک) and three digit sets (ASCII,
Persian, Arabic-Indic). Every lookup, search and validation goes through this module so that
«ميز خدمت» and «میز خدمت» are the same text. Keep the original for display.
"""

from __future__ import annotations

import re

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_ASCII_DIGITS = "0123456789"

_TO_ASCII = str.maketrans(_PERSIAN_DIGITS + _ARABIC_INDIC_DIGITS, _ASCII_DIGITS * 2)
_TO_PERSIAN = str.maketrans(_ASCII_DIGITS, _PERSIAN_DIGITS)

_TATWEEL = "\u0640"
_DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670"

# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): in a stored
# answer they let a person reverse how the text reads to staff; no Persian text needs them.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_LETTER_FORMS = {
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک Persian keheh
}
_NORMALIZE = str.maketrans(
    {**_LETTER_FORMS, **dict.fromkeys(_TATWEEL + _DIACRITICS + _BIDI_CONTROLS)}
)
# Prose keeps its marks: «لطفاً» with its tanween, «خانۀ» with its hamza, «مُحَمَّد» as written.
_MARKS = str.maketrans(dict.fromkeys(_DIACRITICS))
_PROSE = str.maketrans({**_LETTER_FORMS, **dict.fromkeys(_TATWEEL + _BIDI_CONTROLS)})

_WHITESPACE_RUN = re.compile(r"\s+")

# Characters that show nothing: zero-width space, ZWNJ, ZWJ, LRM, RLM, the Arabic letter mark,
# word joiners, BOM, soft hyphen, and the fillers people paste to make a blank look filled in.
# Inside a word ZWNJ is spelling («می‌شود»); at either end of a text it is nothing.
# Stripped with str.strip (linear), not a regex anchored at the end (quadratic on a long run).
_BLANK_EDGES = (
    " \u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
)

_ASCII_NUMBER = re.compile("[0-9]+")

# Zero-width and bidi formatting characters. In search they separate words like a space does:
# «میز‌خدمت» (with ZWNJ) must match «میز خدمت».
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def to_ascii_digits(text: str) -> str:
    """Replace Persian (۰-۹) and Arabic-Indic (٠-٩) digits with ASCII digits."""
    return text.translate(_TO_ASCII)


def to_persian_digits(value: object) -> str:
    """Return ``str(value)`` with its ASCII digits written as Persian digits."""
    return str(value).translate(_TO_PERSIAN)


def is_ascii_number(text: str) -> bool:
    """True for one or more ASCII digits and nothing else. ``str.isdigit`` and ``int`` take
    any script's digits («²», «१»); typed numbers come in ASCII, Persian or Arabic-Indic digits
    only, so check after :func:`to_ascii_digits`."""
    return _ASCII_NUMBER.fullmatch(text) is not None


def normalize(text: str) -> str:
    """Canonical form for stored and validated values.

    Maps Arabic ي ى ك to Persian ی ک, digits to ASCII, drops tatweel, Arabic diacritics and
    bidi embeddings, overrides and isolates, collapses whitespace runs to one space and strips
    whitespace and invisible characters from both ends, so an answer of only ZWNJ, RLM or BOM
    is empty. ZWNJ inside the text is kept: it is part of correct Persian spelling («می‌شود»).
    """
    text = to_ascii_digits(text).translate(_NORMALIZE)
    return _WHITESPACE_RUN.sub(" ", text).strip(_BLANK_EDGES)


def normalize_prose(text: str) -> str:
    """Canonical form for a person's written words (a letter, a message, an answer): as
    :func:`normalize`, but Arabic diacritics are kept, since they are the writer's spelling
    («لطفاً», «خانۀ», «مسأله»). Search keys and validation still drop them. A text of only marks
    and invisible characters is empty."""
    text = _WHITESPACE_RUN.sub(" ", to_ascii_digits(text).translate(_PROSE)).strip(_BLANK_EDGES)
    return text if normalize(text) else ""


def search_key(text: str, *, normalized: bool = False) -> str:
    """Key for search and matching: :func:`normalize`, zero-width chars as spaces, casefolded.

    Both the stored text and the query go through this function, then a substring test on the
    keys finds «میز‌خدمت» (ZWNJ) from «ميز خدمت» (Arabic yeh, space). ``normalized``: the
    text is :func:`normalize`'s or :func:`normalize_prose`'s already (a search's query,
    normalised by its view), not normalised again.
    """
    # Zero-width and bidi characters become spaces before normalize() would drop them; a prose
    # text (normalize_prose) still has its diacritics, which a key never keeps.
    if normalized:
        text = _ZERO_WIDTH.sub(" ", text.translate(_MARKS))
    else:
        text = _ZERO_WIDTH.sub(" ", normalize(_ZERO_WIDTH.sub(" ", text)))
    return _WHITESPACE_RUN.sub(" ", text).strip().casefold()


def format_size(size: int) -> str:
    """A file size for people: «۵۱۲ کیلوبایت», «۵ مگابایت», in Persian digits."""
    if size < 1024 * 1024:
        return to_persian_digits(max(1, round(size / 1024))) + " کیلوبایت"
    megabytes = size / (1024 * 1024)
    text = f"{megabytes:.0f}" if megabytes == int(megabytes) else f"{megabytes:.1f}"
    return to_persian_digits(text) + " مگابایت"


def format_rials(amount: int) -> str:
    """«۱٬۲۰۰٬۰۰۰ ریال»: receipts and gateways count in rials."""
    return to_persian_digits(f"{int(amount):,}".replace(",", "٬")) + " ریال"


def format_tomans(amount: int) -> str:
    """An amount in rials as people say it, in tomans: «۱۲۰٬۰۰۰ تومان» (a rial remainder is
    kept as a decimal so nothing is rounded away)."""
    tomans, rials = divmod(int(amount), 10)
    text = f"{tomans:,}".replace(",", "٬") + (f"٫{rials}" if rials else "")
    return to_persian_digits(text) + " تومان"
