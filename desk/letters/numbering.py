"""The secretariat register's numbers: per agency, per direction, per Jalali year, gap-free.

The next number is taken by locking the counter row of (agency, direction, year) inside the
transaction that inserts the letter or the reply: two letters never get one number, and a
letter that fails rolls its number back with it, so the register has no holes. The counter
row of a new year is inserted with ON CONFLICT DO NOTHING before it is locked, so the first
letters of Farvardin racing each other do not fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from desk.agencies.models import Agency
from desk.letters.models import Register, RegisterCounter
from desk.lib.jalali import to_jalali
from desk.lib.persian import to_persian_digits


@dataclass(frozen=True)
class Number:
    year: int
    serial: int
    text: str  # as printed, in Persian digits: ۱۴۰۵/۱۲/و


def register_of(agency: Agency) -> Register:
    register, _created = Register.objects.get_or_create(agency=agency)
    return register


def format_number(template: str, *, year: int, serial: int) -> str:
    return to_persian_digits(template.replace("{year}", str(year)).replace("{number}", str(serial)))


def jalali_year(moment: datetime) -> int:
    """The Jalali year of ``moment`` in Tehran: 1 Farvardin starts a new series."""
    return int(to_jalali(moment).year)


def number_take(*, agency: Agency, direction: str, moment: datetime) -> Number:
    """The next number of the register; call inside the transaction that stores its row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take must run inside the letter's transaction")
    year = jalali_year(moment)
    RegisterCounter.objects.bulk_create(
        [RegisterCounter(agency=agency, direction=direction, year=year)], ignore_conflicts=True
    )
    counter = RegisterCounter.objects.select_for_update().get(
        agency=agency, direction=direction, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    template = register_of(agency).format_for(direction)
    return Number(
        year=year, serial=counter.last, text=format_number(template, year=year, serial=counter.last)
    )
