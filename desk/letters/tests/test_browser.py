"""A letter in a real browser: a citizen writes one (a mistake first, then check answers and
the confirmation), staff answer it, the citizen reads the reply and downloads its PDF. Each
page is checked with axe-core (WCAG 2.1 A/AA) at 360 and 1366 px, and photographed."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from desk.letters.models import Letter, LetterReply
from desk.test import (
    PDF_BYTES,
    create_agency,
    create_citizen,
    create_staff,
    isolate_cache,
)
from desk.tests.browser import BrowserTestCase, expect
from desk.workflow.models import Department


class LetterBrowserTests(BrowserTestCase):
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

    def test_a_citizen_writes_a_letter_staff_reply_and_the_citizen_reads_the_pdf(self) -> None:
        self.walk(self._letter_written_answered_and_read, "letters")

    def _letter_written_answered_and_read(self) -> None:
        page = self.page
        self.sign_in_as(self.citizen)
        self.go(reverse("submissions:my_requests"))
        page.get_by_role("link", name="نوشتن نامه به دستگاه").click()
        page.get_by_label("نامه به کدام دستگاه است؟").select_option(label=self.agency.name)
        page.get_by_label("متن نامه").fill("نشانی پروانه کسب من اشتباه ثبت شده است.")
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator(".error-summary")).to_contain_text("موضوع نامه را بنویسید.")
        expect(page.get_by_label("متن نامه")).to_have_value(
            "نشانی پروانه کسب من اشتباه ثبت شده است."
        )
        self.check("letters-01-write-error")
        page.get_by_label("موضوع نامه").fill("اصلاح نشانی در پروانه کسب")
        page.get_by_label("پیوست‌ها", exact=False).set_input_files(self.file("scan.pdf", PDF_BYTES))
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#check-answers")).to_contain_text("scan.pdf")
        self.check("letters-02-check")
        page.get_by_role("button", name="تأیید و فرستادن نامه").click()
        expect(page.locator("#letter-sent")).to_contain_text("نامه شما ثبت شد")
        letter = Letter.objects.get()
        expect(page.locator("#letter-number")).to_have_text(letter.number)
        self.check("letters-03-sent")

        self.sign_in_as(self.expert)
        self.go(reverse("letters:inbox"))
        self.check("letters-04-inbox")
        page.get_by_role("link", name=letter.number).click()
        self.check("letters-05-staff-letter")
        page.get_by_role("link", name="نوشتن پاسخ با شماره صادره").click()
        page.get_by_label("متن پاسخ به نویسنده").fill("نشانی پروانه شما اصلاح شد.")
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#reply-confirm")).to_be_visible()
        self.check("letters-06-reply-confirm")
        page.get_by_role("button", name="فرستادن پاسخ و گرفتن شماره").click()
        reply = LetterReply.objects.get()
        expect(page.locator(".reply")).to_contain_text(reply.number)

        self.sign_in_as(self.citizen)
        self.go(reverse("submissions:my_requests"))
        self.check("letters-07-my-requests")
        page.locator("#my-letters .list-group a").first.click()
        expect(page.locator(".reply")).to_contain_text("نشانی پروانه شما اصلاح شد.")
        self.check("letters-08-reply")
        with page.expect_download() as download:
            page.get_by_role("link", name="دریافت سند پاسخ (PDF)").click()
        saved = self.files / "reply.pdf"
        download.value.save_as(saved)
        self.assertTrue(saved.read_bytes().startswith(b"%PDF"))
        reply.refresh_from_db()
        self.assertIsNotNone(reply.first_downloaded_at)
