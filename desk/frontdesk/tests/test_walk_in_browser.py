"""A clerk serves a walk-in citizen end to end in Chromium: look-up, consent code read back,
the service's form with a scanned document (uploaded when chosen, kept through a form error),
check answers, and the printed receipt in both layouts (print media emulated; the PDF's page
size is the layout's). axe: 0 violations at 360 and 1366 px on every page; screenshots in
test-artifacts/pages/frontdesk-*."""

from __future__ import annotations

import re
import time

import pikepdf
from django.test import tag
from django.urls import reverse

from desk.lib.persian import to_ascii_digits
from desk.notifications.backends import MemoryBackend
from desk.submissions.models import Channel, StagedFile, Submission
from desk.test import PDF_BYTES, create_citizen, create_staff
from desk.tests.browser import SHOTS, STAFF_PASSWORD, expect
from desk.tests.test_accessibility import BrowserWalkCase

# A5 and 80 mm in PDF points (1 mm = 72 / 25.4 pt).
A5_POINTS = (419.5, 595.3)
THERMAL_WIDTH_POINTS = 80 * 72 / 25.4


@tag("browser")
class WalkInTests(BrowserWalkCase):
    def test_a_clerk_serves_a_walk_in_citizen_end_to_end(self) -> None:
        self.walk(self._walk, "frontdesk")

    def consent_code(self) -> str:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for sms in reversed(MemoryBackend.outbox):
                found = re.search(r"[۰-۹0-9]{6}", sms["body"])
                if found and "میز خدمت" in sms["body"] and "متصدی" in sms["body"]:
                    return to_ascii_digits(found.group(0))
            time.sleep(0.05)
        self.fail("no consent SMS")

    def _walk(self) -> None:
        page = self.page
        citizen = create_citizen()
        clerk = create_staff(self.agency, "clerk", "clerk")
        self.go(reverse("accounts:staff_login"))
        page.get_by_label("نام کاربری").fill(clerk.username)
        page.get_by_label("گذرواژه").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="ورود", exact=True).click()
        page.wait_for_url("**" + reverse("submissions:inbox"))
        page.locator(".site-menu summary").click()
        page.locator(".site-menu").get_by_role("link", name="میز خدمت حضوری").click()
        page.wait_for_url("**" + reverse("frontdesk:home"))
        self.check("frontdesk-home")

        # Look-up: a typo first, then the right code.
        page.get_by_label("کد ملی شهروند").fill("۰۰۸۴۵۷۵۹۴۹")
        page.get_by_role("button", name="یافتن").click()
        expect(page.locator(".error-summary")).to_be_visible()
        self.check("frontdesk-lookup-error")
        page.get_by_label("کد ملی شهروند").fill("۰۰۸۴۵۷۵۹۴۸")
        page.get_by_role("button", name="یافتن").click()
        expect(page.locator("#citizen")).to_contain_text("مریم رضایی")
        self.check("frontdesk-citizen")

        # Consent: the code goes to the citizen's phone; a wrong read-back is refused.
        page.get_by_role("button", name="فرستادن کد رضایت").click()
        page.wait_for_url("**" + reverse("frontdesk:consent"))
        self.check("frontdesk-consent")
        code = self.consent_code()
        page.get_by_label("کدی که شهروند می‌خواند").fill("000000" if code != "000000" else "1")
        page.get_by_role("button", name="تأیید رضایت").click()
        expect(page.locator(".error-summary")).to_contain_text("کد درست نیست")
        self.check("frontdesk-consent-wrong")
        page.get_by_label("کدی که شهروند می‌خواند").fill(code)
        page.get_by_role("button", name="تأیید رضایت").click()
        expect(page.locator("#consent")).to_contain_text("رضایت تأیید شد")
        self.check("frontdesk-consented")

        # The service's own form: the scanned deed uploads as soon as it is chosen (staged as
        # the clerk's, for this citizen) and stays chosen through a form error.
        page.get_by_role("link", name=self.service.title).click()
        expect(page.locator("h1")).to_contain_text("ثبت درخواست برای شهروند")
        self.check("frontdesk-apply")
        page.get_by_label("تصویر سند").set_input_files(self.file("scan.pdf", PDF_BYTES))
        expect(page.locator("#id_deed_staged")).to_contain_text("پرونده انتخاب‌شده: scan.pdf")
        expect(page.get_by_role("button", name="حذف این پرونده")).to_be_visible()
        staged = StagedFile.objects.get()
        self.assertEqual((staged.owner, staged.acting_for), (clerk, citizen.national_code))
        self.check("frontdesk-apply-file-staged")
        page.get_by_role("button", name="ادامه", exact=True).click()
        expect(page.locator(".error-summary")).to_contain_text("«نشانی ملک» را وارد کنید.")
        expect(page.locator("#id_deed_staged")).to_contain_text("scan.pdf")
        self.check("frontdesk-apply-error-file-kept")
        page.get_by_label("نشانی ملک").fill("تهران، خیابان آزادی، پلاک ۱۲")
        page.get_by_role("button", name="ادامه", exact=True).click()
        expect(page.locator("#check-answers")).to_contain_text("scan.pdf")
        self.check("frontdesk-check")
        page.get_by_role("button", name="ثبت درخواست به نام شهروند").click()
        expect(page.locator("#tracking-code")).to_be_visible()
        self.check("frontdesk-receipt")

        submission = Submission.objects.get()
        self.assertEqual(submission.applicant, citizen)
        self.assertEqual((submission.channel, submission.filed_by), (Channel.DESK, clerk))
        self.assertEqual(submission.attachments.get().original_name, "scan.pdf")
        self.assertFalse(StagedFile.objects.exists(), "the filing claimed the staged scan")
        shown = to_ascii_digits(page.locator("#tracking-code").inner_text()).replace("-", "")
        self.assertEqual(shown, submission.tracking_code)

        # Printed: the page's chrome is gone, the receipt fills an A5 page; then the roll.
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.get_by_role("button", name="چاپ رسید")).to_be_hidden()
        expect(page.locator("#tracking-code")).to_be_visible()
        page.screenshot(path=str(SHOTS / "frontdesk-receipt-print-a5.png"), full_page=True)
        self.assert_page_size(page.pdf(prefer_css_page_size=True), A5_POINTS)
        page.emulate_media(media="screen")
        page.get_by_role("link", name="چاپگر حرارتی ۸۰ میلی‌متری").click()
        expect(page.locator("#receipt")).to_have_class(re.compile("desk-receipt--thermal"))
        self.check("frontdesk-receipt-thermal")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 302, "height": 800})
        page.screenshot(path=str(SHOTS / "frontdesk-receipt-print-80mm.png"), full_page=True)
        pdf = page.pdf(prefer_css_page_size=True)
        width = self.page_boxes(pdf)[0][0]
        self.assertAlmostEqual(width, THERMAL_WIDTH_POINTS, delta=1.5)

    def page_boxes(self, pdf: bytes) -> list[tuple[float, float]]:
        path = self.files / "printed.pdf"
        path.write_bytes(pdf)
        with pikepdf.open(path) as document:
            boxes = [[float(v) for v in p.mediabox] for p in document.pages]
        return [(b[2] - b[0], b[3] - b[1]) for b in boxes]

    def assert_page_size(self, pdf: bytes, size: tuple[float, float]) -> None:
        boxes = self.page_boxes(pdf)
        self.assertEqual(len(boxes), 1, "the receipt prints on one page")
        self.assertAlmostEqual(boxes[0][0], size[0], delta=1.5)
        self.assertAlmostEqual(boxes[0][1], size[1], delta=1.5)
