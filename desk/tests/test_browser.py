"""The whole path in a real browser: find a service, sign in by SMS, apply, process, track.

On desk/tests/browser.py's base (Chromium through Playwright against a live server; skipped
when either is missing). Screenshots of the key pages go to test-artifacts/pages/ (phone
width for the citizen, desktop width for staff).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts.models import User
from desk.accounts.two_factor import has_two_factor
from desk.lib.persian import to_ascii_digits
from desk.notifications.backends import MemoryBackend
from desk.submissions.models import Status, Submission
from desk.test import (
    PDF_BYTES,
    create_agency,
    create_service,
    create_staff,
    create_totp_device,
    totp_code,
)
from desk.tests.browser import STAFF_PASSWORD, BrowserTestCase, expect

if TYPE_CHECKING:
    from playwright.sync_api import Response, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
NATIONAL_CODE_FA = "۰۰۸۴۵۷۵۹۴۸"
MOBILE_FA = "۰۹۱۲۱۲۳۴۵۶۷"
# Distinct from the citizen's upload, so the download proves it is the staff's result.
RESULT_BYTES = PDF_BYTES + b"%result-of-the-request\n"
GREGORIAN_YEAR = re.compile(r"\b20[1-4]\d\b")


def _staff_link(code: str) -> str:
    """The selector of an inbox row's link to a request."""
    return f"a[href='{reverse('submissions:staff_request', args=[code])}']"


class BrowserWalkTests(BrowserTestCase):
    viewport_width = PHONE["width"]

    def setUp(self) -> None:
        super().setUp()
        self.page.set_viewport_size(PHONE)
        self.agency = create_agency()
        self.service = create_service(self.agency)
        self.expert = create_staff(self.agency, "expert")
        self.failed_requests: list[str] = []
        self.page.on("response", self._on_response)

    # --- helpers ------------------------------------------------------------------------------

    def _on_response(self, response: Response) -> None:
        # No favicon is part of the app; every other failing request is a broken page.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.failed_requests.append(f"{response.status} {response.url}")

    def _sign_out(self) -> None:
        page = self.page
        # The sign-out form is submitted directly: at phone width it sits in the collapsed menu,
        # and waiting for the menu's animation raced on a loaded CI machine.
        with page.expect_navigation():
            page.locator(f".site-bar form[action='{reverse('accounts:logout')}']").evaluate(
                "f => f.requestSubmit()"
            )
        page.wait_for_url(self.live_server_url + "/")
        # At phone width the menu is collapsed again, so look for the links, not their pixels.
        expect(
            page.locator(f".site-bar a[href='{reverse('accounts:citizen_login')}']")
        ).to_have_count(1)
        expect(
            page.locator(f".site-bar form[action='{reverse('accounts:logout')}']")
        ).to_have_count(0)

    def _assert_no_gregorian_year(self) -> None:
        text = self.page.locator("body").inner_text()
        self.assertIsNone(GREGORIAN_YEAR.search(text), f"Gregorian year on {self.page.url}")

    # --- the walk -----------------------------------------------------------------------------

    def test_it_walks_from_search_to_downloaded_result(self) -> None:
        self.walk(self._walk, "walk")

    def _walk(self) -> None:
        page = self.page

        # Home: right-to-left Persian page; search written with the Arabic yeh (ي).
        self.go("/")
        self.assertEqual(page.evaluate("document.documentElement.dir"), "rtl")
        self.assertEqual(page.evaluate("document.documentElement.lang"), "fa")
        # Bootstrap (RTL build) and the Vazirmatn font come from node_modules via staticfiles.
        self.assertEqual(page.evaluate("getComputedStyle(document.body).display"), "flex")
        vazirmatn = page.evaluate(
            "document.fonts.ready.then(() => [...document.fonts].some("
            "f => f.family.includes('Vazirmatn') && f.status === 'loaded'))"
        )
        self.assertTrue(vazirmatn, "the Vazirmatn font did not load")
        expect(page.locator("h1")).to_have_text("میز خدمت الکترونیکی")
        # Search as you type (htmx), in either letter form, straight from the home page.
        search = page.locator("#q")
        search.fill("انشعاب برق")
        expect(page.locator("#results")).to_contain_text("خدمتی برای «انشعاب برق» پیدا نشد")
        search.fill("پروانه ساختماني")
        result = page.locator("#results a", has_text="صدور پروانه ساختمانی")
        expect(result).to_be_visible()
        expect(page.locator("#results")).to_have_count(1)  # swapped, not nested
        self.shot("01-home-search-phone")

        # Service card.
        result.click()
        page.wait_for_url("**" + reverse("catalog:service_detail", args=[self.service.slug]))
        expect(page.locator("h1")).to_have_text("صدور پروانه ساختمانی")
        for section in ("#steps", "#documents", "#regulations", "#faq", "#responsible"):
            expect(page.locator(section)).to_be_visible()
        expect(page.locator("#complaints")).to_contain_text("سامانه ۱۱۱")
        expect(page.locator("#responsible")).to_contain_text("مهندس احمدی")
        self._assert_no_gregorian_year()
        self.shot("02-service-phone")

        # Applying needs a citizen: SMS sign-in, typed with Persian digits.
        page.get_by_role("link", name="ثبت درخواست برخط").click()
        page.wait_for_url(re.compile(re.escape(reverse("accounts:citizen_login")) + r"\?next="))
        page.get_by_label("کد ملی").fill(NATIONAL_CODE_FA)
        page.get_by_label("تلفن همراه").fill(MOBILE_FA)
        self.shot("03-citizen-login-phone")
        page.get_by_role("button", name="دریافت کد ورود").click()
        page.wait_for_url("**" + reverse("accounts:citizen_verify"))
        expect(page.locator("main")).to_contain_text("۰۹۱۲۱۲۳۴۵۶۷")
        page.get_by_label("کد پیامک‌شده").fill(self.sms_code())
        page.get_by_role("button", name="ورود", exact=True).click()
        # First sign-in: the citizen gives their name once, then goes on to the form.
        page.wait_for_url("**" + reverse("accounts:profile") + "**")
        page.locator("#id_first_name").fill("مریم")
        page.locator("#id_last_name").fill("رضایی")
        page.get_by_role("button", name="ثبت و ادامه").click()

        # Back on the service's form.
        page.wait_for_url("**" + reverse("submissions:apply", args=[self.service.slug]))
        expect(page.locator("main")).to_contain_text("نام شما ثبت شد")
        expect(page.locator("h1")).to_contain_text("ثبت درخواست: صدور پروانه ساختمانی")
        page.get_by_label("نشانی ملک").fill("تهران، خیابان آزادی، پلاک ۱۲")
        page.get_by_label("تصویر سند").set_input_files(self.file("deed.pdf", PDF_BYTES))
        # With JavaScript the document is staged as soon as it is chosen: wait for its name.
        expect(page.locator("main")).to_contain_text("پرونده انتخاب‌شده")
        self.shot("04-apply-phone")
        page.get_by_role("button", name="ادامه", exact=True).click()
        # Check your answers, then send.
        page.wait_for_url("**" + reverse("submissions:apply_check", args=[self.service.slug]))
        expect(page.locator("#check-answers")).to_contain_text("deed.pdf")
        page.get_by_role("button", name="تأیید و ثبت درخواست").click()

        # Receipt: tracking code and a Jalali promised date, all in Persian digits.
        page.wait_for_url(
            re.compile(re.escape(reverse("submissions:my_requests")) + r"\d+/receipt/$")
        )
        submission = Submission.objects.get()
        self.assertEqual(submission.applicant_national_code, "0084575948")
        self.assertEqual(submission.applicant_name, "مریم رضایی")
        self.assertEqual(submission.data["address"], "تهران، خیابان آزادی، پلاک 12")
        shown_code = page.locator("#tracking-code").inner_text().strip()
        self.assertEqual(to_ascii_digits(shown_code).replace("-", ""), submission.tracking_code)
        self.assertNotRegex(shown_code, r"[0-9]")
        due = page.locator("#due-date").inner_text()
        self.assertRegex(due, r"۱۴[۰-۹]{2}")
        self.assertNotRegex(due, r"[0-9]")
        expect(page.locator(".receipt")).to_contain_text("ثبت‌شده، در انتظار بررسی")
        self.assertNotRegex(" ".join(page.locator(".receipt dl").all_inner_texts()), r"[0-9]")
        self._assert_no_gregorian_year()
        self.shot("05-receipt-phone")
        self._sign_out()

        # Staff: password sign-in, the inbox, review and complete with a result file.
        page.set_viewport_size(DESKTOP)
        self.go(reverse("accounts:staff_login"))
        page.get_by_label("نام کاربری").fill("expert")
        page.get_by_label("گذرواژه").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="ورود", exact=True).click()
        page.wait_for_url("**" + reverse("submissions:inbox"))
        row_link = page.locator(_staff_link(submission.tracking_code))
        expect(row_link).to_have_count(1)
        expect(page.locator("tbody tr", has=row_link)).to_contain_text("صدور پروانه ساختمانی")
        self.shot("06-inbox-desktop")
        row_link.click()
        page.wait_for_url(
            "**" + reverse("submissions:staff_request", args=[submission.tracking_code])
        )
        expect(page.locator("main")).to_contain_text("تهران، خیابان آزادی")
        expect(page.locator("main")).to_contain_text("deed.pdf")

        page.locator("button[name=do][value=start_review]").click()
        expect(page.locator(".alert-success")).to_contain_text("اقدام ثبت شد")
        expect(page.locator("main .status-in_review").first).to_be_visible()
        page.locator("#files-complete").set_input_files(self.file("result.pdf", RESULT_BYTES))
        page.locator("#confirm-complete").check()  # completing is confirmed by a tick
        page.locator("button[name=do][value=complete]").click()
        expect(page.locator(".alert-success")).to_contain_text("اقدام ثبت شد")
        expect(page.locator("main .status-completed").first).to_have_text("انجام‌شده")
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.COMPLETED)
        self.shot("07-staff-request-desktop")
        self._sign_out()

        # Anyone with the code and the national code follows it and downloads the result.
        page.set_viewport_size(PHONE)
        self.go(reverse("submissions:track"))
        page.get_by_label("کد رهگیری").fill(shown_code)
        page.get_by_label("کد ملی متقاضی").fill(NATIONAL_CODE_FA)
        page.get_by_role("button", name="پیگیری", exact=True).click()
        track = page.locator("#track-result")
        expect(track).to_contain_text("انجام‌شده")
        expect(track).to_contain_text("صدور پروانه ساختمانی")
        self.assertNotRegex(track.inner_text(), r"[0-9]")
        self._assert_no_gregorian_year()
        self.shot("08-track-result-phone")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="دریافت نتیجه صدور پروانه ساختمانی").click()
        download = download_info.value
        # Saved under a name the server chose (tracking code, kind, id), not the uploader's.
        self.assertRegex(download.suggested_filename, r"^\d+-result-[0-9a-f]{8}\.pdf$")
        self.assertEqual(Path(download.path()).read_bytes(), RESULT_BYTES)

        self.assertTrue(any("انجام شد" in sms["body"] for sms in MemoryBackend.outbox))
        self.assertEqual(self.console_errors, [])
        self.assertEqual(self.failed_requests, [])

    # --- two departments and the verification page ----------------------------------------------

    def _staff_sign_in(self, username: str) -> None:
        self.go(reverse("accounts:staff_login"))
        self.page.get_by_label("نام کاربری").fill(username)
        self.page.get_by_label("گذرواژه").fill(STAFF_PASSWORD)
        self.page.get_by_role("button", name="ورود", exact=True).click()
        user = User.objects.get(username=username)
        if has_two_factor(user):
            self.page.wait_for_url("**" + reverse("accounts:staff_verify") + "**")
            device = TOTPDevice.objects.get(user=user)
            self.page.get_by_label("کد برنامه احراز هویت").fill(totp_code(device))
            self.page.get_by_role("button", name="ورود", exact=True).click()
        self.page.wait_for_url("**" + reverse("submissions:inbox"))

    def _take(self, username: str, code: str, action: str, result: bytes | None = None) -> None:
        """Sign in as `username`, find the request in the inbox, take one action, sign out."""
        page = self.page
        self._staff_sign_in(username)
        link = page.locator(_staff_link(code))
        expect(link).to_have_count(1)  # routed to this person's department
        link.click()
        if result is not None:
            page.locator(f"#files-{action}").set_input_files(self.file("permit.pdf", result))
        if action == "complete":
            page.locator(f"#confirm-{action}").check()
        page.locator(f"button[name=do][value={action}]").click()
        expect(page.locator(".alert-success")).to_contain_text("اقدام ثبت شد")
        self._sign_out()

    def test_it_moves_a_request_through_departments_and_verifies_its_pdf(self) -> None:
        self.walk(self._departments_walk, "departments_walk")

    def _departments_walk(self) -> None:
        from desk.agencies.models import Role
        from desk.submissions.services import submission_create
        from desk.test import create_citizen, define_permit_workflow, give_position

        define_permit_workflow(self.service)
        intake = create_staff(self.agency, "intake")
        give_position(intake, "پذیرش")
        engineer = create_staff(self.agency, "engineer")
        give_position(engineer, "فنی")
        cashier = create_staff(self.agency, "cashier")
        give_position(cashier, "درآمد")
        # A manager must use two-factor sign-in: the app's code is typed after the password.
        create_totp_device(create_staff(self.agency, "boss", Role.MANAGER))
        deed = self.file("deed.pdf", PDF_BYTES)
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("deed.pdf", Path(deed).read_bytes())
        upload.sniffed_type = "application/pdf"  # type: ignore[attr-defined]
        submission = submission_create(
            service=self.service,
            applicant=create_citizen(),
            answers={"address": "تهران، خیابان آزادی"},
            files={"deed": upload},
            idempotency_key=uuid.uuid4(),
        )
        code = submission.tracking_code
        page = self.page
        page.set_viewport_size(DESKTOP)

        # The engineer sees nothing until intake (another department) has accepted it.
        self._staff_sign_in("engineer")
        expect(page.locator(_staff_link(code))).to_have_count(0)
        self._sign_out()
        self._take("intake", code, "accept")
        self._take("engineer", code, "approve")
        self._take("cashier", code, "confirm_payment")
        self._take("boss", code, "complete", result=RESULT_BYTES)
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.COMPLETED)
        self.assertEqual(
            list(
                submission.events.exclude(step=None)
                .order_by("pk")
                .values_list("step__key", flat=True)
            ),
            ["intake", "technical", "payment", "decision", "done"],
        )

        # The citizen's side: the tracking page offers the verifiable PDF.
        page.set_viewport_size(PHONE)
        self.go(reverse("submissions:track"))
        page.get_by_label("کد رهگیری").fill(code)
        page.get_by_label("کد ملی متقاضی").fill(NATIONAL_CODE_FA)
        page.get_by_role("button", name="پیگیری", exact=True).click()
        documents = page.locator("#issued-documents")
        expect(documents).to_contain_text("کد صحت‌سنجی")
        with page.expect_download() as download_info:
            documents.get_by_role("link", name=re.compile("PDF")).click()
        pdf = Path(download_info.value.path()).read_bytes()
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.shot("09-track-documents-phone")

        link = documents.get_by_role("link", name=re.compile("PDF")).get_attribute("href") or ""

        # Verification: the genuine file passes, one changed byte fails.
        documents.get_by_role("link", name="صفحه صحت‌سنجی").click()
        page.wait_for_url("**" + reverse("delivery:verify") + "**")
        page.locator("input[type=file]").set_input_files(self.file("doc.pdf", pdf))
        page.get_by_role("button", name="مقایسه با سند صادرشده").click()
        expect(page.locator("#verify-genuine")).to_be_visible()
        self.shot("10-verify-genuine-phone")
        tampered = bytearray(pdf)
        tampered[len(tampered) // 2] ^= 1
        page.go_back()
        page.reload()
        page.locator("input[type=file]").set_input_files(self.file("doc2.pdf", bytes(tampered)))
        page.get_by_role("button", name="مقایسه با سند صادرشده").click()
        expect(page.locator("#verify-altered")).to_be_visible()
        self._assert_no_gregorian_year()

        # The download link with its proof changed opens nothing: a page that says so and leads
        # back to the lookup (desk/submissions/proofs.py), checked at each width with axe.
        self.assertIn("proof=", link)
        self.go(link[:-3] + ("bbb" if link.endswith("aaa") else "aaa"))
        expect(page.get_by_role("heading", level=1)).to_have_text("این پیوند دریافت درست نیست")
        expect(page.locator("main").get_by_role("link", name="پیگیری کنید")).to_be_visible()
        self.check("09b-download-refused")
        self.assertEqual(self.console_errors, [])

    # --- an appointment: booked on a phone, moved, checked in at the desk ------------------------

    def test_it_books_reschedules_and_checks_in_an_appointment(self) -> None:
        self.walk(self._appointment_walk, "appointment_walk")

    def _appointment_walk(self) -> None:
        import datetime
        from unittest import mock

        from django.test import Client

        from desk.appointments.models import (
            Appointment,
            AppointmentStatus,
            Office,
            SlotTemplate,
            Weekday,
        )
        from desk.lib.jalali import TEHRAN
        from desk.test import create_citizen

        # A fixed working Sunday, 1404/03/11 09:00 in Tehran: the live server runs in this
        # process, so the clock is the same for the pages and for the test.
        now = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=TEHRAN)
        clock = mock.patch("django.utils.timezone.now", return_value=now)
        clock.start()
        self.addCleanup(clock.stop)
        self.service.in_person_visits = 1
        self.service.save(update_fields=["in_person_visits"])
        office = Office.objects.create(
            agency=self.agency,
            name="دفتر مرکزی",
            address="تهران، خیابان انقلاب، پلاک ۱۰",
            phone="021-88001122",
        )
        for weekday in Weekday:
            SlotTemplate.objects.create(
                office=office,
                service=self.service,
                weekday=weekday.value,
                starts_at=datetime.time(8, 0),
                ends_at=datetime.time(11, 0),
                slot_minutes=30,
                capacity=2,
            )
        citizen = create_citizen()
        client = Client()
        client.force_login(citizen)
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.live_server_url,
                }
            ]
        )
        page = self.page

        # Phone: from the service card to a slot on Monday, one tap.
        self.go(reverse("catalog:service_detail", args=[self.service.slug]))
        page.get_by_role("link", name="دریافت نوبت حضوری").click()
        page.wait_for_url("**" + reverse("appointments:book", args=[self.service.slug]))
        expect(page.locator("main")).to_contain_text("یکشنبه ۱۱ خرداد ۱۴۰۴")
        expect(page.locator("main")).to_contain_text("در مهلت سه روز کاری")
        self._assert_no_gregorian_year()
        self.shot("20-appointment-book-phone")
        page.get_by_role("button", name="دوشنبه ۱۲ خرداد ۱۴۰۴ ساعت ۰۸:۳۰").click()
        # The tap asks first: when, where, what happens next; the booking is confirmed.
        expect(page.locator("#confirm-when")).to_have_text("دوشنبه ۱۲ خرداد ۱۴۰۴ ساعت ۰۸:۳۰")
        page.get_by_role("button", name="تأیید و ثبت نوبت").click()
        page.wait_for_url(re.compile(re.escape(reverse("appointments:mine")) + r"\d{12}/$"))
        expect(page.locator("#when")).to_have_text("دوشنبه ۱۲ خرداد ۱۴۰۴، ساعت ۰۸:۳۰")
        first = Appointment.objects.get()
        self.assertNotRegex(page.locator("#booking-code").inner_text(), r"[0-9]")
        self.shot("21-appointment-booked-phone")

        # Move it to today, 10:00, from «my appointments».
        self.go(reverse("appointments:mine"))
        page.get_by_role("link", name="جابه‌جایی").click()
        expect(page.locator("#current-appointment")).to_contain_text("۱۴۰۴/۰۳/۱۲ ساعت ۰۸:۳۰")
        page.get_by_role("button", name="یکشنبه ۱۱ خرداد ۱۴۰۴ ساعت ۱۰:۰۰").click()
        expect(page.locator("#consequence")).to_contain_text("لغو می‌شود")
        page.get_by_role("button", name="تأیید و ثبت نوبت").click()
        page.wait_for_url(re.compile(re.escape(reverse("appointments:mine")) + r"\d{12}/$"))
        expect(page.locator("#when")).to_have_text("یکشنبه ۱۱ خرداد ۱۴۰۴، ساعت ۱۰:۰۰")
        moved = Appointment.objects.get(status=AppointmentStatus.BOOKED)
        self.assertEqual(moved.rescheduled_from, first)
        self.assertTrue(any("جابه‌جا شد" in sms["body"] for sms in MemoryBackend.outbox))
        self._sign_out()

        # Desktop: the clerk finds it by the national code typed in Persian and checks it in.
        page.set_viewport_size(DESKTOP)
        self._staff_sign_in("expert")
        self.go(reverse("appointments:desk"))
        expect(page.locator("#today")).to_contain_text(self.service.title)
        page.get_by_label("کد نوبت یا کد ملی").fill(NATIONAL_CODE_FA)
        page.get_by_role("button", name="جست‌وجو").click()
        found = page.locator("#found")
        expect(found).to_contain_text("۱۴۰۴/۰۳/۱۱ ساعت ۱۰:۰۰")
        self.shot("22-appointment-desk-desktop")
        found.get_by_role("button", name="ثبت حضور").click()
        expect(page.locator(".alert-success")).to_contain_text("شماره صف: ۱")
        moved.refresh_from_db()
        self.assertEqual((moved.status, moved.queue_number), (AppointmentStatus.CHECKED_IN, 1))
        self._assert_no_gregorian_year()
        self.shot("23-appointment-checked-in-desktop")
        self.assertEqual(self.console_errors, [])
        self.assertEqual(self.failed_requests, [])
