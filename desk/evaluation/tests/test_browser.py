"""A national evaluator opens a cycle; the agency admin answers indicators with evidence and
sends the self-assessment; the evaluator scores it and finalizes; the ranking shows it and
the festival report's Excel opens with openpyxl with the same figures — in a real browser,
each page checked with axe-core (WCAG 2.1 A/AA) at 360 and 1366 px."""

from __future__ import annotations

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from desk.agencies.models import OversightLevel, Role
from desk.evaluation.defaults import CODE
from desk.evaluation.models import Assessment, State, Template
from desk.evaluation.services import template_load_default
from desk.evaluation.tests.base import answer, finalize_all, indicators
from desk.lib.jalali import to_jalali, today_tehran
from desk.lib.persian import to_persian_digits
from desk.test import PDF_BYTES, create_agency, create_staff, isolate_cache
from desk.tests.browser import BrowserTestCase, expect


class EvaluationWalkTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        isolate_cache()
        oversight = create_agency("سازمان اداری و استخدامی کشور", "aeo")
        oversight.oversight = OversightLevel.NATIONAL
        oversight.save()
        self.evaluator = create_staff(oversight, "evaluator")
        self.agency = create_agency()
        self.other = create_agency("شرکت گاز نمونه", "sample-gas")
        self.admin = create_staff(self.agency, "admin-a", Role.ADMIN)
        self.other_admin = create_staff(self.other, "admin-b", Role.ADMIN)
        template_load_default()  # emptied by the previous live-server test's flush
        self.template = Template.objects.get(code=CODE, version=1)

    def test_a_self_assessment_with_evidence_is_scored_and_ranked(self) -> None:
        self.walk(self._walk, "evaluation")

    def _walk(self) -> None:
        page = self.page
        # 1. The evaluator opens a cycle for the country (check answers, then open).
        self.sign_in_as(self.evaluator)
        self.go(reverse("evaluation:home"))
        self.check("evaluation-01-home")
        page.get_by_role("link", name="باز کردن دوره ارزیابی تازه").click()
        page.get_by_label("عنوان دوره").fill("ارزیابی نیمه نخست ۱۴۰۵")
        today = today_tehran()
        for name, day in (
            ("period_starts_on", today - datetime.timedelta(days=180)),
            ("period_ends_on", today),
            ("self_due_on", today + datetime.timedelta(days=10)),
        ):
            j = to_jalali(day)
            page.locator(f"input[name={name}_0]").fill(to_persian_digits(j.day))
            page.locator(f"input[name={name}_1]").fill(to_persian_digits(j.month))
            page.locator(f"input[name={name}_2]").fill(to_persian_digits(j.year))
        self.check("evaluation-02-new-cycle")
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#cycle-agencies")).to_contain_text(self.agency.name)
        self.check("evaluation-03-check")
        page.get_by_role("button", name="باز کردن دوره و فرستادن پیامک").click()
        expect(page.locator("#assessments")).to_contain_text(self.agency.name)
        self.check("evaluation-04-cycle")
        assessment = Assessment.objects.get(agency=self.agency)
        other = Assessment.objects.get(agency=self.other)

        # 2. The agency admin answers an indicator with evidence; the rest are already answered.
        for indicator in indicators(assessment):
            if indicator.code != "electronic-result":
                answer(assessment, indicator, self.admin, score=3)
        self.sign_in_as(self.admin)
        self.go(reverse("evaluation:home"))
        page.get_by_role("link", name="ارزیابی نیمه نخست ۱۴۰۵").click()
        self.check("evaluation-05-assessment")
        target = next(i for i in indicators(assessment) if i.code == "electronic-result")
        page.locator(f"#indicator-{target.pk}").get_by_role("link").click()
        page.get_by_role("button", name="ذخیره و بازگشت به شاخص‌ها").click()
        expect(page.locator(".error-summary")).to_contain_text("امتیاز خوداظهاری را انتخاب کنید")
        self.check("evaluation-06-answer-error")
        page.get_by_label("۴ — برای همه خدمات، کامل و پایدار").check()
        page.locator("textarea[name=self_note]").fill("نتیجه همه خدمات با کد صحت‌سنجی صادر می‌شود.")
        page.locator("input[type=file]").set_input_files(self.file("sample.pdf", PDF_BYTES))
        page.get_by_role("button", name="ذخیره و بازگشت به شاخص‌ها").click()
        expect(page.locator("#next-step")).to_contain_text("۱۷ از ۱۷")
        # Removing a document asks first; going back keeps it.
        page.locator(f"#indicator-{target.pk}").get_by_role("link").click()
        page.locator("#evidence-list").get_by_role("link", name="حذف").click()
        expect(page.locator("h1")).to_contain_text("این مستند حذف شود؟")
        self.check("evaluation-06b-evidence-remove")
        page.get_by_role("button", name="نه، برگرد").click()
        expect(page.locator("#evidence-list")).to_be_visible()
        page.get_by_role("link", name="همه شاخص‌ها").click()
        page.get_by_role("link", name="بررسی و فرستادن خوداظهاری").click()
        self.check("evaluation-07-submit")
        page.get_by_role("button", name="فرستادن خوداظهاری به ارزیاب").click()
        expect(page.locator("#sent")).to_contain_text("فرستاده شد")
        self.check("evaluation-08-sent")

        # 3. The evaluator scores every indicator and finalizes; the ranking shows it.
        finalize_all(other, self.other_admin, self.evaluator, score=4)
        self.sign_in_as(self.evaluator)
        self.go(reverse("evaluation:review", args=[assessment.public_id]))
        for indicator in indicators(assessment):
            page.locator(f"input[name=score_{indicator.pk}][value='2']").check()
        self.check("evaluation-09-review")
        page.get_by_role("button", name="ذخیره و نهایی کردن").click()
        expect(page.locator("#final-score")).to_have_text("۵۰٫۰۰")
        self.check("evaluation-10-finalize")
        page.get_by_role("button", name="بله، نتیجه را اعلام کن").click()
        expect(page.locator("#ranking-national")).to_contain_text(self.agency.name)
        self.check("evaluation-11-ranking")
        assessment.refresh_from_db()
        self.assertEqual(assessment.state, State.FINALIZED)
        with page.expect_download() as download:
            page.get_by_role("link", name="گزارش جشنواره (اکسل)").click()
        book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        rows = list(book["رتبه‌بندی کشوری"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(
            [(r[0], r[1], r[3]) for r in rows],
            [(1, self.other.name, 100.0), (2, self.agency.name, 50.0)],
        )
