"""A letter in a real browser: a citizen writes one (a mistake first, then check answers and
the confirmation), staff answer it, the citizen reads the reply and downloads its PDF. Each
page is checked with axe-core (WCAG 2.1 A/AA) at 360 and 1366 px, and photographed."""

from __future__ import annotations

import os
import unittest
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings, tag
from django.urls import reverse

from desk.accounts.models import User
from desk.letters.models import Letter, LetterReply
from desk.test import (
    PDF_BYTES,
    DeskClient,
    create_agency,
    create_citizen,
    create_staff,
    isolate_cache,
)
from desk.workflow.models import Department

try:
    from playwright.sync_api import (
        Browser,
        FilePayload,
        Page,
        Playwright,
        expect,
        sync_playwright,
    )
except ImportError:
    HAVE_PLAYWRIGHT = False
else:
    HAVE_PLAYWRIGHT = True

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots" / "letters"
WIDTHS = {"phone": (360, 780), "desktop": (1366, 900)}


@tag("browser")
@unittest.skipUnless(HAVE_PLAYWRIGHT, "playwright is not installed")
@unittest.skipUnless(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}")
class LetterBrowserTests(StaticLiveServerTestCase):
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
        create_agency("شرکت گاز نمونه", "sample-gas")
        Department.objects.create(agency=self.agency, name="واحد درآمد")
        self.citizen = create_citizen()
        self.expert = create_staff(self.agency, "expert")

    def _page(self, user: User) -> Page:
        # The axe run injects a script: the page's CSP is bypassed for the test only.
        context = self.browser.new_context(
            viewport={"width": 360, "height": 780},
            locale="fa-IR",
            bypass_csp=True,
            accept_downloads=True,
        )
        self.addCleanup(context.close)
        client = DeskClient()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.live_server_url}]
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    def _check(self, page: Page, name: str) -> None:
        """axe at both widths, a screenshot at each; the page is left at phone width."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.assertEqual(page.locator("html").get_attribute("dir"), "rtl")
        for label, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
            if not AXE.exists():
                self.skipTest("axe-core is not installed (npm ci)")
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                """async () => (await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
                    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
            )
            self.assertEqual(violations, [], f"{name} at {width}px")
        page.set_viewport_size({"width": 360, "height": 780})

    def test_a_citizen_writes_a_letter_staff_reply_and_the_citizen_reads_the_pdf(self) -> None:
        citizen = self._page(self.citizen)
        base = self.live_server_url
        citizen.goto(base + reverse("submissions:my_requests"))
        citizen.get_by_role("link", name="نوشتن نامه به دستگاه").click()
        citizen.get_by_label("نامه به کدام دستگاه است؟").select_option(label=self.agency.name)
        citizen.get_by_label("متن نامه").fill("نشانی پروانه کسب من اشتباه ثبت شده است.")
        citizen.get_by_role("button", name="ادامه").click()
        expect(citizen.locator(".error-summary")).to_contain_text("موضوع نامه را بنویسید.")
        expect(citizen.get_by_label("متن نامه")).to_have_value(
            "نشانی پروانه کسب من اشتباه ثبت شده است."
        )
        self._check(citizen, "01-write-error")
        citizen.get_by_label("موضوع نامه").fill("اصلاح نشانی در پروانه کسب")
        citizen.get_by_label("پیوست‌ها", exact=False).set_input_files(
            files=[FilePayload(name="scan.pdf", mimeType="application/pdf", buffer=PDF_BYTES)]
        )
        citizen.get_by_role("button", name="ادامه").click()
        expect(citizen.locator("#check-answers")).to_contain_text("scan.pdf")
        self._check(citizen, "02-check")
        citizen.get_by_role("button", name="تأیید و فرستادن نامه").click()
        expect(citizen.locator("#letter-sent")).to_contain_text("نامه شما ثبت شد")
        letter = Letter.objects.get()
        expect(citizen.locator("#letter-number")).to_have_text(letter.number)
        self._check(citizen, "03-sent")

        staff = self._page(self.expert)
        staff.goto(base + reverse("letters:inbox"))
        self._check(staff, "04-inbox")
        staff.get_by_role("link", name=letter.number).click()
        self._check(staff, "05-staff-letter")
        staff.get_by_role("link", name="نوشتن پاسخ با شماره صادره").click()
        staff.get_by_label("متن پاسخ به نویسنده").fill("نشانی پروانه شما اصلاح شد.")
        staff.get_by_role("button", name="ادامه").click()
        expect(staff.locator("#reply-confirm")).to_be_visible()
        self._check(staff, "06-reply-confirm")
        staff.get_by_role("button", name="فرستادن پاسخ و گرفتن شماره").click()
        reply = LetterReply.objects.get()
        expect(staff.locator(".reply")).to_contain_text(reply.number)

        citizen.goto(base + reverse("submissions:my_requests"))
        self._check(citizen, "07-my-requests")
        citizen.locator("#my-letters .list-group a").first.click()
        expect(citizen.locator(".reply")).to_contain_text("نشانی پروانه شما اصلاح شد.")
        self._check(citizen, "08-reply")
        with citizen.expect_download() as download:
            citizen.get_by_role("link", name="دریافت سند پاسخ (PDF)").click()
        saved = SHOTS / "reply.pdf"
        download.value.save_as(saved)
        self.assertTrue(saved.read_bytes().startswith(b"%PDF"))
        reply.refresh_from_db()
        self.assertIsNotNone(reply.first_downloaded_at)
