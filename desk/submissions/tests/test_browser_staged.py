"""Choosing a document in a real browser: it uploads as soon as it is chosen (htmx), «continue»
waits for it (disabled while it uploads), it stays chosen through a form error, and the
request is filed with it. axe-core (WCAG 2.1 A/AA) at
360 and 1366 px on every page of the walk; no JavaScript error, no CSP violation."""

from __future__ import annotations

import re
import threading
from typing import Any
from unittest import mock

from django.urls import reverse

from desk.submissions import drafts
from desk.submissions.models import StagedFile, Submission
from desk.test import PDF_BYTES, create_agency, create_citizen, create_service, isolate_cache
from desk.tests.browser import BrowserTestCase, expect


class StagedUploadBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        isolate_cache()
        self.service = create_service(create_agency())
        self.citizen = create_citizen()

    def test_a_chosen_file_survives_a_form_error_and_is_filed_with_the_request(self) -> None:
        self.walk(self._walk, "staged-upload")
        submission = Submission.objects.get()
        self.assertEqual(submission.attachments.get().original_name, "sanad.pdf")
        self.assertFalse(StagedFile.objects.exists())

    def _walk(self) -> None:
        page = self.page
        self.sign_in_as(self.citizen)
        self.go(reverse("submissions:apply", args=[self.service.slug]))
        # The upload's answer held back by the server: while it is on its way, «continue»
        # cannot be pressed (it would post the form without the document).
        answer = threading.Event()
        choose = drafts.staged_choose

        def held(*args: Any, **kwargs: Any) -> Any:
            answer.wait(timeout=60)
            return choose(*args, **kwargs)

        continue_button = page.get_by_role("button", name="ادامه")
        with mock.patch.object(drafts, "staged_choose", held):
            page.set_input_files("#id_deed", self.file("sanad.pdf", PDF_BYTES))
            expect(continue_button).to_be_disabled()
            answer.set()
            staged = page.locator("#id_deed_staged")
            expect(staged).to_contain_text("پرونده انتخاب‌شده: sanad.pdf")
        expect(continue_button).to_be_enabled()
        expect(page.get_by_role("button", name="حذف این پرونده")).to_be_visible()
        self.assertEqual(StagedFile.objects.count(), 1)
        self.check("apply-file-staged")
        # «انتخاب پرونده دیگر» and a wrong file: refused, the file chosen before still chosen.
        page.set_input_files("#id_deed", self.file("notes.pdf", b"just some text"))
        expect(page.locator("#field-deed")).to_contain_text("فقط پرونده PDF")
        expect(page.locator("#id_deed_staged")).to_contain_text("پرونده انتخاب‌شده: sanad.pdf")
        self.assertEqual(StagedFile.objects.count(), 1)
        # «ادامه» without the address: an error, and the file is still chosen.
        page.get_by_role("button", name="ادامه").click()
        expect(page).to_have_title("خطا: درخواست صدور پروانه ساختمانی | میز خدمت")
        expect(page.locator(".error-summary")).to_contain_text("«نشانی ملک» را وارد کنید.")
        expect(page.locator("#id_deed_staged")).to_contain_text("sanad.pdf")
        self.check("apply-error-file-kept")
        page.get_by_label("نشانی ملک").fill("تهران، خیابان آزادی")
        page.get_by_role("button", name="ادامه").click()
        expect(page.locator("#check-answers")).to_contain_text("sanad.pdf")
        self.check("apply-check-staged")
        page.get_by_role("button", name="تأیید و ثبت درخواست").click()
        expect(page).to_have_url(re.compile(r"/receipt/$"))
