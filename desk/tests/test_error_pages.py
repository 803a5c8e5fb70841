"""Error pages a person reads are Persian, right-to-left, and say what to do — with DEBUG off,
as in production."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

from desk.test import BaseTestCase


@override_settings(DEBUG=False, ROOT_URLCONF="desk.tests.error_urls")
class ErrorPageTests(BaseTestCase):
    def assert_persian_page(self, response: object, status: int, heading: str) -> None:
        self.assertEqual(response.status_code, status)  # type: ignore[attr-defined]
        html = response.content.decode()  # type: ignore[attr-defined]
        self.assertIn('<html lang="fa" dir="rtl">', html)
        self.assertIn(heading, html)
        self.assertIn("بازگشت به صفحه اصلی میز خدمت", html)
        self.assertNotIn("Forbidden", html)
        self.assertNotIn("Not Found", html)
        self.assertNotIn("Server Error", html)

    def test_it_shows_a_persian_400_page(self) -> None:
        with self.assertLogs("django.security", "ERROR"):
            r = self.client.get("/test-errors/400/")
        self.assert_persian_page(r, 400, "این درخواست را نتوانستیم بفهمیم")

    def test_it_shows_a_persian_403_page(self) -> None:
        with self.assertLogs("django.request", "WARNING"):
            r = self.client.get("/test-errors/403/")
        self.assert_persian_page(r, 403, "اجازه دیدن این صفحه را ندارید")

    def test_it_shows_a_persian_404_page(self) -> None:
        with self.assertLogs("django.request", "WARNING"):
            r = self.client.get("/no-such-page/")
        self.assert_persian_page(r, 404, "صفحه‌ای که خواستید پیدا نشد")

    def test_it_shows_a_persian_500_page(self) -> None:
        client = Client(raise_request_exception=False)
        with self.assertLogs("django.request", "ERROR"):
            r = client.get("/test-errors/500/")
        self.assert_persian_page(r, 500, "متأسفیم، مشکلی در سامانه پیش آمد")

    def test_it_shows_a_persian_page_when_a_form_has_no_valid_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        with self.assertLogs("django.security.csrf", "WARNING"):
            r = client.post(reverse("submissions:track"), {"code": "1", "national_code": "1"})
        self.assert_persian_page(r, 403, "این فرم دیگر معتبر نیست")
        self.assertContains(r, "چیزی ثبت نشد", status_code=403)
