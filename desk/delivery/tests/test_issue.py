from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest import mock

from django.template.loader import render_to_string
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from desk.core import pdf
from desk.core.errors import ApplicationError
from desk.delivery import services
from desk.delivery.tests.base import DECISION, DeliveryTestCase
from desk.lib import verification_codes as codes
from desk.lib.persian import to_persian_digits

# Bidi controls that pdftotext puts around runs of another direction.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        out = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, check=True)
    return _BIDI.sub("", out.stdout.decode())


def grouped(code: str) -> str:
    return to_persian_digits(codes.format_code(code))


class DocumentIssueTests(DeliveryTestCase):
    def test_it_stores_a_pdf_with_the_sha256_of_its_bytes(self):
        document = self.issue()
        with document.file.open("rb") as f:
            content = f.read()
        self.assertTrue(content.startswith(b"%PDF-"))
        self.assertEqual(document.sha256, hashlib.sha256(content).hexdigest())
        self.assertEqual(document.size, len(content))
        self.assertEqual(document.body, DECISION)
        self.assertEqual(document.issued_by, self.expert)
        self.assertIsNone(document.first_downloaded_at)

    def test_it_names_the_file_randomly(self):
        document = self.issue()
        name = document.file.name or ""
        self.assertTrue(name.startswith("delivery/"))
        for secret in (document.submission.tracking_code, document.verification_code, "0084575948"):
            self.assertNotIn(secret, name)

    def test_it_gives_each_document_its_own_checked_code(self):
        first, second = self.issue(), self.issue()
        self.assertNotEqual(first.verification_code, second.verification_code)
        for document in (first, second):
            self.assertEqual(len(document.verification_code), 16)
            self.assertTrue(codes.is_valid(document.verification_code))

    @mock.patch("desk.delivery.services.pdf.render_pdf", wraps=pdf.render_pdf)
    def test_it_writes_the_documents_facts_into_the_html(self, render: mock.Mock):
        document = self.issue()
        template, context = render.call_args.args
        html = render_to_string(template, {**context, "font_faces": pdf.font_faces()})
        submission = document.submission
        for text in (
            "شهرداری نمونه",
            "صدور پروانه ساختمانی",
            "پروانه ساختمانی",
            "مریم رضایی",
            "۰۰۸۴****۴۸",
            grouped(submission.tracking_code),
            grouped(document.verification_code),
            "http://127.0.0.1:8000"
            + reverse("delivery:verify_code", args=[document.verification_code]),
            "پروانه ساخت برای ۳ طبقه مسکونی",
            'dir="rtl"',
            "data:image/svg+xml;base64,",
            "Vazirmatn-Regular.ttf",
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        self.assertNotIn("0084575948", html)
        self.assertNotIn("۰۰۸۴۵۷۵۹۴۸", html)

    @override_settings(SITE_URL="https://desk.example.ir/")
    def test_it_points_the_qr_code_at_the_verification_page(self):
        with mock.patch("desk.delivery.services.pdf.qr_data_uri", wraps=pdf.qr_data_uri) as qr:
            document = self.issue()
        path = reverse("delivery:verify_code", args=[document.verification_code])
        qr.assert_called_once_with(f"https://desk.example.ir{path}")

    def test_it_renders_persian_text_into_the_pdf(self):
        if shutil.which("pdftotext") is None:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        document = self.issue()
        with document.file.open("rb") as f:
            text = pdf_text(f.read())
        for expected in (
            "شهرداری نمونه",
            "مریم رضایی",
            "۰۰۸۴****۴۸",
            grouped(document.verification_code),
            grouped(document.submission.tracking_code),
            reverse("delivery:verify_code", args=[document.verification_code]),
        ):
            with self.subTest(text=expected):
                self.assertIn(expected, text)

    def test_it_refuses_staff_of_another_agency_and_citizens(self):
        submission = self.create_submission()
        for user in (self.outsider, self.citizen):
            with (
                self.subTest(user=user.username),
                self.assertRaisesMessage(ApplicationError, "اجازه صدور سند"),
            ):
                services.document_issue(
                    submission=submission, title="پروانه", body="متن", issued_by=user
                )
        self.assertFalse(submission.issued_documents.exists())

    def test_it_needs_a_title_and_a_body(self):
        submission = self.create_submission()
        for title, body, field in (("  ", "متن", "title"), ("پروانه", " \n", "body")):
            with self.subTest(field=field):
                with self.assertRaises(ApplicationError) as caught:
                    services.document_issue(
                        submission=submission, title=title, body=body, issued_by=self.expert
                    )
                self.assertEqual(caught.exception.field, field)


class LocalOnlyFetcherTests(SimpleTestCase):
    def test_it_never_fetches_from_the_network(self):
        fetcher = pdf._url_fetcher()
        for url in ("http://example.com/font.ttf", "https://example.com/logo.png", "ftp://x/y"):
            with self.subTest(url=url), self.assertRaises(ValueError):
                fetcher.fetch(url)

    def test_it_reads_no_local_file_but_the_fonts(self):
        fetcher = pdf._url_fetcher()
        with self.assertRaises(ValueError):
            fetcher.fetch(Path("/etc/passwd").as_uri())
        with self.assertRaises(ValueError):
            fetcher.fetch((pdf.font_dir() / ".." / ".." / "package.json").as_uri())
        font = pdf.font_dir() / pdf.FONT_FILES[400]
        response = fetcher.fetch(font.as_uri())
        try:
            self.assertTrue(response.read(4))
        finally:
            response.close()


class VerificationCodeTests(SimpleTestCase):
    def test_it_catches_a_wrong_digit_and_a_swap(self):
        code = codes.generate()
        self.assertTrue(codes.is_valid(code))
        self.assertTrue(codes.is_valid(to_persian_digits(codes.format_code(code))))
        wrong = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
        self.assertFalse(codes.is_valid(wrong))
        if code[3] != code[4]:
            self.assertFalse(codes.is_valid(code[:3] + code[4] + code[3] + code[5:]))
