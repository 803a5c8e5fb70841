"""Where a form sends a person afterwards (``next``): a path of this site, else the page's own
default; never a 500 after the form's work is done, never another site."""

from __future__ import annotations

from django.urls import reverse

from desk.test import BaseTestCase

MY_REQUESTS = reverse("submissions:my_requests")
INBOX = reverse("submissions:inbox")


class NextTests(BaseTestCase):
    def test_a_bare_word_next_after_the_profile_goes_to_the_default_page(self) -> None:
        self.client.force_login(self.citizen)
        for target in ("my-requests", "inbox", "javascript:alert(1)", "//evil.example/x"):
            with self.subTest(target=target):
                r = self.client.post(
                    reverse("accounts:profile"),
                    {"first_name": "مریم", "last_name": "رضایی", "next": target},
                )
                self.assertRedirects(r, MY_REQUESTS, fetch_redirect_response=False)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.first_name, "مریم")

    def test_a_path_of_the_site_is_followed(self) -> None:
        self.client.force_login(self.citizen)
        r = self.client.post(
            reverse("accounts:profile"),
            {"first_name": "مریم", "last_name": "رضایی", "next": "/requests/track/"},
        )
        self.assertRedirects(r, "/requests/track/", fetch_redirect_response=False)

    def test_staff_sign_in_with_a_bare_word_next_lands_in_the_inbox(self) -> None:
        for target in ("inbox", "http://evil.example/", "/\\evil.example"):
            with self.subTest(target=target):
                self.client.logout()
                r = self.client.post(
                    reverse("accounts:staff_login") + "?next=" + target,
                    {"username": self.expert.username, "password": "a-Strong-pass-1404"},
                )
                self.assertRedirects(r, INBOX, fetch_redirect_response=False)


class OddDigitsTests(BaseTestCase):
    """«²» is a digit to ``str.isdigit`` but not to ``int``: a page number or list offset
    written so is ignored, never a 500."""

    def test_a_page_number_in_superscript_digits_shows_the_first_page(self) -> None:
        r = self.client.get(reverse("catalog:service_list"), {"page": "²"})
        self.assertEqual(r.status_code, 200)

    def test_the_inbox_offset_in_superscript_digits_starts_at_the_beginning(self) -> None:
        self.client.force_login(self.expert)
        r = self.client.get(INBOX, {"from": "²"})
        self.assertEqual(r.status_code, 200)
