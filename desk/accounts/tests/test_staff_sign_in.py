from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from unittest.mock import patch

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.test import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = reverse("accounts:staff_login")
LOGOUT = reverse("accounts:logout")
INBOX = reverse("submissions:inbox")
PASSWORD = "a-Strong-pass-1404"  # what desk.test.create_staff gives every persona


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class StaffSignInTests(BaseTestCase):
    def _sign_in(self, password: str = PASSWORD, username: str = "expert") -> Response:
        return self.client.post(LOGIN, {"username": username, "password": password})

    def _signed_in_user_id(self) -> str | None:
        return self.client.session.get("_auth_user_id")

    def test_it_shows_the_sign_in_page(self) -> None:
        r = self.client.get(LOGIN)
        self.assertContains(r, "ورود کارکنان دستگاه")

    def test_it_signs_in_with_a_password_and_opens_the_inbox(self) -> None:
        r = self._sign_in()
        self.assertRedirects(r, INBOX)
        self.assertEqual(self._signed_in_user_id(), str(self.expert.pk))

    def test_it_honours_a_same_site_next_only(self) -> None:
        r = self.client.post(
            LOGIN, {"username": "expert", "password": PASSWORD, "next": "https://evil.example/"}
        )
        self.assertRedirects(r, INBOX)
        self.client.logout()
        r = self.client.post(
            LOGIN, {"username": "expert", "password": PASSWORD, "next": "/services/"}
        )
        self.assertRedirects(r, "/services/")

    def test_it_refuses_a_wrong_password_in_persian(self) -> None:
        r = self._sign_in("wrong-password")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "نام کاربری یا گذرواژه درست نیست.")
        self.assertIsNone(self._signed_in_user_id())
        self.expert.refresh_from_db()
        self.assertEqual(self.expert.failed_logins, 1)

    def test_it_refuses_an_unknown_user_with_the_same_message(self) -> None:
        r = self._sign_in(username="nobody")
        self.assertContains(r, "نام کاربری یا گذرواژه درست نیست.")

    def test_it_resets_the_failure_count_after_a_good_sign_in(self) -> None:
        self._sign_in("wrong-password")
        self._sign_in("wrong-password")
        self.assertRedirects(self._sign_in(), INBOX)
        self.expert.refresh_from_db()
        self.assertEqual(self.expert.failed_logins, 0)

    def test_it_locks_the_account_after_repeated_failures(self) -> None:
        for _ in range(settings.STAFF_LOCKOUT_FAILURES):
            self._sign_in("wrong-password")
        self.expert.refresh_from_db()
        self.assertTrue(self.expert.is_locked)

        r = self._sign_in()
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "موقتاً قفل شده است")
        self.assertIsNone(self._signed_in_user_id())

    def test_it_does_not_lock_before_the_limit(self) -> None:
        for _ in range(settings.STAFF_LOCKOUT_FAILURES - 1):
            self._sign_in("wrong-password")
        self.assertRedirects(self._sign_in(), INBOX)

    def test_it_unlocks_after_the_lockout_time(self) -> None:
        for _ in range(settings.STAFF_LOCKOUT_FAILURES):
            self._sign_in("wrong-password")
        later = timezone.now() + timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES, seconds=1)
        with patch("django.utils.timezone.now", return_value=later):
            r = self._sign_in()
        self.assertRedirects(r, INBOX, fetch_redirect_response=False)
        self.assertEqual(self._signed_in_user_id(), str(self.expert.pk))

    def test_it_does_not_let_a_citizen_use_the_staff_page(self) -> None:
        # Even a citizen who somehow has a password is refused here.
        self.citizen.set_password(PASSWORD)
        self.citizen.save()
        r = self._sign_in(username=self.citizen.username)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "نام کاربری یا گذرواژه درست نیست.")
        self.assertIsNone(self._signed_in_user_id())

    def test_it_logs_out_on_post(self) -> None:
        self.client.force_login(self.expert)
        r = self.client.post(LOGOUT)
        self.assertRedirects(r, reverse("catalog:home"))
        self.assertIsNone(self._signed_in_user_id())

    def test_it_refuses_to_log_out_on_get(self) -> None:
        self.client.force_login(self.expert)
        with self.assertLogs("django.request", "WARNING"):
            r = self.client.get(LOGOUT)
        self.assertEqual(r.status_code, 405)
        self.assertEqual(self._signed_in_user_id(), str(self.expert.pk))
