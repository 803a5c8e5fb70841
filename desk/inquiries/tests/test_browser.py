"""An inquiry in a real browser: agency A's expert sends it, agency B's expert answers with a
file, A sees the answer and completes the request, and the citizen sees the inquiry on the
timeline and in «who looked at my data». axe-core on every page at 360 and 1366 px."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import tag
from django.urls import reverse

from desk.core.forms import check_document
from desk.inquiries.models import Inquiry, InquiryRule, State
from desk.notifications.backends import MemoryBackend
from desk.submissions import services as submissions
from desk.submissions.models import Status
from desk.test import (
    PDF_BYTES,
    DeskClient,
    create_agency,
    create_citizen,
    create_service,
    create_staff,
    isolate_cache,
)
from desk.tests.browser import CHROMIUM, CHROMIUM_ARGS, HAVE_PLAYWRIGHT

from .base import ADDRESS, QUESTION, define_inquiry_workflow

if HAVE_PLAYWRIGHT:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Page,
        Playwright,
        expect,
        sync_playwright,
    )

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (360, 1366)
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots" / "inquiries"


@tag("browser")
class InquiryBrowserTests(StaticLiveServerTestCase):
    _playwright: Playwright
    browser: Browser

    @classmethod
    def setUpClass(cls) -> None:
        if not HAVE_PLAYWRIGHT or not Path(CHROMIUM).exists() or not AXE.exists():
            raise unittest.SkipTest("needs Playwright, Chromium and node_modules/axe-core")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.addClassCleanup(os.environ.pop, "DJANGO_ALLOW_ASYNC_UNSAFE", None)
        super().setUpClass()
        cls._playwright = sync_playwright().start()
        cls.addClassCleanup(cls._playwright.stop)
        cls.browser = cls._playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        cls.addClassCleanup(cls.browser.close)

    def setUp(self) -> None:
        super().setUp()
        isolate_cache()
        MemoryBackend.clear()
        expect.set_options(timeout=30_000)
        self.agency = create_agency()
        self.other_agency = create_agency("شرکت گاز نمونه", "sample-gas")
        self.service = create_service(self.agency, slug="property-inquiry")
        define_inquiry_workflow(self.service)
        # No target: the expert chooses whom to ask; the address and the deed are shared.
        InquiryRule.objects.create(
            service=self.service,
            step_key="inquiry",
            question=QUESTION,
            shared_fields="address,deed",
        )
        self.citizen = create_citizen()
        self.expert = create_staff(self.agency, "expert")
        self.b_expert = create_staff(self.other_agency, "gas-expert")
        self.files = Path(tempfile.mkdtemp(prefix="desk-inquiry-"))
        self.addCleanup(shutil.rmtree, self.files, ignore_errors=True)

    def at_inquiry(self) -> Any:
        upload = SimpleUploadedFile("deed.pdf", PDF_BYTES)
        submission = submissions.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": ADDRESS},
            files={"deed": check_document(upload)},
            idempotency_key=uuid.uuid4(),
        )
        for action in ("start_review", "accept"):
            submissions.submission_transition(
                submission_id=submission.pk, actor=self.expert, action=action
            )
        return submission

    def page_for(self, user: Any) -> Page:
        context: BrowserContext = self.browser.new_context(
            viewport={"width": WIDTHS[0], "height": 800}, locale="fa-IR"
        )
        self.addCleanup(context.close)
        context.set_default_timeout(30_000)
        client = DeskClient()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.live_server_url}]
        )
        return context.new_page()

    def check(self, page: Page, name: str) -> None:
        """axe at both widths (0 violations), no sideways scroll; a screenshot of each."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            self.assertLessEqual(overflow, width, f"{name} scrolls sideways at {width} px")
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(AXE.read_text(encoding="utf-8"))
            found: list[dict[str, Any]] = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                ".then(r => r.violations.map(v => ({id: v.id, help: v.help,"
                " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))",
                WCAG_21_AA,
            )
            self.assertEqual(found, [], f"{name} at {width} px")
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})

    def test_an_inquiry_from_sending_to_the_citizens_data_tracker(self) -> None:
        submission = self.at_inquiry()
        code = submission.tracking_code
        request_url = self.live_server_url + reverse("submissions:staff_request", args=[code])

        # Agency A's expert chooses the gas company and sends the rule's question.
        a_page = self.page_for(self.expert)
        a_page.goto(request_url)
        panel = a_page.locator("#inquiries")
        expect(panel.get_by_label("پرسش")).to_have_value(QUESTION)
        self.check(a_page, "01-a-send")
        panel.get_by_label("دستگاه طرف استعلام").select_option(label=self.other_agency.name)
        panel.get_by_role("button", name="فرستادن استعلام").click()
        expect(a_page.locator("#inquiries .inquiry-state")).to_have_text("در انتظار پاسخ")
        self.check(a_page, "02-a-sent")

        # Agency B's expert finds it in their own inquiries inbox and answers with a file.
        b_page = self.page_for(self.b_expert)
        b_page.goto(self.live_server_url + reverse("inquiries:inbox"))
        self.check(b_page, "03-b-inbox")
        b_page.locator("table a").first.click()
        expect(b_page.locator("#shared")).to_contain_text(ADDRESS)
        self.check(b_page, "04-b-inquiry")
        b_page.get_by_role("button", name="فرستادن پاسخ").click()
        expect(b_page.locator(".error-summary")).to_contain_text("متن پاسخ را بنویسید.")
        self.check(b_page, "05-b-error")
        b_page.get_by_label("پاسخ استعلام").fill("ملک بدهی گاز ندارد.")
        answer = self.files / "answer.pdf"
        answer.write_bytes(PDF_BYTES)
        b_page.locator("input[type=file]").set_input_files(str(answer))
        b_page.get_by_role("button", name="فرستادن پاسخ").click()
        expect(b_page.locator("#inquiry-state")).to_have_text("پاسخ داده شد")
        expect(b_page.locator("#shared")).to_have_count(0)  # the grant has ended
        self.check(b_page, "06-b-answered")
        self.assertEqual(Inquiry.objects.get().state, State.ANSWERED)

        # A sees the answer and its file; the request moved on; A completes it.
        a_page.goto(request_url)
        expect(a_page.locator("#inquiries .inquiry-answer")).to_contain_text("ملک بدهی گاز ندارد.")
        expect(a_page.locator("#inquiries .inquiry-answer a")).to_have_text("answer.pdf")
        self.check(a_page, "07-a-answer")
        result = self.files / "result.pdf"
        result.write_bytes(PDF_BYTES + b"%result\n")
        a_page.locator("#files-complete").set_input_files(str(result))
        # Completing is irreversible: the expert ticks the confirmation first.
        a_page.locator("#confirm-complete").check()
        a_page.get_by_role("button", name="صدور نتیجه").click()
        expect(a_page.locator(".alert-success, .messages")).to_contain_text("اقدام ثبت شد")
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.COMPLETED)

        # The citizen: the inquiry on the timeline, and who looked at their data.
        c_page = self.page_for(self.citizen)
        c_page.goto(self.live_server_url + reverse("submissions:my_request", args=[code]))
        expect(c_page.locator("#progress")).to_contain_text(
            f"در انتظار پاسخ استعلام از {self.other_agency.name}"
        )
        tracker = c_page.locator("#data-tracker")
        expect(tracker).to_contain_text(self.other_agency.name)
        expect(tracker).to_contain_text("داده‌های فرستاده‌شده دیده شد")
        expect(tracker).to_contain_text(QUESTION)
        self.check(c_page, "08-citizen")
