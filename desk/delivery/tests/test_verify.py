from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from desk.delivery.models import IssuedDocument
from desk.delivery.tests.base import DECISION, DeliveryTestCase
from desk.lib import verification_codes as codes
from desk.lib.persian import to_persian_digits

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

GENUINE = "این سند اصیل و بدون تغییر است"
ALTERED = "این پرونده اصیل نیست"


def verify_url(code: str) -> str:
    return reverse("delivery:verify_code", args=[code])


class VerifyPageTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.document = self.issue()
        with self.document.file.open("rb") as f:
            self.content = f.read()

    def upload(self, content: bytes, name: str = "result.pdf") -> Response:
        return self.client.post(
            verify_url(self.document.verification_code),
            {"document": SimpleUploadedFile(name, content, "application/pdf")},
        )

    def test_it_shows_only_what_the_document_shows(self):
        r = self.client.get(verify_url(self.document.verification_code))
        self.assertEqual(r.status_code, 200)
        tracking_code = to_persian_digits(codes.format_code(self.document.submission.tracking_code))
        for text in (
            "پروانه ساختمانی",
            "شهرداری نمونه",
            "صدور پروانه ساختمانی",
            tracking_code,
            "م*** ر***",
            "۰۰۸۴****۴۸",
        ):
            with self.subTest(text=text):
                self.assertContains(r, text)
        for secret in ("0084575948", "۰۰۸۴۵۷۵۹۴۸", "مریم رضایی", "09121234567", DECISION):
            with self.subTest(secret=secret):
                self.assertNotContains(r, secret)
        self.assertNotContains(r, GENUINE)

    def test_it_confirms_the_genuine_file(self):
        r = self.upload(self.content)
        self.assertContains(r, GENUINE)
        self.assertNotContains(r, ALTERED)

    def test_it_fails_a_file_with_one_changed_byte(self):
        middle = len(self.content) // 2
        changed = (
            self.content[:middle]
            + bytes([self.content[middle] ^ 0x01])
            + self.content[middle + 1 :]
        )
        r = self.upload(changed)
        self.assertContains(r, ALTERED)
        self.assertNotContains(r, GENUINE)

    def test_it_fails_a_file_with_one_byte_more(self):
        self.assertContains(self.upload(self.content + b"\n"), ALTERED)

    def test_it_fails_another_genuine_document(self):
        other = self.issue()
        with other.file.open("rb") as f:
            self.assertContains(self.upload(f.read()), ALTERED)

    def test_it_asks_for_a_file(self):
        r = self.client.post(verify_url(self.document.verification_code), {})
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, GENUINE)
        self.assertNotContains(r, ALTERED)
        self.assertContains(r, "invalid-feedback")

    def test_it_stays_neutral_about_an_unknown_code(self):
        unknown = codes.generate()
        while IssuedDocument.objects.filter(verification_code=unknown).exists():
            unknown = codes.generate()
        for code in (unknown, "1234"):
            with self.subTest(code=code):
                r = self.client.get(verify_url(code))
                self.assertContains(r, "سندی با این کد صحت‌سنجی پیدا نشد", status_code=404)
                self.assertContains(r, "<title>خطا: صحت‌سنجی سند", status_code=404, html=False)
                self.assertNotContains(r, ALTERED, status_code=404)
                self.assertNotContains(r, "شهرداری نمونه", status_code=404)
        # Codes are digits (the <digits:code> converter): anything else is no page at all.
        r = self.client.get(verify_url("1234").replace("1234", "not-a-code"))
        self.assertEqual(r.status_code, 404)
        self.assertNotContains(r, "شهرداری نمونه", status_code=404)

    def test_it_takes_a_typed_code_in_persian_digits(self):
        typed = to_persian_digits(codes.format_code(self.document.verification_code))
        r = self.client.get(reverse("delivery:verify"), {"code": typed})
        self.assertRedirects(r, verify_url(self.document.verification_code))

    def test_it_refuses_a_mistyped_code(self):
        code = self.document.verification_code
        wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
        r = self.client.get(reverse("delivery:verify"), {"code": wrong})
        self.assertContains(r, "این کد درست نیست")

    def test_it_shows_the_code_form(self):
        r = self.client.get(reverse("delivery:verify"))
        self.assertContains(r, 'name="code"')
        self.assertNotContains(r, "invalid-feedback")

    @override_settings(VERIFY_LOOKUPS_PER_IP_PER_HOUR=3)
    def test_it_limits_lookups_per_address(self):
        url = verify_url(self.document.verification_code)
        for _ in range(3):
            self.assertEqual(self.client.get(url, REMOTE_ADDR="10.0.0.1").status_code, 200)
        r = self.client.get(url, REMOTE_ADDR="10.0.0.1")
        self.assertContains(r, "از حد مجاز گذشته", status_code=429)
        self.assertNotContains(r, "شهرداری نمونه", status_code=429)
        self.assertEqual(self.client.get(url, REMOTE_ADDR="10.0.0.2").status_code, 200)
