"""Who sees what: a provincial evaluator only their province's agencies; an agency's admin
only their own assessment; another agency's ids are 404; evaluators never score their own."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.core.errors import ApplicationError
from desk.evaluation import services
from desk.evaluation.models import Cycle, Evidence, Indicator, State
from desk.evaluation.tests.base import EvaluationTestCase
from desk.lib.jalali import today_tehran
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


class OneRuleTests(EvaluationTestCase):
    """One rule (access.evaluation_scope from oversight_scope): national evaluators open cycles
    and review every agency; provincial evaluators review their province's; operators do not
    evaluate."""

    def setUp(self) -> None:
        super().setUp()
        self.cycle = self.open_cycle()
        self.isfahan_sent = self.submitted(self.cycle, self.isfahan, self.isfahan_admin)
        self.tehran_sent = self.submitted(self.cycle, self.agency, self.admin)

    def test_an_operator_may_not_open_see_or_review_a_cycle(self) -> None:
        root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        self.client.force_login(root)
        self.assertEqual(self.client.get(reverse("evaluation:cycle_new")).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("evaluation:cycle", args=[self.cycle.pk])).status_code, 404
        )
        for name in ("evaluation:review", "evaluation:finalize"):
            with self.subTest(name):
                r = self.client.get(reverse(name, args=[self.tehran_sent.public_id]))
                self.assertEqual(r.status_code, 404)
        self.assertEqual(self.client.get(reverse("evaluation:home")).status_code, 404)
        with self.assertRaises(ApplicationError):
            self.open_cycle_as(root)

    def test_a_provincial_evaluator_reviews_their_province_only(self) -> None:
        self.client.force_login(self.isfahan_evaluator)
        mine = self.client.get(reverse("evaluation:review", args=[self.isfahan_sent.public_id]))
        self.assertEqual(mine.status_code, 200)
        theirs = self.client.get(reverse("evaluation:review", args=[self.tehran_sent.public_id]))
        self.assertEqual(theirs.status_code, 404)
        with self.assertRaises(ApplicationError):
            self.open_cycle_as(self.isfahan_evaluator)

    def test_a_national_evaluator_opens_cycles_and_reviews_every_province(self) -> None:
        self.client.force_login(self.evaluator)
        self.assertEqual(self.client.get(reverse("evaluation:cycle_new")).status_code, 200)
        for sent in (self.isfahan_sent, self.tehran_sent):
            r = self.client.get(reverse("evaluation:review", args=[sent.public_id]))
            self.assertEqual(r.status_code, 200)
        self.assertTrue(self.open_cycle_as(self.evaluator, title="ارزیابی دوم").pk)

    def open_cycle_as(self, actor: User, **extra: Any) -> Cycle:
        today = today_tehran()
        return services.cycle_open(
            actor=actor,
            title=extra.get("title", "ارزیابی دیگر"),
            template=self.template,
            province="",
            period_starts_on=today - datetime.timedelta(days=180),
            period_ends_on=today,
            self_due_on=today + datetime.timedelta(days=14),
            objection_days=10,
        )


class IdsThatNameNothingTests(EvaluationTestCase):
    """An id in the address beyond the largest the database holds names nothing: 404."""

    def setUp(self) -> None:
        super().setUp()
        self.cycle = self.open_cycle()
        self.mine = self.assessment_of(self.cycle, self.agency)

    def test_an_indicator_id_beyond_the_largest_integer_is_404(self) -> None:
        for person in (self.manager, self.admin):
            self.client.force_login(person)
            for indicator_id in (0, 2**63 - 1, 2**63, 99999999999999999999):
                url = reverse("evaluation:answer", args=[self.mine.public_id, indicator_id])
                with self.subTest(person=person.username, indicator_id=indicator_id):
                    self.assertEqual(self.client.get(url).status_code, 404)
                    self.assertEqual(self.client.post(url, {"self_score": "3"}).status_code, 404)
        self.assertFalse(self.mine.answers.exclude(self_score=None).exists())

    def test_a_cycle_id_beyond_the_largest_integer_is_404(self) -> None:
        self.client.force_login(self.evaluator)
        for name in ("cycle", "ranking", "report_xlsx", "report_pdf"):
            with self.subTest(name):
                url = reverse(f"evaluation:{name}", args=[99999999999999999999])
                self.assertEqual(self.client.get(url).status_code, 404)
