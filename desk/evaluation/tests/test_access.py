"""Who sees what: a provincial evaluator only their province's agencies; an agency's admin
only their own assessment; another agency's ids are 404; evaluators never score their own."""

from __future__ import annotations

from django.urls import reverse

from desk.agencies.models import Role
from desk.evaluation.models import Evidence, Indicator, State
from desk.evaluation.tests.base import EvaluationTestCase
from desk.test import create_staff


class ProvincialEvaluatorTests(EvaluationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle = self.open_cycle()
        self.tehran = self.finalized(self.cycle, self.agency, self.admin, 4)
        self.esfahan = self.finalized(self.cycle, self.isfahan, self.isfahan_admin, 2)
        self.client.force_login(self.isfahan_evaluator)

    def test_it_lists_only_the_agencies_of_their_province(self) -> None:
        r = self.client.get(reverse("evaluation:cycle", args=[self.cycle.pk]))
        self.assertContains(r, self.isfahan.name)
        self.assertNotContains(r, self.agency.name)
        self.assertNotContains(r, self.other_agency.name)

    def test_another_provinces_assessment_is_404(self) -> None:
        for name in ("evaluation:assessment", "evaluation:review", "evaluation:finalize"):
            with self.subTest(name):
                r = self.client.get(reverse(name, args=[self.tehran.public_id]))
                self.assertEqual(r.status_code, 404)

    def test_their_ranking_is_their_provinces_and_no_national_table(self) -> None:
        r = self.client.get(reverse("evaluation:ranking", args=[self.cycle.pk]))
        self.assertContains(r, self.isfahan.name)
        self.assertNotContains(r, self.agency.name)
        self.assertNotContains(r, 'id="ranking-national"')

    def test_they_may_not_open_a_cycle(self) -> None:
        self.assertEqual(self.client.get(reverse("evaluation:cycle_new")).status_code, 404)

    def test_a_cycle_of_another_province_is_404(self) -> None:
        tehran_cycle = self.open_cycle(province="تهران", title="ارزیابی تهران")
        r = self.client.get(reverse("evaluation:cycle", args=[tehran_cycle.pk]))
        self.assertEqual(r.status_code, 404)


class AgencyAdminTests(EvaluationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle = self.open_cycle()
        self.mine = self.assessment_of(self.cycle, self.agency)
        self.theirs = self.submitted(self.cycle, self.other_agency, self.other_admin)
        self.client.force_login(self.admin)

    def test_the_home_lists_only_their_own_assessment(self) -> None:
        r = self.client.get(reverse("evaluation:home"))
        self.assertContains(r, reverse("evaluation:assessment", args=[self.mine.public_id]))
        self.assertNotContains(r, str(self.theirs.public_id))

    def test_another_agencys_ids_are_404_and_change_nothing(self) -> None:
        indicator = Indicator.objects.filter(axis__template=self.template).first()
        assert indicator is not None
        evidence = Evidence.objects.filter(answer__assessment=self.theirs).first()
        assert evidence is not None
        urls = [
            reverse("evaluation:assessment", args=[self.theirs.public_id]),
            reverse("evaluation:answer", args=[self.theirs.public_id, indicator.pk]),
            reverse("evaluation:submit", args=[self.theirs.public_id]),
            reverse("evaluation:object", args=[self.theirs.public_id]),
            reverse("evaluation:evidence", args=[evidence.public_id]),
            reverse("evaluation:cycle", args=[self.cycle.pk]),
            reverse("evaluation:ranking", args=[self.cycle.pk]),
            reverse("evaluation:report_xlsx", args=[self.cycle.pk]),
        ]
        for url in urls:
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, {"self_score": "0"}).status_code, 404)
        self.theirs.refresh_from_db()
        self.assertEqual(self.theirs.state, State.SUBMITTED)

    def test_an_expert_of_the_agency_may_not_fill_it(self) -> None:
        expert = create_staff(self.agency, "expert-eval", Role.EXPERT)
        self.client.force_login(expert)
        indicator = Indicator.objects.filter(axis__template=self.template).first()
        assert indicator is not None
        url = reverse("evaluation:answer", args=[self.mine.public_id, indicator.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_manager_sees_the_assessment_but_may_not_fill_it(self) -> None:
        self.client.force_login(self.manager)
        r = self.client.get(reverse("evaluation:assessment", args=[self.mine.public_id]))
        self.assertContains(r, self.agency.name)
        self.assertNotContains(r, reverse("evaluation:submit", args=[self.mine.public_id]))


class EvaluatorOwnAgencyTests(EvaluationTestCase):
    def test_an_oversight_agency_is_not_evaluated_in_its_own_cycle(self) -> None:
        cycle = self.open_cycle()
        agencies = set(cycle.assessments.values_list("agency__slug", flat=True))
        self.assertEqual(agencies, {"sample-municipality", "sample-gas", "isfahan-water"})
