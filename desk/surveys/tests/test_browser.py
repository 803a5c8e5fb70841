"""A citizen answers the survey on a 360 px phone from the SMS link, without signing in; a
manager reads the results. Each page is checked with axe-core (WCAG 2.1 A/AA) at 360 and
1366 px, and photographed for review (test-artifacts/screenshots/surveys)."""

from __future__ import annotations

import datetime
import os
import re
import unittest
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings, tag
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.core.forms import check_document
from desk.notifications.models import OutboundMessage
from desk.submissions import services as submissions
from desk.surveys.models import FormKind, Invitation, Response, ServiceSurvey, SurveyForm
from desk.surveys.services import (
    forms_install,
    invitation_create,
    invitations_text,
    response_save,
)
from desk.test import (
    PDF_BYTES,
    DeskClient,
    create_agency,
    create_citizen,
    create_service,
    create_staff,
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
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots" / "surveys"


@tag("browser")
@unittest.skipUnless(HAVE_PLAYWRIGHT, "playwright is not installed")
@unittest.skipUnless(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}")
class SurveyBrowserTests(StaticLiveServerTestCase):
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
        forms_install()  # emptied by the previous live-server test
        takrim = SurveyForm.objects.get(kind=FormKind.TAKRIM)
        ServiceSurvey.objects.create(service=self.service, agency=self.agency, form=takrim)
        self.citizen = create_citizen()
        self.expert = create_staff(self.agency, "expert")
        self.manager = create_staff(self.agency, "manager", Role.MANAGER)

    def context_at(self, width: int) -> Page:
        # The axe run injects a script: the page's CSP is bypassed for the test only.
        context = self.browser.new_context(
            viewport={"width": width, "height": 780}, locale="fa-IR", bypass_csp=True
        )
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    def ended_request_link(self) -> str:
        upload = SimpleUploadedFile("deed.pdf", PDF_BYTES)
        check_document(upload)
        submission = submissions.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران"},
            files={"deed": upload},
            idempotency_key=uuid.uuid4(),
        )
        for action in ("start_review", "reject"):
            submissions.submission_transition(
                submission_id=submission.pk,
                actor=self.expert,
                action=action,
                message="مدرک مالکیت خوانا نیست.",
            )
        invitation_create(submission_id=submission.pk)  # if the subscriber has not yet
        invitations_text(now=timezone.now() + datetime.timedelta(hours=1))
        sms = OutboundMessage.objects.get(kind="survey_invitation")
        found = re.search(r"https?://\S+/s/[\w-]+/", sms.body)
        assert found is not None, sms.body
        return found.group(0)

    def check(self, page: Page, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        self.assertEqual(page.locator("html").get_attribute("dir"), "rtl")
        if not AXE.exists():
            self.skipTest("axe-core is not installed (npm ci)")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
                .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
        )
        self.assertEqual(violations, [], name)

    def test_a_citizen_answers_on_a_phone_from_the_sms_link(self) -> None:
        link = self.ended_request_link()
        page = self.context_at(360)
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_contain_text("نظر شما درباره")
        self.check(page, "360-01-start")
        page.get_by_role("link", name="شروع نظرسنجی").click()
        expect(page.locator("#progress")).to_contain_text("پرسش ۱ از ۱۷")
        page.get_by_role("button", name="ادامه").click()  # nothing chosen
        expect(page.locator(".error-summary")).to_contain_text("یکی از گزینه‌ها را انتخاب کنید")
        self.check(page, "360-02-error")
        for number in range(1, 17):
            options = page.locator(".survey-option label")
            if number == 6:
                options.filter(has_text="موردی نداشت").click()
            else:
                options.nth(number % 4).click()  # a spread of answers
            if number == 2:
                self.check(page, "360-03-question-chosen")
            page.locator("#next").click()
        page.get_by_label(re.compile("نکته یا پیشنهاد")).fill("صف نوبت شلوغ بود.")
        self.check(page, "360-04-free-text")
        page.locator("#next").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("بررسی کنید")
        self.check(page, "360-05-check")
        page.get_by_role("button", name="فرستادن نظر").click()
        expect(page.locator("#confirmation")).to_contain_text("نظر شما ثبت شد")
        self.check(page, "360-06-done")
        response = Response.objects.get()
        self.assertEqual(response.comment, "صف نوبت شلوغ بود.")
        self.assertEqual(response.answers.count(), 17)

    def test_the_survey_and_results_pages_pass_axe_on_a_desktop(self) -> None:
        link = self.ended_request_link()
        page = self.context_at(1366)
        page.goto(link)
        self.check(page, "1366-01-start")
        page.get_by_role("link", name="شروع نظرسنجی").click()
        page.locator(".survey-option label").first.click()
        self.check(page, "1366-02-question")
        # The citizen answered, so that the results have figures to show.
        token = link.rstrip("/").rsplit("/", 1)[-1]
        items = Invitation.objects.get(token=token).form_version.questions.all()
        response_save(
            token=token,
            answers={
                q.key: (2 if q.key == "connections" else 4) for q in items if q.kind == "scale"
            }
            | {"comment": "راهنمای پشت باجه خیلی کمک کرد."},
        )
        client = DeskClient()
        client.force_login(self.manager)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )
        page.goto(self.live_server_url + reverse("surveys:results"))
        expect(page.get_by_role("heading", level=1)).to_have_text("نتیجه نظرسنجی‌ها")
        self.check(page, "1366-03-results")
        phone = self.context_at(360)
        phone.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )
        phone.goto(self.live_server_url + reverse("surveys:results"))
        self.check(phone, "360-07-results")
