"""A measured indicator's figure comes from desk/oversight's monthly aggregates of the agency's
own data: the months a cycle's period touches are summed, the KPI computed on the sum."""

from __future__ import annotations

import datetime

from desk.evaluation.kpis import kpi_figure
from desk.oversight.aggregation import aggregate_days
from desk.oversight.tests.world import FIRST, LAST, World
from desk.test import BaseTestCase


class KpiSeamTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        World(self).build()
        aggregate_days(FIRST, LAST)

    def test_a_measured_figure_is_the_agencys_own_aggregate(self) -> None:
        figure = kpi_figure(code="volume", agency_id=self.agency.pk, since=FIRST, until=LAST)
        assert figure is not None
        self.assertEqual(figure.value, "۷")
        self.assertEqual(figure.label, "شمار درخواست‌ها")
        self.assertIn("۱۴۰۴/۰۴/۰۱", figure.period)

    def test_a_period_of_several_months_sums_them(self) -> None:
        since = FIRST - datetime.timedelta(days=40)  # Ordibehesht + Khordad, empty, then Tir
        figure = kpi_figure(code="on_time", agency_id=self.agency.pk, since=since, until=LAST)
        assert figure is not None
        self.assertEqual(figure.value, "۵۰٪")

    def test_no_figure_when_nothing_to_divide_by_or_the_code_is_unknown(self) -> None:
        other = self.other_agency.pk
        self.assertIsNone(kpi_figure(code="on_time", agency_id=other, since=FIRST, until=LAST))
        self.assertIsNone(kpi_figure(code="nonsense", agency_id=other, since=FIRST, until=LAST))
