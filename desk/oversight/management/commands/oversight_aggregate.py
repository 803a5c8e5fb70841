"""Build the oversight figures for a range of days (back-fill), or the nightly window.

    manage.py oversight_aggregate --from 1404/01/01 --to 1404/06/31
    manage.py oversight_aggregate --from 2025-03-21 --to 2025-09-22
    manage.py oversight_aggregate            # what the nightly job does

Idempotent: a day aggregated again replaces its rows.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.lib.jalali import parse_date
from desk.oversight.aggregation import aggregate_days
from desk.oversight.services import aggregate_recent


def _day(text: str) -> datetime.date:
    """A Gregorian ISO date (2025-03-21) or a Jalali one (1404/01/01)."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_date(text)
    except ValueError as error:
        raise CommandError(f"{text}: {error}") from None


class Command(BaseCommand):
    help = "Aggregate the oversight figures for --from … --to (both included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", help="first day (2025-03-21 or 1404/01/01)")
        parser.add_argument("--to", dest="last", help="last day (default: the first)")

    def handle(self, *args: Any, first: str | None, last: str | None, **options: Any) -> None:
        started = time.perf_counter()
        if first is None:
            run = aggregate_recent()
        else:
            start = _day(first)
            end = _day(last) if last else start
            if end < start:
                raise CommandError("--to is before --from")
            run = aggregate_days(start, end, trigger="backfill")
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{run.first_day}…{run.last_day}: {run.rows} daily rows in {seconds:.1f} s"
        )
