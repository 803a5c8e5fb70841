"""Each KPI's definition (docs/oversight.md) on the hand-built data set of tests/world.py: the
table ``EXPECTED`` there says the figure each agency must get for Tir 1404."""

from __future__ import annotations

from desk.agencies import access
from desk.oversight import kpis
from desk.oversight.aggregation import aggregate_days
from desk.oversight.tests.world import EXPECTED, FIRST, LAST, MONTH, YEAR, World, evaluators
from desk.surveys.selectors import Period
from desk.test import BaseTestCase

TIR = Period("month", YEAR, MONTH)


class KpiDefinitionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.world = World(self).build()
        self.national, self.provincial, self.head = evaluators(self)
        aggregate_days(FIRST, LAST)

    def by_agency(self) -> dict[int, kpis.Figures]:
        scope = access.oversight_scope(self.national)
        assert scope is not None
        return {f.key: f for f in kpis.figures(scope, TIR, group="agency")}

    def test_every_kpi_has_its_expected_figure(self) -> None:
        self.assertEqual(set(EXPECTED) - set(kpis.KPI_BY_NAME), set())
        found = self.by_agency()
        for name, expected in EXPECTED.items():
            for agency, want in zip((self.agency, self.other_agency), expected, strict=True):
                with self.subTest(kpi=name, agency=agency.slug):
                    got = found[agency.pk].kpi(name)
                    if want is None:
                        self.assertIsNone(got)
                    else:
                        assert got is not None
                        self.assertAlmostEqual(got, want, places=6)

    def test_every_kpi_is_defined_in_the_docs(self) -> None:
        from pathlib import Path

        from django.conf import settings

        doc = (Path(settings.BASE_DIR) / "docs" / "oversight.md").read_text()
        for kpi in kpis.KPIS:
            with self.subTest(kpi=kpi.name):
                self.assertTrue(f"`{kpi.name}`" in doc, "define it in docs/oversight.md")

    def test_a_province_sums_its_agencies(self) -> None:
        scope = access.oversight_scope(self.national)
        assert scope is not None
        provinces = {f.key: f for f in kpis.figures(scope, TIR, group="province")}
        self.assertEqual(provinces["تهران"].kpi("volume"), 7)
        self.assertEqual(provinces["فارس"].kpi("volume"), 1)

    def test_a_service_has_its_own_figures(self) -> None:
        scope = access.oversight_scope(self.national)
        assert scope is not None
        found = {
            f.key: f for f in kpis.figures(scope, TIR, group="service", agency_id=self.agency.pk)
        }
        s1, s2 = self.world.s1.pk, self.world.s2.pk
        self.assertEqual(found[s1].kpi("volume"), 6)
        self.assertEqual(found[s1].kpi("median_days"), 4)  # 2, 4, 4
        self.assertEqual(found[s2].kpi("median_days"), 0)
        self.assertEqual(found[s1].kpi("overdue_now"), 1)

    def test_a_year_keeps_the_last_months_stock(self) -> None:
        found = {
            f.key: f
            for f in kpis.figures(
                access.oversight_scope(self.national),  # type: ignore[arg-type]
                Period("year", YEAR),
                group="agency",
            )
        }
        self.assertEqual(found[self.agency.pk].kpi("overdue_now"), 1)
        self.assertEqual(found[self.agency.pk].kpi("volume"), 7)

    def test_league_ranks_with_ties_sharing_a_place(self) -> None:
        scope = access.oversight_scope(self.national)
        assert scope is not None
        ranked = kpis.league(scope, TIR, "complaints_per_1000")  # lower is better
        self.assertEqual(
            [(r, f.key) for r, f, _ in ranked][:2], [(1, self.other_agency.pk), (2, self.agency.pk)]
        )
        ranked = kpis.league(scope, TIR, "complete_cards")
        self.assertEqual(ranked[0][1].key, self.agency.pk)

    def test_measured_figures_for_the_service_card(self) -> None:
        from desk.catalog.measures import service_measures

        measured = service_measures([self.world.s1.pk, self.world.s3.pk])
        self.assertEqual(measured[self.world.s1.pk].annual_volume, 6)
        self.assertEqual(measured[self.world.s1.pk].average_duration_days, 4)
        self.assertAlmostEqual(measured[self.world.s1.pk].in_person_visits or 0, 2 / 6)
        self.assertIsNone(measured[self.world.s3.pk].average_duration_days)


class RankValueTests(BaseTestCase):
    def test_nearest_rank(self) -> None:
        from collections import Counter

        self.assertIsNone(kpis.rank_value(Counter(), 0.5))
        self.assertEqual(kpis.rank_value(Counter({0: 1, 2: 1, 4: 2}), 0.5), 2)
        self.assertEqual(kpis.rank_value(Counter({0: 1, 2: 1, 4: 2}), 0.9), 4)
        self.assertEqual(kpis.rank_value(Counter({1: 9, 30: 1}), 0.9), 1)
        self.assertEqual(kpis.rank_value(Counter({1: 9, 30: 2}), 0.9), 30)
