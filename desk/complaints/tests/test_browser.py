"""A citizen objects to a rejected request, the agency's complaint handler dismisses the
objection, the citizen appeals to oversight and an evaluator upholds the appeal, which
reopens the request for another expert — in a real browser, each page checked with axe-core
(WCAG 2.1 A/AA) at 360 px and at 1366 px, with screenshots."""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from desk.agencies.models import OversightLevel
from desk.complaints.models import Complaint, State
from desk.core.forms import check_document
from desk.submissions import services as submissions
from desk.submissions.models import Status, Submission
from desk.test import (
    PDF_BYTES,
    create_agency,
    create_citizen,
    create_service,
    create_staff,
    define_permit_workflow,
    give_position,
    isolate_cache,
)
from desk.tests.browser import BrowserTestCase, expect


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ComplaintBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        isolate_cache()
        overrides = override_settings(SITE_URL=self.live_server_url)
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.agency = create_agency()
        self.service = create_service(self.agency)
        define_permit_workflow(self.service)
        self.citizen = create_citizen()
        self.rejecter = create_staff(self.agency, "rejecter")
        self.reviewer = create_staff(self.agency, "reviewer")
        for person in (self.rejecter, self.reviewer):
            give_position(person, "پذیرش")
            give_position(person, "فنی")
        self.handler = create_staff(self.agency, "handler")
        self.handler.staff.handles_complaints = True
        self.handler.staff.title = "مسئول رسیدگی به شکایات"
        self.handler.staff.save()
        oversight = create_agency("سازمان اداری و استخدامی کشور", "aeo")
        oversight.oversight = OversightLevel.NATIONAL
        oversight.save()
        self.evaluator = create_staff(oversight, "evaluator")

    def _rejected(self) -> Submission:
        upload = SimpleUploadedFile("deed.pdf", PDF_BYTES)
        submission = submissions.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران، خیابان آزادی"},
            files={"deed": check_document(upload)},
            idempotency_key=uuid.uuid4(),
        )
        for action, message in (("start_review", ""), ("accept", ""), ("reject", "نقشه ناقص است")):
            submissions.submission_transition(
                submission_id=submission.pk, actor=self.rejecter, action=action, message=message
            )
        return submission

    def _go(self, name: str, *args: object) -> None:
        self.page.goto(self.live_server_url + reverse(name, args=args))

    def test_an_objection_is_answered_appealed_and_decided(self) -> None:
        self.walk(self._objection_answered_appealed_and_decided, "complaints")

    def _objection_answered_appealed_and_decided(self) -> None:
        submission = self._rejected()
        page = self.page
        code = submission.tracking_code

        # The start page explains the kinds; anyone may read it.
        self._go("complaints:start")
        expect(page.get_by_role("heading", level=1)).to_contain_text("شکایت")
        self.check("complaints-01-start")

        # The citizen objects from the page of the rejected request.
        self.sign_in_as(self.citizen)
        self._go("submissions:my_request", code)
        self.check("complaints-02-rejected-request")
        page.get_by_role("link", name="اعتراض به این تصمیم").click()
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator(".error-summary")).to_contain_text("شرح را بنویسید.")
        self.check("complaints-03-objection-error")
        page.get_by_label("چرا این تصمیم را درست نمی‌دانید؟").fill(
            "نقشه کامل و مهرشده پیوست درخواست بود."
        )
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#check-answers")).to_contain_text("نقشه کامل")
        self.check("complaints-04-objection-check")
        page.get_by_role("button", name="تأیید و فرستادن").click()
        expect(page.locator("#tracking-code")).to_be_visible()
        self.check("complaints-05-objection-receipt")
        objection = Complaint.objects.get()

        # The agency's complaint handler dismisses it.
        self.sign_in_as(self.handler)
        self._go("complaints:inbox")
        self.check("complaints-06-handler-inbox")
        page.locator("#complaints").get_by_role("link").first.click()
        page.get_by_label("وارد نیست").check()
        page.get_by_label("پاسخ به شهروند").fill("نقشه پیوست مهر نظام مهندسی نداشت.")
        self.check("complaints-07-handler-complaint")
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#consequence")).to_contain_text("برگرداندنی نیست")
        self.check("complaints-08-handler-confirm")
        page.get_by_role("button", name="بله، ثبت کن").click()
        expect(page.locator("#state")).to_have_text("پاسخ داده شد")

        # The citizen appeals to the oversight body.
        self.sign_in_as(self.citizen)
        self._go("complaints:detail", objection.tracking_code)
        expect(page.locator("#answer")).to_contain_text("مهر نظام مهندسی")
        self.check("complaints-09-citizen-answered")
        page.get_by_role("link", name="درخواست تجدیدنظر از مرجع نظارت").click()
        page.get_by_label("چرا پاسخ دستگاه را نمی‌پذیرید؟").fill("مهر در صفحه دوم نقشه هست.")
        page.get_by_role("button", name="ادامه").click()
        self.check("complaints-10-appeal-check")
        page.get_by_role("button", name="تأیید و فرستادن به مرجع نظارت").click()
        expect(page.locator("#state")).to_have_text("در بررسی مرجع نظارت")
        self.check("complaints-11-citizen-appealed")

        # An evaluator of the national oversight agency upholds the appeal.
        self.sign_in_as(self.evaluator)
        self._go("complaints:inbox")
        self.check("complaints-12-evaluator-inbox")
        page.locator("#appeals").get_by_role("link").first.click()
        page.get_by_label("تجدیدنظرخواهی وارد است").check()
        page.get_by_label("متن رأی و دلیل آن").fill("مهر در صفحه دوم هست؛ درخواست بررسی شود.")
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#consequence")).to_contain_text("دوباره باز می‌شود")
        self.check("complaints-13-evaluator-confirm")
        page.get_by_role("button", name="بله، ثبت کن").click()
        expect(page.locator("#state")).to_have_text("رأی مرجع نظارت صادر شد")
        self.check("complaints-14-evaluator-decided")

        objection.refresh_from_db()
        self.assertEqual(objection.state, State.DECIDED)
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.IN_REVIEW)
        self.assertEqual(submission.assigned_to, self.reviewer)

        # The citizen sees the request under review again.
        self.sign_in_as(self.citizen)
        self._go("submissions:my_request", code)
        self.check("complaints-15-request-reopened")
