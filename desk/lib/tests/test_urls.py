from __future__ import annotations

from django.test import SimpleTestCase

from desk.lib.urls import public_url_problem


class PublicUrlTests(SimpleTestCase):
    def test_it_accepts_a_public_https_address(self) -> None:
        for url in ("https://desk.example.ir", "https://desk.example.ir/", "https://185.1.2.3"):
            with self.subTest(url=url):
                self.assertEqual(public_url_problem(url), "")

    def test_it_refuses_plain_http_and_this_machine(self) -> None:
        for url in (
            "http://desk.example.ir",
            "https://localhost:8000",
            "https://127.0.0.1",
            "https://[::1]",
            "https://0.0.0.0",
            "https://app.localhost",
            "desk.example.ir",
            "",
        ):
            with self.subTest(url=url):
                self.assertNotEqual(public_url_problem(url), "")
