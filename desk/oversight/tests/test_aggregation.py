"""The aggregation: idempotent (a day run again replaces its rows) and a back-fill equal to the
nightly runs; the command takes Jalali or Gregorian days."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import override_settings

from desk.oversight.aggregation import aggregate_day, aggregate_days, aggregate_span
from desk.oversight.models import AggregationRun, DailyFigures, MonthlyFigures
from desk.oversight.services import aggregate_recent
from desk.oversight.tests.world import FIRST, LAST, World
from desk.test import BaseTestCase


def snapshot() -> tuple[list[Any], list[Any]]:
    """Every daily and monthly row, without ids."""
    skip = {"id"}
    daily = sorted(
        tuple(sorted((k, str(v)) for k, v in row.items() if k not in skip))
        for row in DailyFigures.objects.values()
    )
    monthly = sorted(
        tuple(sorted((k, str(v)) for k, v in row.items() if k not in skip))
        for row in MonthlyFigures.objects.values()
    )
    return daily, monthly


class AggregationTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        World(self).build()

    def test_running_a_day_twice_gives_the_same_rows(self) -> None:
        day = datetime.date(2025, 7, 14)
        first = aggregate_day(day)
        rows = snapshot()
        self.assertGreater(first, 0)
        self.assertEqual(aggregate_day(day), first)
        self.assertEqual(snapshot(), rows)
        self.assertEqual(DailyFigures.objects.filter(day=day, service=None).count(), 2)

    def test_running_a_range_twice_gives_the_same_rows(self) -> None:
        aggregate_days(FIRST, LAST)
        rows = snapshot()
        aggregate_days(FIRST, LAST)
        self.assertEqual(snapshot(), rows)

    @override_settings(OVERSIGHT_REAGGREGATE_DAYS=3)
    def test_a_back_fill_equals_the_nightly_runs(self) -> None:
        day = FIRST
        while day <= LAST:  # each night, the days before it
            aggregate_recent(today=day + datetime.timedelta(days=1))
            day += datetime.timedelta(days=1)
        live = snapshot()
        DailyFigures.objects.all().delete()
        MonthlyFigures.objects.all().delete()
        aggregate_days(FIRST - datetime.timedelta(days=2), LAST)  # what the nights covered
        self.assertEqual(snapshot(), live)

    def test_a_range_in_one_pass_equals_each_day_by_itself(self) -> None:
        day = FIRST
        while day <= LAST:
            aggregate_day(day)
            day += datetime.timedelta(days=1)
        daily = snapshot()[0]
        DailyFigures.objects.all().delete()
        aggregate_span(FIRST, LAST)
        self.assertEqual(snapshot()[0], daily)
        self.assertTrue(any(dict(row)["open_end"] != "0" for row in daily))
        self.assertTrue(any(dict(row)["overdue_end"] != "0" for row in daily))

    def test_the_run_is_recorded_for_the_dashboards(self) -> None:
        run = aggregate_days(FIRST, FIRST)
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(AggregationRun.objects.get().trigger, "backfill")

    def test_the_command_takes_jalali_days(self) -> None:
        out = StringIO()
        call_command(
            "oversight_aggregate", "--from", "1404/04/21", "--to", "1404/04/22", stdout=out
        )
        self.assertIn("2025-07-12…2025-07-13", out.getvalue())
        self.assertEqual(
            set(DailyFigures.objects.values_list("day", flat=True)),
            {datetime.date(2025, 7, 12), datetime.date(2025, 7, 13)},
        )

    def test_a_quiet_service_counts_only_in_its_agencys_cards(self) -> None:
        aggregate_day(datetime.date(2025, 6, 25))  # nothing happened that day
        rows = DailyFigures.objects.filter(day=datetime.date(2025, 6, 25))
        self.assertFalse(rows.filter(service__isnull=False).exists())
        total = rows.get(agency=self.agency)
        self.assertEqual((total.services, total.services_complete, total.filed), (2, 1, 0))
