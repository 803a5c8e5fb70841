"""A document chosen on the form (the staged upload, htmx) is stored byte for byte as checked,
with the size and SHA-256 of what is stored, whether the upload was held in memory or went to
a temporary file on its way in."""

from __future__ import annotations

import hashlib

from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from desk.submissions.models import StagedFile
from desk.submissions.tests.base import PDF_BYTES, SubmissionTestCase, upload


class StagedBytesTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.citizen)
        self.file_url = reverse("submissions:apply_file", args=[self.service.slug, "deed"])

    def stage(self, content: bytes) -> StagedFile:
        r = self.client.post(
            self.file_url, {"deed": upload("sanad.pdf", content)}, HTTP_HX_REQUEST="true"
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "حذف این پرونده")
        return StagedFile.objects.get()

    def assert_stored_as_sent(self, row: StagedFile, content: bytes) -> None:
        with default_storage.open(row.file.name or "", "rb") as stored:
            self.assertEqual(stored.read(), content)
        self.assertEqual(row.size, len(content))
        self.assertEqual(row.sha256, hashlib.sha256(content).hexdigest())
        self.assertEqual(row.content_type, "application/pdf")

    def test_a_pdf_held_in_memory_is_stored_byte_for_byte_with_its_hash(self) -> None:
        self.assert_stored_as_sent(self.stage(PDF_BYTES), PDF_BYTES)

    @override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=16)
    def test_a_pdf_that_went_to_a_temporary_file_is_stored_the_same(self) -> None:
        self.assert_stored_as_sent(self.stage(PDF_BYTES), PDF_BYTES)

    @override_settings(UPLOAD_MAX_BYTES=len(PDF_BYTES) - 1)
    def test_a_pdf_one_byte_over_the_limit_is_refused_and_nothing_is_stored(self) -> None:
        r = self.client.post(
            self.file_url, {"deed": upload("sanad.pdf", PDF_BYTES)}, HTTP_HX_REQUEST="true"
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "حجم پرونده بیش از")
        self.assertFalse(StagedFile.objects.exists())
