"""A citizen objects to a rejected request, the agency's complaint handler dismisses the
objection, the citizen appeals to oversight and an evaluator upholds the appeal, which
reopens the request for another expert — in a real browser, each page checked with axe-core
(WCAG 2.1 A/AA) at 360 px and at 1366 px, with screenshots."""

from __future__ import annotations

import os
import unittest
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings, tag
from django.urls import reverse

from desk.accounts.models import User
from desk.agencies.models import OversightLevel
from desk.complaints.models import Complaint, State
from desk.core.forms import check_document
from desk.submissions import services as submissions
from desk.submissions.models import Status, Submission
from desk.test import (
    PDF_BYTES,
    DeskClient,
    create_agency,
    create_citizen,
    create_service,
    create_staff,
    define_permit_workflow,
    give_position,
    isolate_cache,
)

try:
    from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
except ImportError:
    HAVE_PLAYWRIGHT = False
else:
    HAVE_PLAYWRIGHT = True

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots" / "complaints"
WIDTHS = {"phone": (360, 780), "desktop": (1366, 900)}


@tag("browser")
@unittest.skipUnless(HAVE_PLAYWRIGHT, "playwright is not installed")
@unittest.skipUnless(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}")
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ComplaintBrowserTests(StaticLiveServerTestCase):
    _playwright: Playwright
    browser: Browser

    @classmethod
    def setUpClass(cls) -> None:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.addClassCleanup(os.environ.pop, "DJANGO_ALLOW_ASYNC_UNSAFE", None)
        super().setUpClass()
        cls._playwright = sync_playwright().start()
        cls.addClassCleanup(cls._playwright.stop)
        cls.browser = cls._playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        cls.addClassCleanup(cls.browser.close)

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
        # The axe run injects a script: the page's CSP is bypassed for the test only.
        self.context = self.browser.new_context(
            viewport={"width": 360, "height": 780}, locale="fa-IR", bypass_csp=True
        )
        self.addCleanup(self.context.close)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)

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

    def _as(self, person: User) -> None:
        client = DeskClient()
        client.force_login(person)
        self.context.clear_cookies()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )

    def _check(self, page: Page, name: str) -> None:
        """Screenshots at both widths; axe at both; back to the phone width."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.assertEqual(page.locator("html").get_attribute("dir"), "rtl")
        if not AXE.exists():
            self.skipTest("axe-core is not installed (npm ci)")
        for label, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
            if not page.evaluate("typeof axe !== 'undefined'"):
                page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                """async () => (await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
                    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
            )
            self.assertEqual(violations, [], f"{name} at {width}px")
        page.set_viewport_size({"width": 360, "height": 780})

    def _go(self, name: str, *args: object) -> None:
        self.page.goto(self.live_server_url + reverse(name, args=args))

    def test_an_objection_is_answered_appealed_and_decided(self) -> None:
        submission = self._rejected()
        page = self.page
        code = submission.tracking_code

        # The start page explains the kinds; anyone may read it.
        self._go("complaints:start")
        expect(page.get_by_role("heading", level=1)).to_contain_text("شکایت")
        self._check(page, "01-start")

        # The citizen objects from the page of the rejected request.
        self._as(self.citizen)
        self._go("submissions:my_request", code)
        self._check(page, "02-rejected-request")
        page.get_by_role("link", name="اعتراض به این تصمیم").click()
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator(".error-summary")).to_contain_text("شرح را بنویسید.")
        self._check(page, "03-objection-error")
        page.get_by_label("چرا این تصمیم را درست نمی‌دانید؟").fill(
            "نقشه کامل و مهرشده پیوست درخواست بود."
        )
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#check-answers")).to_contain_text("نقشه کامل")
        self._check(page, "04-objection-check")
        page.get_by_role("button", name="تأیید و فرستادن").click()
        expect(page.locator("#tracking-code")).to_be_visible()
        self._check(page, "05-objection-receipt")
        objection = Complaint.objects.get()

        # The agency's complaint handler dismisses it.
        self._as(self.handler)
        self._go("complaints:inbox")
        self._check(page, "06-handler-inbox")
        page.locator("#complaints").get_by_role("link").first.click()
        page.get_by_label("وارد نیست").check()
        page.get_by_label("پاسخ به شهروند").fill("نقشه پیوست مهر نظام مهندسی نداشت.")
        self._check(page, "07-handler-complaint")
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#consequence")).to_contain_text("برگرداندنی نیست")
        self._check(page, "08-handler-confirm")
        page.get_by_role("button", name="بله، ثبت کن").click()
        expect(page.locator("#state")).to_have_text("پاسخ داده شد")

        # The citizen appeals to the oversight body.
        self._as(self.citizen)
        self._go("complaints:detail", objection.tracking_code)
        expect(page.locator("#answer")).to_contain_text("مهر نظام مهندسی")
        self._check(page, "09-citizen-answered")
        page.get_by_role("link", name="درخواست تجدیدنظر از مرجع نظارت").click()
        page.get_by_label("چرا پاسخ دستگاه را نمی‌پذیرید؟").fill("مهر در صفحه دوم نقشه هست.")
        page.get_by_role("button", name="ادامه").click()
        self._check(page, "10-appeal-check")
        page.get_by_role("button", name="تأیید و فرستادن به مرجع نظارت").click()
        expect(page.locator("#state")).to_have_text("در بررسی مرجع نظارت")
        self._check(page, "11-citizen-appealed")

        # An evaluator of the national oversight agency upholds the appeal.
        self._as(self.evaluator)
        self._go("complaints:inbox")
        self._check(page, "12-evaluator-inbox")
        page.locator("#appeals").get_by_role("link").first.click()
        page.get_by_label("تجدیدنظرخواهی وارد است").check()
        page.get_by_label("متن رأی و دلیل آن").fill("مهر در صفحه دوم هست؛ درخواست بررسی شود.")
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#consequence")).to_contain_text("دوباره باز می‌شود")
        self._check(page, "13-evaluator-confirm")
        page.get_by_role("button", name="بله، ثبت کن").click()
        expect(page.locator("#state")).to_have_text("رأی مرجع نظارت صادر شد")
        self._check(page, "14-evaluator-decided")

        objection.refresh_from_db()
        self.assertEqual(objection.state, State.DECIDED)
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.IN_REVIEW)
        self.assertEqual(submission.assigned_to, self.reviewer)

        # The citizen sees the request under review again.
        self._as(self.citizen)
        self._go("submissions:my_request", code)
        self._check(page, "15-request-reopened")
