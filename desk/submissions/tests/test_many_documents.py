"""A field that takes several documents takes at most five at once: nginx's body limit
(deploy/nginx) covers five of the largest, and a sixth would meet nginx's refusal instead of a
Persian message beside the field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase

from desk.submissions.forms import MAX_DOCUMENTS_PER_REQUEST, MultiDocumentField
from desk.test import PDF_BYTES


def pdf(i: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"scan-{i}.pdf", PDF_BYTES, content_type="application/pdf")


class ManyDocumentsTests(SimpleTestCase):
    def test_six_documents_at_once_are_refused_in_persian(self) -> None:
        field = MultiDocumentField(required=False)
        with self.assertRaises(ValidationError) as caught:
            field.clean([pdf(i) for i in range(MAX_DOCUMENTS_PER_REQUEST + 1)])
        self.assertIn("حداکثر ۵ پرونده", caught.exception.messages[0])

    def test_five_documents_are_taken(self) -> None:
        field = MultiDocumentField(required=False)
        self.assertEqual(len(field.clean([pdf(i) for i in range(5)])), 5)

    def test_nginx_takes_five_of_the_largest_documents(self) -> None:
        from pathlib import Path

        from django.conf import settings

        for name in ("desk.conf", "compose.conf"):
            conf = (Path(settings.BASE_DIR) / "deploy" / "nginx" / name).read_text()
            self.assertIn("client_max_body_size 27m;", conf)
            self.assertIn("error_page 413 @too_large;", conf)
        self.assertLessEqual(
            MAX_DOCUMENTS_PER_REQUEST * settings.UPLOAD_MAX_BYTES + 1024 * 1024, 27 * 1024 * 1024
        )
