"""The cycle end to end through the pages: opened by a national evaluator, filled by the
agency admin with evidence, sent back for more evidence and answered, scored, finalized;
objection within the review period, decided by a second evaluator; finality by date."""

from __future__ import annotations

import datetime
import io
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from desk.core.errors import ApplicationError
from desk.evaluation import services
from desk.evaluation.kpis import KpiFigure
from desk.evaluation.models import Indicator, State
from desk.evaluation.tests.base import EvaluationTestCase
from desk.lib.jalali import to_jalali, today_tehran
from desk.notifications.models import OutboundMessage
from desk.test import PDF_BYTES


def date_parts(prefix: str, day: datetime.date) -> dict[str, str]:
    j = to_jalali(day)
    return {f"{prefix}_0": str(j.day), f"{prefix}_1": str(j.month), f"{prefix}_2": str(j.year)}


class OpeningTests(EvaluationTestCase):
    def form(self, **extra: str) -> dict[str, str]:
        today = today_tehran()
        return {
            "title": "ارزیابی نیمه دوم ۱۴۰۵",
            "template": str(self.template.pk),
            "province": "",
            **date_parts("period_starts_on", today - datetime.timedelta(days=180)),
            **date_parts("period_ends_on", today),
            **date_parts("self_due_on", today + datetime.timedelta(days=10)),
            "objection_days": "۱۰",
            **extra,
        }

    def test_a_national_evaluator_checks_then_opens_a_cycle_and_admins_are_texted(self) -> None:
        self.client.force_login(self.evaluator)
        check = self.client.post(reverse("evaluation:cycle_new"), self.form())
        self.assertContains(check, "پیش از باز کردن دوره، بررسی کنید")
        self.assertContains(check, self.isfahan.name)
        r = self.client.post(reverse("evaluation:cycle_new"), {**self.form(), "confirm": "1"})
        self.assertEqual(r.status_code, 302)
        sms = OutboundMessage.objects.filter(kind="evaluation_opened")
        self.assertEqual(
            sorted(m.to for m in sms), ["+989120000001", "+989120000002", "+989120000003"]
        )
        self.assertTrue(self.template.is_frozen)

    def test_change_keeps_what_was_typed(self) -> None:
        self.client.force_login(self.evaluator)
        r = self.client.post(reverse("evaluation:cycle_new"), {**self.form(), "change": "1"})
        self.assertContains(r, 'value="ارزیابی نیمه دوم ۱۴۰۵"')

    def test_a_past_deadline_is_refused_next_to_its_field_with_the_answers_kept(self) -> None:
        self.client.force_login(self.evaluator)
        past = date_parts("self_due_on", today_tehran() - datetime.timedelta(days=1))
        r = self.client.post(
            reverse("evaluation:cycle_new"), {**self.form(), **past, "confirm": "1"}
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "مهلت خوداظهاری گذشته است", status_code=400)
        self.assertContains(r, 'value="ارزیابی نیمه دوم ۱۴۰۵"', status_code=400)
        self.assertContains(r, "<title>خطا:", status_code=400)


class SelfAssessmentTests(EvaluationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle = self.open_cycle()
        self.assessment = self.assessment_of(self.cycle, self.agency)
        self.indicator = Indicator.objects.get(
            axis__template=self.template, code="electronic-result"
        )
        self.client.force_login(self.admin)

    def url(self) -> str:
        return reverse("evaluation:answer", args=[self.assessment.public_id, self.indicator.pk])

    def test_the_admin_answers_an_indicator_with_evidence_and_downloads_it(self) -> None:
        r = self.client.post(
            self.url(),
            {
                "self_score": "3",
                "self_note": "سند الکترونیکی صادر می‌شود",
                "document": SimpleUploadedFile("x.pdf", PDF_BYTES),
            },
        )
        self.assertEqual(r.status_code, 302)
        answer = self.assessment.answers.get(indicator=self.indicator)
        self.assertEqual(answer.self_score, 3)
        evidence = answer.evidence.get()
        got = self.client.get(reverse("evaluation:evidence", args=[evidence.public_id]))
        self.assertEqual(got["X-Content-Type-Options"], "nosniff")
        self.assertIn("attachment", got["Content-Disposition"])

    def test_a_missing_score_is_an_error_and_the_note_is_kept(self) -> None:
        r = self.client.post(self.url(), {"self_note": "یادداشت من"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "امتیاز خوداظهاری را انتخاب کنید", status_code=400)
        self.assertContains(r, "یادداشت من", status_code=400)

    def test_a_hostile_file_is_refused(self) -> None:
        r = self.client.post(
            self.url(), {"self_score": "3", "document": SimpleUploadedFile("x.pdf", b"<script>")}
        )
        self.assertEqual(r.status_code, 400)
        self.assertFalse(self.assessment.answers.get(indicator=self.indicator).evidence.exists())

    def test_the_systems_own_figure_is_attached_as_evidence(self) -> None:
        on_time = Indicator.objects.get(axis__template=self.template, code="on-time")
        figure = KpiFigure(
            code="on_time", label="پاسخ در موعد", value="۸۲٪", period="مهر تا اسفند ۱۴۰۴"
        )
        url = reverse("evaluation:answer", args=[self.assessment.public_id, on_time.pk])
        with mock.patch("desk.evaluation.services.kpi_figure", return_value=figure):
            self.assertContains(self.client.get(url), "۸۲٪")
            self.client.post(url, {"self_score": "3", "attach_kpi": "on"})
        answer = self.assessment.answers.get(indicator=on_time)
        self.assertEqual(answer.kpi_evidence["value"], "۸۲٪")
        self.assertEqual(answer.kpi_evidence["period"], "مهر تا اسفند ۱۴۰۴")

    def test_without_a_measured_figure_nothing_is_offered(self) -> None:
        on_time = Indicator.objects.get(axis__template=self.template, code="on-time")
        url = reverse("evaluation:answer", args=[self.assessment.public_id, on_time.pk])
        with mock.patch("desk.evaluation.services.kpi_figure", return_value=None):
            r = self.client.get(url)
        self.assertContains(r, "سامانه هنوز رقمی برای این شاخص در این دوره ندارد")
        self.assertNotContains(r, 'name="attach_kpi"')

    def test_submit_lists_what_is_missing_then_sends_it(self) -> None:
        r = self.client.get(reverse("evaluation:submit", args=[self.assessment.public_id]))
        self.assertContains(r, "امتیاز دهید")
        self.fill_all(self.assessment, self.admin)
        r = self.client.post(reverse("evaluation:submit", args=[self.assessment.public_id]))
        self.assertRedirects(r, reverse("evaluation:sent", args=[self.assessment.public_id]))
        self.assessment.refresh_from_db()
        self.assertEqual(self.assessment.state, State.SUBMITTED)
        # Sent: no more changes.
        r = self.client.post(self.url(), {"self_score": "0"})
        self.assertRedirects(r, reverse("evaluation:assessment", args=[self.assessment.public_id]))
        self.assertEqual(self.assessment.answers.filter(self_score=0).count(), 0)

    def test_after_the_deadline_it_is_refused(self) -> None:
        self.fill_all(self.assessment, self.admin)
        self.cycle.self_due_on = today_tehran() - datetime.timedelta(days=1)
        self.cycle.save()
        r = self.client.post(reverse("evaluation:submit", args=[self.assessment.public_id]))
        self.assertContains(r, "مهلت فرستادن خوداظهاری این دوره گذشته است", status_code=400)


class ReviewTests(EvaluationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle = self.open_cycle()
        self.assessment = self.submitted(self.cycle, self.agency, self.admin)
        self.indicators = list(Indicator.objects.filter(axis__template=self.template))
        self.client.force_login(self.evaluator)

    def review_data(self, score: int, question_for: int | None = None) -> dict[str, str]:
        data = {f"score_{i.pk}": str(score) for i in self.indicators}
        if question_for is not None:
            data[f"question_{question_for}"] = "گزارش نظرسنجی شش ماه را بگذارید"
        return data

    def test_asking_for_more_evidence_sends_it_back_and_the_answer_returns_it(self) -> None:
        survey = next(i for i in self.indicators if i.code == "survey")
        url = reverse("evaluation:review", args=[self.assessment.public_id])
        r = self.client.post(url, {**self.review_data(2, survey.pk), "then": "return"})
        self.assertEqual(r.status_code, 302)
        self.assessment.refresh_from_db()
        self.assertEqual(self.assessment.state, State.MORE_EVIDENCE)
        sms = OutboundMessage.objects.get(kind="evaluation_more_evidence")
        self.assertEqual(sms.to, "+989120000001")
        # The admin sees the question, adds evidence and sends it again (after the deadline too).
        self.cycle.self_due_on = today_tehran() - datetime.timedelta(days=1)
        self.cycle.save()
        self.client.force_login(self.admin)
        answer_url = reverse("evaluation:answer", args=[self.assessment.public_id, survey.pk])
        self.assertContains(self.client.get(answer_url), "گزارش نظرسنجی شش ماه را بگذارید")
        self.client.post(
            answer_url, {"self_score": "3", "document": SimpleUploadedFile("s.pdf", PDF_BYTES)}
        )
        self.client.post(reverse("evaluation:submit", args=[self.assessment.public_id]))
        self.assessment.refresh_from_db()
        self.assertEqual(self.assessment.state, State.SUBMITTED)
        self.assertEqual(self.assessment.answers.get(indicator=survey).evidence.count(), 1)

    def test_returning_without_a_question_is_refused(self) -> None:
        url = reverse("evaluation:review", args=[self.assessment.public_id])
        r = self.client.post(url, {**self.review_data(2), "then": "return"})
        self.assertContains(r, "بنویسید برای کدام شاخص چه مستندی لازم است", status_code=400)

    def test_finalizing_needs_every_score_then_confirms_and_writes_the_total(self) -> None:
        url = reverse("evaluation:finalize", args=[self.assessment.public_id])
        self.assertContains(self.client.post(url), "پیش از نهایی کردن", status_code=400)
        review = reverse("evaluation:review", args=[self.assessment.public_id])
        r = self.client.post(review, {**self.review_data(4), "then": "finalize"})
        self.assertRedirects(r, url)
        self.assertContains(self.client.get(url), "۱۰۰٫۰۰")
        self.client.post(url)
        self.assessment.refresh_from_db()
        self.assertEqual(self.assessment.state, State.FINALIZED)
        self.assertEqual(str(self.assessment.score), "100.00")
        self.assertEqual(OutboundMessage.objects.filter(kind="evaluation_finalized").count(), 1)

    def test_the_excel_report_has_the_ranks_and_scores(self) -> None:
        self.score_all(self.assessment, self.evaluator, 2)
        services.assessment_finalize(actor=self.evaluator, assessment_id=self.assessment.pk)
        self.finalized(self.cycle, self.other_agency, self.other_admin, 2)
        self.finalized(self.cycle, self.isfahan, self.isfahan_admin, 4)
        r = self.client.get(reverse("evaluation:report_xlsx", args=[self.cycle.pk]))
        book = load_workbook(io.BytesIO(r.content))
        sheet = book["رتبه‌بندی کشوری"]
        self.assertTrue(sheet.sheet_view.rightToLeft)
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        self.assertEqual(
            [(rank, name, score) for rank, name, _p, score, _s in rows],
            [
                (1, self.isfahan.name, 100.0),
                (2, self.other_agency.name, 50.0),
                (2, self.agency.name, 50.0),
            ],
        )
        self.assertEqual(book.sheetnames, ["رتبه‌بندی کشوری", "استان اصفهان", "استان تهران"])

    def test_the_pdf_report_renders(self) -> None:
        r = self.client.get(reverse("evaluation:report_pdf", args=[self.cycle.pk]))
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue(r.content.startswith(b"%PDF"))


class FinalityTests(EvaluationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle = self.open_cycle()
        self.assessment = self.finalized(self.cycle, self.agency, self.admin, 3)

    def test_it_is_final_only_after_the_review_period(self) -> None:
        until = self.assessment.objection_until
        assert until is not None
        self.assertEqual(until, today_tehran() + datetime.timedelta(days=10))
        self.assertFalse(self.assessment.is_final(until))
        self.assertTrue(self.assessment.is_final(until + datetime.timedelta(days=1)))

    def test_no_objection_after_the_period(self) -> None:
        late = today_tehran() + datetime.timedelta(days=11)
        with self.assertRaisesMessage(ApplicationError, "مهلت اعتراض"):
            services.assessment_object(
                actor=self.admin, assessment_id=self.assessment.pk, text="دیر", today=late
            )

    def test_an_objection_is_decided_by_a_second_evaluator_which_closes_it(self) -> None:
        self.client.force_login(self.admin)
        url = reverse("evaluation:object", args=[self.assessment.public_id])
        check = self.client.post(url, {"text": "مستند نوبت‌دهی دیده نشد"})
        self.assertContains(check, "این اعتراض فرستاده شود؟")
        self.client.post(url, {"text": "مستند نوبت‌دهی دیده نشد", "confirm": "1"})
        self.assessment.refresh_from_db()
        self.assertEqual(self.assessment.state, State.OBJECTED)
        self.assertFalse(self.assessment.is_final(today_tehran() + datetime.timedelta(days=400)))
        # The first evaluator may not decide it.
        with self.assertRaisesMessage(ApplicationError, "ارزیاب دیگری"):
            services.objection_decide(
                actor=self.evaluator, assessment_id=self.assessment.pk, decision="رد"
            )
        self.client.force_login(self.second_evaluator)
        self.score_all(self.assessment, self.second_evaluator, 4)
        decide = reverse("evaluation:decide", args=[self.assessment.public_id])
        self.client.post(decide, {"decision": "وارد است", "confirm": "1"})
        self.assessment.refresh_from_db()
        self.assertEqual(self.assessment.state, State.CLOSED)
        self.assertEqual(str(self.assessment.score), "100.00")
        self.assertTrue(self.assessment.is_final())
        self.assertEqual(
            OutboundMessage.objects.filter(kind="evaluation_objection_decided").count(), 1
        )
