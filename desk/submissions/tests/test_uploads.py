"""Uploaded documents: checked by content, stored under random names, downloaded only through
the view that checks who is asking."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING, cast

from django.http import FileResponse
from django.test import override_settings
from django.urls import reverse

from desk.submissions.models import Attachment, AttachmentKind, Status, Submission
from desk.submissions.tests.base import SubmissionTestCase, checked_upload, upload
from desk.test import PDF_BYTES, PNG_BYTES

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def content_of(response: Response) -> bytes:
    return b"".join(cast(FileResponse, response).streaming_content)  # type: ignore[arg-type]


class UploadCheckTests(SubmissionTestCase):
    def apply(self, name: str, content: bytes) -> Response:
        return self.apply_with_file(name, content)

    def test_it_accepts_a_png_named_pdf_as_png(self) -> None:
        r = self.apply("deed.pdf", PNG_BYTES)
        self.assertEqual(r.status_code, 302)
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.content_type, "image/png")
        self.assertEqual(attachment.original_name, "deed.pdf")

    def test_it_accepts_a_pdf(self) -> None:
        self.apply("سند.pdf", PDF_BYTES)
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.content_type, "application/pdf")
        self.assertEqual(attachment.original_name, "سند.pdf")

    def test_it_refuses_a_text_file_named_pdf(self) -> None:
        r = self.apply("deed.pdf", b"This is plain text pretending to be a PDF.\n")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.")
        self.assertContains(r, "تهران، خیابان انقلاب")
        self.assertFalse(Submission.objects.exists())
        self.assertFalse(Attachment.objects.exists())

    def test_it_refuses_an_html_file_named_png(self) -> None:
        r = self.apply("deed.png", b"<html><script>alert(1)</script></html>")
        self.assertContains(r, "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.")
        self.assertFalse(Submission.objects.exists())

    @override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
    def test_it_refuses_a_file_over_the_limit(self) -> None:
        r = self.apply("deed.png", PNG_BYTES + b"\0" * (1024 * 1024))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "حجم پرونده بیش از ۱ مگابایت است.")
        self.assertFalse(Submission.objects.exists())

    @override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
    def test_it_accepts_a_file_at_the_limit(self) -> None:
        # Padding after the image's end: accepted, and dropped when the image is re-encoded.
        content = PNG_BYTES + b"\0" * (1024 * 1024 - len(PNG_BYTES))
        r = self.apply("deed.png", content)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Attachment.objects.get().size, len(PNG_BYTES))

    def test_it_stores_the_file_under_a_random_name(self) -> None:
        self.apply("my-deed-scan.pdf", PDF_BYTES)
        attachment = Attachment.objects.get()
        stored = attachment.file.name or ""
        self.assertTrue(stored.startswith("submissions/"))
        self.assertNotIn("my-deed-scan", stored)
        self.assertNotIn(".pdf", stored)
        with attachment.file.open("rb") as fh:
            self.assertEqual(fh.read(), PDF_BYTES)

    def test_it_gives_two_uploads_of_one_name_two_paths(self) -> None:
        self.apply("deed.pdf", PDF_BYTES)
        self.apply("deed.pdf", PDF_BYTES)
        names = set(Attachment.objects.values_list("file", flat=True))
        self.assertEqual(len(names), 2)

    def test_it_records_size_and_sha256(self) -> None:
        self.apply("deed.png", PNG_BYTES)
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.sha256, hashlib.sha256(PNG_BYTES).hexdigest())
        self.assertEqual(attachment.size, len(PNG_BYTES))
        self.assertEqual(attachment.uploaded_by, self.citizen)

    def test_it_checks_result_files_by_content_too(self) -> None:
        submission = self.create_submission()
        self.transition(submission, "start_review")
        self.client.force_login(self.expert)
        r = self.client.post(
            reverse("submissions:staff_act", args=[submission.tracking_code]),
            {"action": "complete", "documents": upload("result.pdf", b"not a pdf")},
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.", status_code=400)
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.IN_REVIEW)
        self.assertFalse(submission.attachments.filter(kind=AttachmentKind.RESULT).exists())


class DownloadTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.submission = self.create_completed()
        self.document = self.document_of(self.submission)
        self.result = self.result_of(self.submission)

    def test_it_lets_the_applicant_download_their_document(self) -> None:
        self.client.force_login(self.citizen)
        r = self.client.get(self.download_url(self.document))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(content_of(r), PDF_BYTES)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertIn("attachment", r["Content-Disposition"])
        # Named by the server, never by the citizen ("deed.pdf" could have been "x.pdf.php").
        self.assertIn(f"{self.submission.tracking_code}-document-", r["Content-Disposition"])
        self.assertNotIn("deed", r["Content-Disposition"])
        self.assertEqual(r["Cache-Control"], "private, no-store")

    def test_it_lets_the_applicant_download_the_result(self) -> None:
        self.client.force_login(self.citizen)
        r = self.client.get(self.download_url(self.result))
        self.assertEqual(content_of(r), PDF_BYTES)

    def test_it_serves_a_png_named_pdf_as_png(self) -> None:
        submission = self.create_submission()
        attachment = submission.attachments.get()
        attachment.delete()
        png = Attachment.objects.create(
            submission=submission,
            kind=AttachmentKind.DOCUMENT,
            file=checked_upload("scan.pdf", PNG_BYTES),
            original_name="scan.pdf",
            content_type="image/png",
            size=len(PNG_BYTES),
            sha256=hashlib.sha256(PNG_BYTES).hexdigest(),
            uploaded_by=self.citizen,
        )
        self.client.force_login(self.citizen)
        r = self.client.get(self.download_url(png))
        self.assertEqual(r["Content-Type"], "image/png")
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")

    def test_it_lets_staff_of_the_agency_download_both_kinds(self) -> None:
        for user in (self.expert, self.manager):
            self.client.force_login(user)
            for attachment in (self.document, self.result):
                r = self.client.get(self.download_url(attachment))
                self.assertEqual(r.status_code, 200, (user, attachment.kind))
                self.assertEqual(content_of(r), PDF_BYTES)

    def test_it_404s_for_outsider_staff(self) -> None:
        self.client.force_login(self.outsider)
        for attachment in (self.document, self.result):
            self.assertEqual(self.client.get(self.download_url(attachment)).status_code, 404)

    def test_it_404s_for_anonymous_visitors(self) -> None:
        for attachment in (self.document, self.result):
            self.assertEqual(self.client.get(self.download_url(attachment)).status_code, 404)

    def test_it_404s_for_another_citizen(self) -> None:
        self.client.force_login(self.other_citizen)
        for attachment in (self.document, self.result):
            self.assertEqual(self.client.get(self.download_url(attachment)).status_code, 404)

    def test_it_404s_for_an_unknown_file(self) -> None:
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:download", args=[uuid.uuid4()]))
        self.assertEqual(r.status_code, 404)

    def test_it_lets_a_tracking_page_visitor_download_only_results(self) -> None:
        r = self.track(self.submission.tracking_code)
        self.assertContains(r, self.download_url(self.result))
        self.assertNotContains(r, self.download_url(self.document))
        proof = self.link_on(r, self.download_url(self.result)).partition("?")[2]
        r = self.client.get(f"{self.download_url(self.result)}?{proof}")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(content_of(r), PDF_BYTES)
        self.assertEqual(self.client.get(self.download_url(self.document)).status_code, 404)
        r = self.client.get(f"{self.download_url(self.document)}?{proof}")
        self.assertEqual(r.status_code, 403)

    def test_it_does_not_let_a_tracking_lookup_open_another_requests_result(self) -> None:
        other = self.create_completed(self.other_citizen)
        self.track(self.submission.tracking_code)
        r = self.client.get(self.download_url(self.result_of(other)))
        self.assertEqual(r.status_code, 404)

    def test_it_does_not_unlock_results_after_a_failed_lookup(self) -> None:
        self.track(self.submission.tracking_code, national_code="0013542419")
        self.assertEqual(self.client.get(self.download_url(self.result)).status_code, 404)
