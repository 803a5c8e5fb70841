"""The daily rollup the results page reads: the same figures as the live rows, idempotent,
incremental (new and changed responses), back-fillable, and the per-question breakdown."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.urls import reverse

from desk.surveys import selectors
from desk.surveys.models import (
    FormKind,
    Invitation,
    QuestionDay,
    Response,
    ResultDay,
    RollupRun,
    SurveyForm,
)
from desk.surveys.rollup import survey_rollup
from desk.surveys.selectors import Period
from desk.surveys.services import response_save
from desk.surveys.tasks import survey_daily_rollup
from desk.surveys.tests.test_results import YEAR, ResultsWorld, answer, eservice, invite


def _figures(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (r.key, r.label, r.invited, r.responses, r.red_flag_answered, r.red_flag_count, r.axes)
        for r in rows
    ]


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        ResultDay.objects.values_list(
            "day", "agency_id", "service_id", "invited", "responses", "overall_sum", "overall_n"
        )
    )


class RollupTests(ResultsWorld):
    def assert_same_as_live(self, agency_ids: list[int] | None, period: Period) -> None:
        for group_by in ("service", "agency", "province", "month", "none"):
            with self.subTest(group_by=group_by):
                live = selectors.satisfaction(agency_ids, period, group_by=group_by)
                rolled = selectors.satisfaction(
                    agency_ids,
                    period,
                    group_by=group_by,
                    rolled=True,
                )
                self.assertEqual(_figures(rolled), _figures(live))

    def test_the_rollup_gives_the_live_figures_for_every_grouping(self) -> None:
        survey_rollup()
        self.assert_same_as_live([self.agency.pk], Period("month", YEAR, 1))
        self.assert_same_as_live(None, Period("year", YEAR))
        self.assert_same_as_live([self.agency.pk], Period("quarter", YEAR, 2))

    def test_running_again_changes_nothing_and_rebuilds_only_touched_days(self) -> None:
        first = survey_rollup()
        self.assertGreater(first.days, 0)
        before = _snapshot()
        self.assertEqual(survey_rollup().days, 0)  # nothing new since
        self.assertEqual(survey_rollup(days=[d for d, *_ in before]).days, len({before[0][0]}))
        self.assertEqual(_snapshot(), before)

    def test_a_new_and_a_changed_response_reach_the_next_run(self) -> None:
        survey_rollup()
        unanswered = Invitation.objects.filter(response__isnull=True, agency=self.agency).first()
        assert unanswered is not None
        answer(unanswered, **eservice(5, 5, 5, 5))
        changed = Response.objects.filter(agency=self.agency, month=4).get()
        response_save(token=changed.invitation.token, answers=eservice(1, 1, 1, 1))
        run = survey_rollup()
        self.assertGreater(run.days, 0)
        self.assert_same_as_live([self.agency.pk], Period("year", YEAR))
        [row] = selectors.satisfaction(
            [self.agency.pk], Period("month", YEAR, 4), group_by="none", rolled=True
        )
        self.assertEqual(row.axes["overall"], 1.0)

    def test_the_command_back_fills_every_day(self) -> None:
        survey_rollup()
        before = _snapshot()
        ResultDay.objects.all().delete()
        QuestionDay.objects.all().delete()
        call_command("surveys_rollup", "--all", stdout=io.StringIO())
        self.assertEqual(_snapshot(), before)
        out = io.StringIO()
        call_command("surveys_rollup", stdout=out)
        self.assertIn("rolled up 0 days", out.getvalue())

    def test_the_nightly_job_runs_the_rollup(self) -> None:
        survey_daily_rollup.call_local()
        self.assertTrue(RollupRun.objects.exists())
        self.assertTrue(ResultDay.objects.exists())

    def test_the_breakdown_counts_each_score_of_each_question(self) -> None:
        takrim = [invite(self.service, 2, form=FormKind.TAKRIM) for _ in range(4)]
        items = SurveyForm.objects.get(kind=FormKind.TAKRIM).versions.get().questions
        base = {q.key: 4 for q in items.filter(kind="scale")}
        for invitation, need in zip(takrim, (1, 2, 4, 5), strict=True):
            answer(invitation, **{**base, "connections": need})
        survey_rollup()
        rows = {
            q.text: q
            for q in selectors.question_breakdown([self.agency.pk], Period("month", YEAR, 2))
        }
        connections = next(q for text, q in rows.items() if "توصیه" in text)
        self.assertEqual(connections.answered, 4)
        self.assertEqual(connections.mean, 3.0)
        self.assertEqual(dict(connections.shares), {5: 0.25, 4: 0.25, 3: 0.0, 2: 0.25, 1: 0.25})
        eservice_rows = selectors.question_breakdown([self.agency.pk], Period("month", YEAR, 1))
        overall = eservice_rows[0]
        self.assertEqual((overall.answered, overall.mean), (2, 3.0))
        # Another agency's questions are not counted.
        self.assertEqual(
            selectors.question_breakdown([self.other_agency.pk], Period("month", YEAR, 2)), []
        )


class RollupPageTests(ResultsWorld):
    url = reverse("surveys:results") + f"?year={YEAR}&period=m1&group_by=service"

    def test_the_page_says_when_the_rollup_last_ran_and_breaks_down_each_question(self) -> None:
        self.client.force_login(self.manager)
        response = self.client.get(self.url)
        self.assertContains(response, "خلاصه روزانه هنوز ساخته نشده است")
        survey_rollup()
        response = self.client.get(self.url)
        self.assertContains(response, "آخرین به‌روزرسانی:")
        self.assertContains(response, 'id="questions"')
        self.assertContains(response, "به تفکیک پرسش")
        self.assertContains(response, "۶۷٪")
