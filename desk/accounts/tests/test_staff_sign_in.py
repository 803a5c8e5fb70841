from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import TYPE_CHECKING
from unittest.mock import patch

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from desk.accounts.services import staff_sign_in_refused_message
from desk.audit.models import AuditEntry
from desk.test import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = reverse("accounts:staff_login")
LOGOUT = reverse("accounts:logout")
INBOX = reverse("submissions:inbox")
PASSWORD = "a-Strong-pass-1404"  # what desk.test.create_staff gives every persona


class StaffSignInTests(BaseTestCase):
    def _sign_in(
        self, password: str = PASSWORD, username: str = "expert", ip: str = "10.0.0.1"
    ) -> Response:
        return self.client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)

    def _signed_in_user_id(self) -> str | None:
        return self.client.session.get("_auth_user_id")

    def assertRefused(self, r: Response) -> None:
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, staff_sign_in_refused_message())
        self.assertIsNone(self._signed_in_user_id())

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
        self.assertRefused(self._sign_in("wrong-password"))
        self.expert.refresh_from_db()
        self.assertEqual(self.expert.failed_logins, 1)

    def test_it_answers_unknown_user_wrong_password_and_locked_account_alike(self) -> None:
        unknown = self._sign_in(username="nobody", ip="10.0.1.1")
        wrong = self._sign_in("wrong-password", ip="10.0.1.2")
        self.expert.locked_until = timezone.now() + timedelta(minutes=10)
        self.expert.save()
        locked = self._sign_in(ip="10.0.1.3")  # the right password
        bodies = [r.content.decode() for r in (unknown, wrong, locked)]
        for r in (unknown, wrong, locked):
            self.assertRefused(r)
        # Only the typed username (and the CSRF token) differs between the three pages.
        self.assertEqual(
            _without_tokens(bodies[0]).replace('value="nobody"', 'value="expert"'),
            _without_tokens(bodies[1]),
        )
        self.assertEqual(_without_tokens(bodies[1]), _without_tokens(bodies[2]))

    def test_it_resets_the_failure_count_after_a_good_sign_in(self) -> None:
        self._sign_in("wrong-password")
        self._sign_in("wrong-password")
        self.assertRedirects(self._sign_in(), INBOX)
        self.expert.refresh_from_db()
        self.assertEqual(self.expert.failed_logins, 0)

    def test_it_shuts_out_an_address_after_its_failures_even_with_the_right_password(
        self,
    ) -> None:
        for _ in range(settings.STAFF_LOGIN_FAILURES_PER_ADDRESS):
            self.assertRefused(self._sign_in("wrong-password"))
        self.assertRefused(self._sign_in())  # the 6th try, with the right password
        # The account itself is not locked: its owner signs in from elsewhere.
        self.expert.refresh_from_db()
        self.assertFalse(self.expert.is_locked)
        self.assertRedirects(self._sign_in(ip="10.0.0.2"), INBOX)

    def test_it_counts_failures_with_many_usernames_against_the_address(self) -> None:
        for i in range(settings.STAFF_LOGIN_FAILURES_PER_ADDRESS):
            self._sign_in("guess", username=f"someone-{i}")
        self.assertRefused(self._sign_in())

    def test_it_does_not_shut_out_an_address_before_its_limit(self) -> None:
        for _ in range(settings.STAFF_LOGIN_FAILURES_PER_ADDRESS - 1):
            self._sign_in("wrong-password")
        self.assertRedirects(self._sign_in(), INBOX)

    def test_it_locks_the_account_after_failures_from_several_addresses(self) -> None:
        per_address = settings.STAFF_LOGIN_FAILURES_PER_ADDRESS
        for n in range(settings.STAFF_LOCKOUT_FAILURES):
            self._sign_in("wrong-password", ip=f"10.0.2.{n // per_address}")
        self.expert.refresh_from_db()
        self.assertTrue(self.expert.is_locked)
        self.assertRefused(self._sign_in(ip="10.0.3.1"))  # right password, fresh address

    def test_one_address_cannot_lock_an_account(self) -> None:
        for _ in range(settings.STAFF_LOCKOUT_FAILURES * 2):
            self._sign_in("wrong-password")
        self.expert.refresh_from_db()
        self.assertFalse(self.expert.is_locked)
        self.assertLess(self.expert.failed_logins, settings.STAFF_LOCKOUT_FAILURES)

    def test_it_opens_an_address_again_after_the_lockout_time(self) -> None:
        for _ in range(settings.STAFF_LOGIN_FAILURES_PER_ADDRESS):
            self._sign_in("wrong-password")
        later = timezone.now() + timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES, seconds=1)
        with patch("django.utils.timezone.now", return_value=later):
            r = self._sign_in()
        self.assertRedirects(r, INBOX, fetch_redirect_response=False)

    def test_it_unlocks_an_account_after_the_lockout_time(self) -> None:
        self.expert.locked_until = timezone.now() + timedelta(minutes=1)
        self.expert.save()
        self.assertRefused(self._sign_in())
        later = timezone.now() + timedelta(minutes=1, seconds=1)
        with patch("django.utils.timezone.now", return_value=later):
            r = self._sign_in()
        self.assertRedirects(r, INBOX, fetch_redirect_response=False)
        self.assertEqual(self._signed_in_user_id(), str(self.expert.pk))

    def test_it_records_failures_shut_addresses_and_sign_ins_in_the_audit_log(self) -> None:
        for _ in range(settings.STAFF_LOGIN_FAILURES_PER_ADDRESS + 1):
            self._sign_in("wrong-password")
        self._sign_in(username="nobody", ip="10.0.9.8")
        self._sign_in(ip="10.0.9.9")
        entries = list(AuditEntry.objects.order_by("pk"))
        actions = [e.action for e in entries]
        self.assertEqual(actions.count("auth.sign_in_failed"), 6)  # Django's signal
        blocked = AuditEntry.objects.get(action="auth.address_blocked")
        self.assertEqual(blocked.details["ip"], "10.0.0.1")
        refused = AuditEntry.objects.get(action="auth.sign_in_refused")
        self.assertEqual(refused.details["reason"], "address_blocked")
        self.assertEqual(actions[-1], "auth.signed_in")
        self.assertEqual(entries[-1].actor_id, self.expert.pk)
        self.assertEqual(entries[-1].agency_id, self.agency.pk)
        self.assertNotIn("wrong-password", str([e.details for e in entries]))
        out = StringIO()
        call_command("audit_verify", stdout=out)
        self.assertNotIn("BAD", out.getvalue())

    def test_it_records_a_locked_account_refused_with_the_right_password(self) -> None:
        self.expert.locked_until = timezone.now() + timedelta(minutes=10)
        self.expert.save()
        self._sign_in()
        entry = AuditEntry.objects.get(action="auth.sign_in_refused")
        self.assertEqual(entry.details["reason"], "account_locked")
        self.assertEqual((entry.agency_id, entry.object_id), (self.agency.pk, str(self.expert.pk)))
        self.assertFalse(AuditEntry.objects.filter(action="auth.signed_in").exists())

    def test_it_does_not_let_a_citizen_use_the_staff_page(self) -> None:
        # Even a citizen who somehow has a password is refused here.
        self.citizen.set_password(PASSWORD)
        self.citizen.save()
        self.assertRefused(self._sign_in(username=self.citizen.username))

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


def _without_tokens(body: str) -> str:
    """The page without its CSRF tokens (different on every answer)."""
    import re

    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", body)
