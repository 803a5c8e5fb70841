"""Accessibility as a test: walks of a citizen and a clerk in Chromium, with axe-core (from
node_modules, the npm package in package.json) run on every page they reach at 360 px and
1366 px: no WCAG 2.1 A/AA violation, no sideways scrolling. Screenshots of each page at both
widths go to test-artifacts/pages/ (kept by CI).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
import unittest
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, tag
from django.urls import reverse

from desk.notifications.backends import MemoryBackend
from desk.submissions import services
from desk.submissions.models import Status, Submission
from desk.test import PDF_BYTES, create_agency, create_citizen, create_service, create_staff
from desk.tests.test_browser import CHROMIUM, CHROMIUM_ARGS, HAVE_PLAYWRIGHT, STAFF_PASSWORD

if HAVE_PLAYWRIGHT:
    from playwright.sync_api import Browser, Playwright, expect, sync_playwright

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (360, 1366)
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "pages"
RESULT_BYTES = PDF_BYTES + b"%the-permit\n"


@tag("browser")
class BrowserWalkCase(StaticLiveServerTestCase):
    """Chromium, axe and screenshots for a walk (the walks are in the subclasses)."""

    _playwright: Playwright
    browser: Browser

    @classmethod
    def setUpClass(cls) -> None:
        if not HAVE_PLAYWRIGHT or not Path(CHROMIUM).exists() or not AXE.exists():
            raise unittest.SkipTest("needs Playwright, Chromium and node_modules/axe-core")
        # As in test_browser: Playwright's loop drives only Chromium; the ORM may run here.
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
        MemoryBackend.clear()
        self.agency = create_agency()
        self.service = create_service(self.agency)
        self.expert = create_staff(self.agency, "expert")
        self.context = self.browser.new_context(
            viewport={"width": WIDTHS[0], "height": 800}, locale="fa-IR", accept_downloads=True
        )
        self.addCleanup(self.context.close)
        self.context.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.files = Path(tempfile.mkdtemp(prefix="desk-a11y-"))
        self.addCleanup(shutil.rmtree, self.files, ignore_errors=True)
        self.checked: list[str] = []

    # --- helpers ------------------------------------------------------------------------------

    def check(self, name: str) -> None:
        """axe at both widths (0 violations), no sideways scroll; a screenshot of each."""
        page = self.page
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            self.assertLessEqual(overflow, width, f"{name} scrolls sideways at {width} px")
            violations = self.axe()
            self.assertEqual(violations, [], f"{name} at {width} px: {page.url}")
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        self.checked.append(name)

    def axe(self) -> list[str]:
        page = self.page
        # Evaluated, not added as a <script>: the Content-Security-Policy allows no inline script
        # and the page never serves axe itself.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text(encoding="utf-8"))
        found: list[dict[str, Any]] = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
            ".then(r => r.violations.map(v => ({id: v.id, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))",
            WCAG_21_AA,
        )
        return [f"{v['id']}: {v['help']} — {', '.join(v['nodes'])}" for v in found]

    def go(self, url: str) -> None:
        self.page.goto(self.live_server_url + url)

    def file(self, name: str, content: bytes) -> str:
        path = self.files / name
        path.write_bytes(content)
        return str(path)

    def sms_code(self) -> str:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for sms in reversed(MemoryBackend.outbox):
                found = re.search(r"[۰-۹]{6}", sms["body"])
                if found and "کد ورود" in sms["body"]:
                    return found.group(0)
            time.sleep(0.05)
        self.fail("no sign-in SMS")

    def sign_in_as(self, user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.live_server_url}]
        )

    def run_walk(self, walk: Any, name: str) -> None:
        try:
            walk()
        except BaseException:
            with contextlib.suppress(Exception):
                SHOTS.mkdir(parents=True, exist_ok=True)
                self.page.screenshot(path=str(SHOTS / f"failure-{name}.png"), full_page=True)
            raise
        self.assertEqual(self.errors, [])


@tag("browser")
class AccessibleWalkTests(BrowserWalkCase):
    # --- a citizen: two mistakes, check answers, asked for more, SMS link, the result ---------

    def test_a_citizen_fixes_two_mistakes_answers_by_the_sms_link_and_gets_the_result(
        self,
    ) -> None:
        self.run_walk(self._citizen_walk, "citizen")

    def _citizen_walk(self) -> None:
        page = self.page
        citizen = create_citizen()
        citizen.first_name, citizen.last_name = "مریم", "رضایی"
        citizen.save()
        self.sign_in_as(citizen)
        self.go("/")
        self.check("home")
        self.go(reverse("catalog:service_detail", args=[self.service.slug]))
        self.check("service-card")
        page.get_by_role("link", name="ثبت درخواست برخط").click()
        expect(page.locator("h1")).to_contain_text("ثبت درخواست")
        self.check("apply")

        # Two mistakes: no address, and a text file where a document belongs.
        page.get_by_label("تصویر سند").set_input_files(self.file("deed.pdf", b"not a document"))
        page.get_by_role("button", name="ادامه", exact=True).click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_focused()
        self.assertTrue(page.title().startswith("خطا:"))
        expect(summary.locator("li")).to_have_count(2)
        self.check("apply-errors")
        # Fixed from the summary: each link takes the keyboard to its field.
        summary.get_by_role("link", name="«نشانی ملک» را وارد کنید.").click()
        expect(page.locator("#id_address")).to_be_focused()
        page.keyboard.type("تهران، خیابان آزادی، پلاک ۱۲")
        page.get_by_label("تصویر سند").set_input_files(self.file("sanad.pdf", PDF_BYTES))
        page.get_by_role("button", name="ادامه", exact=True).click()

        expect(page.locator("#check-answers")).to_contain_text("sanad.pdf")
        self.check("check-answers")
        page.get_by_role("button", name="تأیید و ثبت درخواست").click()
        expect(page.locator("#what-next")).to_be_visible()
        self.check("receipt")
        submission = Submission.objects.get()

        # The clerk asks for more; the SMS carries a short link to where the citizen answers.
        self.context.clear_cookies()
        services.submission_transition(
            submission_id=submission.pk,
            actor=self.expert,
            action="request_info",
            message="اصل سند را بارگذاری کنید.",
        )
        link = next(m["body"] for m in reversed(MemoryBackend.outbox) if "/r/" in m["body"]).split()
        path = next(word for word in link if "/r/" in word).split("8000", 1)[-1]
        self.go(path)
        # Not signed in on this phone: sign in by SMS, then back on the request.
        page.get_by_label("کد ملی").fill("۰۰۸۴۵۷۵۹۴۸")
        page.get_by_label("تلفن همراه").fill("۰۹۱۲۱۲۳۴۵۶۷")
        page.get_by_role("button", name="دریافت کد ورود").click()
        page.get_by_label("کد پیامک‌شده").fill(self.sms_code())
        page.get_by_role("button", name="ورود", exact=True).click()
        expect(page.locator("#reply")).to_contain_text("اصل سند را بارگذاری کنید.")
        self.check("my-request-asked")
        page.get_by_label("پاسخ شما").fill("اصل سند بارگذاری شد.")
        page.get_by_role("button", name="ارسال پاسخ").click()
        expect(page.locator("#next-step")).to_be_visible()
        self.check("my-request-answered")

        # The agency completes it with the permit; the citizen downloads it by its name.
        result = SimpleUploadedFile("natija.pdf", RESULT_BYTES)
        from desk.core.uploads import check_document

        services.submission_transition(
            submission_id=submission.pk,
            actor=self.expert,
            action="complete",
            files=[check_document(result)],
        )
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.COMPLETED)
        page.reload()
        self.check("my-request-result")
        link_to_result = page.get_by_role("link", name="دریافت نتیجه صدور پروانه ساختمانی")
        expect(link_to_result).to_have_count(1)
        with page.expect_download() as download:
            link_to_result.click()
        self.assertEqual(Path(download.value.path()).read_bytes(), RESULT_BYTES)

        self.go(reverse("submissions:track"))
        self.check("track")

    # --- a clerk finds the appointment desk from the menu ----------------------------------

    def test_a_clerk_finds_the_appointment_desk_from_the_menu(self) -> None:
        self.run_walk(self._clerk_walk, "clerk")

    def _clerk_walk(self) -> None:
        page = self.page
        clerk = create_staff(self.agency, "clerk", "clerk")
        services.submission_create(
            service=self.service,
            applicant=create_citizen(),
            answers={"address": "تهران"},
            files={"deed": _checked("deed.pdf")},
            idempotency_key=uuid.uuid4(),
        )
        self.go(reverse("accounts:staff_login"))
        self.check("staff-login")
        page.get_by_label("نام کاربری").fill(clerk.username)
        page.get_by_label("گذرواژه").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="ورود", exact=True).click()
        page.wait_for_url("**" + reverse("submissions:inbox"))
        self.check("inbox")
        # At 360 px the menu is a <details>: it opens without JavaScript.
        page.locator(".site-menu summary").click()
        page.locator(".site-menu").get_by_role("link", name="نوبت‌ها").click()
        page.wait_for_url("**" + reverse("appointments:desk"))
        self.check("appointment-desk")


def _checked(name: str) -> Any:
    from desk.core.uploads import check_document

    return check_document(SimpleUploadedFile(name, PDF_BYTES))
