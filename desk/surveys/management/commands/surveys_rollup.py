"""Back-fill or refresh the survey results rollup (desk/surveys/rollup.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from desk.lib import jalali
from desk.surveys.rollup import all_days, survey_rollup


class Command(BaseCommand):
    help = "Rebuild the survey results rollup: the days touched since the last run, or --all."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", help="every day with an invitation")
        parser.add_argument("--since", help="every day from this Jalali date, e.g. 1404/01/01")

    def handle(self, *args: Any, **options: Any) -> None:
        days: list[datetime.date] | None = None
        if options["all"]:
            days = all_days()
        elif options["since"]:
            try:
                since = jalali.parse_date(options["since"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            days = [d for d in all_days() if d >= since]
        run = survey_rollup(days=days)
        self.stdout.write(f"rolled up {run.days} days in {run.finished_at - run.started_at}")
