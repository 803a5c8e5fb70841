"""The answer's documents across the answer form's errors: a document that passed its checks
is kept (the staff member's, for this inquiry, expiring) and never asked for again."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from desk.inquiries.models import Inquiry, StagedAnswerFile, State
from desk.inquiries.staging import answer_files_sweep
from desk.test import PDF_BYTES

from .base import InquiryTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

KEPT = "پیوست شده است"


def pdf(name: str = "answer.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def not_a_document(name: str = "virus.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 not a document", content_type="application/pdf")


def kept_references(page: Response) -> list[str]:
    html = page.content.decode()
    return re.findall(r'name="documents__staged" value="([0-9a-f-]+)"', html)


class AnswerFilesTests(InquiryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rule(self.other_agency)
        self.submission = self.at_inquiry()
        self.inquiry = Inquiry.objects.get(submission=self.submission)
        self.url = reverse("inquiries:respond", args=[self.inquiry.public_id])
        self.client.force_login(self.outsider)

    def answer(self, client: Client | None = None, **data: object) -> Response:
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(self.url, data)

    def test_an_answer_with_an_error_keeps_the_chosen_file_and_says_so(self) -> None:
        page = self.answer(answer=" ", documents=[pdf("gas-debt.pdf")])
        self.assertContains(page, "متن پاسخ را بنویسید.", status_code=400)
        self.assertContains(page, KEPT, status_code=400)
        self.assertContains(page, "gas-debt.pdf", status_code=400)
        self.assertContains(page, "انتخاب پرونده دیگر", status_code=400)
        self.assertNotContains(page, "اگر پرونده‌ای انتخاب کرده بودید", status_code=400)
        [reference] = kept_references(page)
        # Sent again with the text only: the kept file goes with the answer.
        done = self.answer(answer="بدهی ندارد.", documents__staged=reference)
        self.assertRedirects(done, self.url)
        self.inquiry.refresh_from_db()
        self.assertEqual(self.inquiry.state, State.ANSWERED)
        file = self.inquiry.files.get()
        self.assertEqual((file.original_name, file.uploaded_by), ("gas-debt.pdf", self.outsider))
        with file.file.open("rb") as stored:
            self.assertEqual(stored.read(), PDF_BYTES)
        self.assertFalse(StagedAnswerFile.objects.exists())

    def test_what_was_typed_is_kept_with_a_refused_file_and_the_accepted_one(self) -> None:
        page = self.answer(
            answer="بدهی ندارد.", documents=[pdf("receipt.pdf"), not_a_document("bad.pdf")]
        )
        self.assertContains(page, "بدهی ندارد.", status_code=400)
        self.assertContains(page, "پرونده «\u2068bad.pdf\u2069» پذیرفته نشد", status_code=400)
        self.assertContains(page, "receipt.pdf", status_code=400)
        self.assertContains(page, KEPT, status_code=400)
        self.assertEqual(len(kept_references(page)), 1)
        self.assertEqual(Inquiry.objects.get().state, State.SENT)

    def test_a_new_file_replaces_the_kept_one_and_a_ticked_one_is_not_sent(self) -> None:
        [first] = kept_references(self.answer(answer="", documents=[pdf("first.pdf")]))
        page = self.answer(answer="", documents=[pdf("second.pdf")], documents__staged=first)
        self.assertNotContains(page, "first.pdf", status_code=400)
        [second] = kept_references(page)
        self.assertEqual(StagedAnswerFile.objects.get().original_name, "second.pdf")
        page = self.answer(answer="", documents__staged=second, documents__remove=second)
        self.assertNotContains(page, KEPT, status_code=400)
        self.answer(answer="بدهی ندارد.")
        self.assertFalse(Inquiry.objects.get().files.exists())
        self.assertFalse(StagedAnswerFile.objects.exists())

    def test_a_kept_file_is_only_its_staff_members_and_only_for_this_inquiry(self) -> None:
        [reference] = kept_references(self.answer(answer="", documents=[pdf()]))
        colleague = self.client_class()
        colleague.force_login(self.b_manager)  # same agency, another person
        page = self.answer(colleague, answer="بدهی ندارد.", documents__staged=reference)
        self.assertContains(page, "پیدا نشد؛ آن را دوباره انتخاب کنید.", status_code=400)
        self.assertContains(page, "بدهی ندارد.", status_code=400)
        self.assertNotContains(page, KEPT, status_code=400)
        self.assertEqual(Inquiry.objects.get().state, State.SENT)
        self.assertEqual(StagedAnswerFile.objects.get().uploaded_by, self.outsider)

    def test_an_expired_file_is_refused_with_a_message_and_nothing_is_sent(self) -> None:
        [reference] = kept_references(self.answer(answer="", documents=[pdf()]))
        StagedAnswerFile.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        page = self.answer(answer="بدهی ندارد.", documents__staged=reference)
        self.assertContains(page, "پاک شده است؛ آن را دوباره انتخاب کنید.", status_code=400)
        self.assertContains(page, "۲۴ ساعت", status_code=400)
        self.assertEqual(Inquiry.objects.get().state, State.SENT)
        self.assertFalse(Inquiry.objects.get().files.exists())

    def test_expired_kept_files_are_swept_with_their_stored_file(self) -> None:
        self.answer(answer="", documents=[pdf()])
        row = StagedAnswerFile.objects.get()
        storage, name = row.file.storage, row.file.name or ""
        self.assertTrue(storage.exists(name))
        self.assertEqual(answer_files_sweep(), 0)
        later = timezone.now() + datetime.timedelta(hours=25)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(answer_files_sweep(now=later), 1)
        self.assertFalse(StagedAnswerFile.objects.exists())
        self.assertFalse(storage.exists(name))
