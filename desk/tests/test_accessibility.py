"""Accessibility as a test: walks of a citizen and a clerk in Chromium, with axe-core (from
node_modules, the npm package in package.json) run on every page they reach at 360 px and
1366 px: no WCAG 2.1 A/AA violation, no sideways scrolling. Screenshots of each page at both
widths go to test-artifacts/pages/ (kept by CI).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from desk.notifications.backends import MemoryBackend
from desk.submissions import services
from desk.submissions.models import Status, Submission
from desk.test import PDF_BYTES, create_agency, create_citizen, create_service, create_staff
from desk.tests.browser import STAFF_PASSWORD, BrowserTestCase, expect

RESULT_BYTES = PDF_BYTES + b"%the-permit\n"


class BrowserWalkCase(BrowserTestCase):
    """The walks' shared setup: an agency, its building-permit service and an expert (the
    browser base itself is desk/tests/browser.py)."""

    def setUp(self) -> None:
        super().setUp()
        self.agency = create_agency()
        self.service = create_service(self.agency)
        self.expert = create_staff(self.agency, "expert")


class AccessibleWalkTests(BrowserWalkCase):
    # --- a citizen: two mistakes, check answers, asked for more, SMS link, the result ---------

    def test_a_citizen_fixes_two_mistakes_answers_by_the_sms_link_and_gets_the_result(
        self,
    ) -> None:
        self.walk(self._citizen_walk, "citizen")

    def _citizen_walk(self) -> None:
        page = self.page
        citizen = create_citizen()
        citizen.first_name, citizen.last_name = "مریم", "رضایی"
        citizen.save()
        self.sign_in_as(citizen)
        self.go("/")
        self.check("home")
        # The search, with results and with none (the notice naming the words).
        self.go(reverse("catalog:service_list") + "?q=" + quote("پروانه"))
        self.check("search-results")
        self.go(reverse("catalog:service_list") + "?q=" + quote("گواهینامه خلبانی"))
        expect(page.locator("#results")).to_contain_text("خدمتی برای «گواهینامه خلبانی» پیدا نشد")
        self.check("search-nothing-found")
        # An agency with no online service: what it is not, and where to go instead.
        body = create_agency("سازمان بازرسی نمونه", "sample-inspection")
        self.go(reverse("catalog:agency_detail", args=[body.slug]))
        expect(page.locator("main")).to_contain_text("خدمتی برای درخواست برخط در این سامانه ندارد")
        self.check("agency-without-services")
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
        # As a person does: the page says the file is kept before «continue» is pressed (a
        # press while it uploads races the upload's answer: see issue 19's note).
        expect(page.locator("#field-deed .staged-name")).to_contain_text("sanad.pdf")
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
        self.walk(self._clerk_walk, "clerk")

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
