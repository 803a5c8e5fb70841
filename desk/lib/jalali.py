"""Jalali (Solar Hijri) dates for the edges: screens, SMS, receipts, reports.

The database holds aware UTC datetimes and Gregorian dates; this module converts them to the
Jalali calendar in Tehran time, writes them with Persian digits, and parses what users type.
"""

from __future__ import annotations

import datetime
import functools
import re
from zoneinfo import ZoneInfo

import jdatetime
from django.utils.translation import gettext as _

from desk.lib.persian import normalize, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")

MONTH_NAMES = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

# Indexed by Python's weekday(): Monday = 0.
WEEKDAY_NAMES = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")

# ASCII digits only (normalize() has turned Persian and Arabic-Indic ones into them): ``\d``
# would take any script's digits, «१/१/१३६८» among them.
_DATE_INPUT = re.compile(r"^([0-9]{4})\s*[/\-.]\s*([0-9]{1,2})\s*[/\-.]\s*([0-9]{1,2})$")


def _local(value: datetime.datetime) -> datetime.datetime:
    """Aware datetimes in Tehran time; naive ones are taken as already local."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(TEHRAN)
    return value


def to_jalali(value: datetime.date | datetime.datetime) -> jdatetime.date:
    """The Jalali date of ``value``; aware datetimes are first converted to Tehran time."""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return jdatetime.date.fromgregorian(date=value)


def format_date(value: datetime.date | datetime.datetime | None) -> str:
    """``۱۴۰۴/۰۱/۱۰``; empty string for ``None``."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return _format_day(value)


def _jalali_day(day: datetime.date) -> tuple[int, int, int]:
    """(year, month, day) in the Jalali calendar: jdatetime's own conversion, without building
    a ``jdatetime.date`` (its locale checks cost three times the conversion)."""
    year, month, dom = jdatetime.GregorianToJalali(day.year, day.month, day.day).getJalaliList()
    return year, month, dom


@functools.lru_cache(maxsize=4096)
def _format_day(day: datetime.date) -> str:
    # A list page shows a hundred dates over a few distinct days; jdatetime's conversion is the
    # slow part of a row, and a day's text never changes.
    year, month, dom = _jalali_day(day)
    return to_persian_digits(f"{year:04d}/{month:02d}/{dom:02d}")


def format_date_long(value: datetime.date | datetime.datetime | None) -> str:
    """``یکشنبه ۱۰ فروردین ۱۴۰۴``; empty string for ``None``."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return _format_day_long(value)


@functools.lru_cache(maxsize=4096)
def _format_day_long(day: datetime.date) -> str:
    # A page shows the same deadline two or three times; a day's text never changes.
    year, month, dom = _jalali_day(day)
    weekday = WEEKDAY_NAMES[day.weekday()]
    return f"{weekday} {to_persian_digits(dom)} {MONTH_NAMES[month - 1]} {to_persian_digits(year)}"


def format_datetime(value: datetime.datetime | None) -> str:
    """``۱۴۰۴/۰۱/۱۰ ساعت ۱۴:۰۵`` in Tehran time; empty string for ``None``."""
    if value is None:
        return ""
    local = _local(value)
    time = to_persian_digits(f"{local.hour:02d}:{local.minute:02d}")
    return f"{_format_day(local.date())} ساعت {time}"  # in Tehran time already


def parse_date(text: str) -> datetime.date:
    """Parse a typed Jalali date (``1404/1/10``, ``۱۴۰۴/۰۱/۱۰``, ``1404-01-10``).

    Returns the Gregorian date. Raises ``ValueError`` with a Persian message when the text is
    not a date or the date does not exist (month 13, Esfand 30 of a common year).
    """
    match = _DATE_INPUT.match(normalize(text))
    if match is None:
        raise ValueError(_("تاریخ را به شکل ۱۴۰۴/۰۱/۱۰ وارد کنید."))
    year, month, day = (int(part) for part in match.groups())
    try:
        return jdatetime.date(year, month, day).togregorian()
    except (ValueError, OverflowError):
        raise ValueError(_("این تاریخ در تقویم وجود ندارد.")) from None


def today_tehran() -> datetime.date:
    """Today's (Gregorian) date in Tehran, whatever the server's time zone."""
    return datetime.datetime.now(TEHRAN).date()


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of Jalali ``year`` and of the next one, aware, in Tehran time."""
    start = jdatetime.date(year, 1, 1).togregorian()
    end = jdatetime.date(year + 1, 1, 1).togregorian()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=TEHRAN),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=TEHRAN),
    )


def month_name(month: int) -> str:
    return MONTH_NAMES[month - 1]
