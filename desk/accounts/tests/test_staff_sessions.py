"""Staff sessions end after idle and absolute timeouts, and when the person is deactivated."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.accounts.audit import SignInEvent
from desk.accounts.models import StaffSession, User
from desk.accounts.services import staff_deactivate
from desk.audit.models import AuditEntry
from desk.catalog.tests.test_admin_scope import _admin_post_data
from desk.test import BaseTestCase, DeskClient

LOGIN = reverse("accounts:staff_login")
INBOX = reverse("submissions:inbox")
MY_REQUESTS = reverse("submissions:my_requests")
PASSWORD = "a-Strong-pass-1404"
CACHE_SESSIONS = "django.contrib.sessions.backends.cache"


class TimeoutTests(BaseTestCase):
    def get_at(self, url: str, minutes: float) -> int:
        later = timezone.now() + timedelta(minutes=minutes)
        with patch("django.utils.timezone.now", return_value=later):
            return self.client.get(url).status_code

    def test_a_staff_session_survives_short_pauses(self) -> None:
        self.client.force_login(self.expert)
        idle = settings.STAFF_SESSION_IDLE_MINUTES
        self.assertEqual(self.get_at(INBOX, idle - 1), 200)
        self.assertEqual(self.get_at(INBOX, 2 * idle - 2), 200)  # each click restarts the clock

    def test_an_idle_staff_session_ends(self) -> None:
        self.client.force_login(self.expert)
        later = timezone.now() + timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES + 1)
        with patch("django.utils.timezone.now", return_value=later):
            r = self.client.get(INBOX)
        self.assertRedirects(
            r, f"{LOGIN}?{urlencode({'next': INBOX})}", fetch_redirect_response=False
        )
        self.assertIsNone(self.client.session.get("_auth_user_id"))
        r = self.client.get(LOGIN)
        self.assertContains(r, "برای امنیت حساب، از حساب بیرون رفتید")

    def test_a_busy_staff_session_ends_at_the_absolute_limit(self) -> None:
        self.client.force_login(self.expert)
        step = settings.STAFF_SESSION_IDLE_MINUTES - 5
        minutes = 0
        while minutes + step < settings.STAFF_SESSION_MAX_HOURS * 60:
            minutes += step
            self.assertEqual(self.get_at(INBOX, minutes), 200, minutes)
        self.assertEqual(self.get_at(INBOX, settings.STAFF_SESSION_MAX_HOURS * 60 + 1), 302)
        self.assertIsNone(self.client.session.get("_auth_user_id"))

    @override_settings(STAFF_SESSION_IDLE_MINUTES=5, STAFF_SESSION_MAX_HOURS=1)
    def test_the_timeouts_are_settings(self) -> None:
        self.client.force_login(self.expert)
        self.assertEqual(self.get_at(INBOX, 6), 302)

    def test_a_citizen_session_keeps_its_own_lifetime(self) -> None:
        self.client.force_login(self.citizen)
        minutes = settings.STAFF_SESSION_IDLE_MINUTES + 30
        self.assertEqual(self.get_at(MY_REQUESTS, minutes), 200)


class DeactivationTests(BaseTestCase):
    def sign_in(self) -> str:
        r = self.client.post(LOGIN, {"username": "expert", "password": PASSWORD})
        self.assertRedirects(r, INBOX)
        return self.client.session.session_key or ""

    def session_exists(self, key: str) -> bool:
        return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)

    def check_deactivation_ends_sessions(self) -> None:
        key = self.sign_in()
        self.assertTrue(self.session_exists(key))
        self.assertEqual(StaffSession.objects.filter(user=self.expert).count(), 1)
        self.assertEqual(staff_deactivate(user=self.expert), 1)
        self.assertFalse(self.session_exists(key))
        self.assertEqual(self.client.get(INBOX).status_code, 302)
        self.assertIsNone(self.client.session.get("_auth_user_id"))
        r = self.client.post(LOGIN, {"username": "expert", "password": PASSWORD})
        self.assertIsNone(self.client.session.get("_auth_user_id"), r.content[:200])

    def test_deactivating_a_staff_member_ends_their_database_sessions(self) -> None:
        self.check_deactivation_ends_sessions()

    @override_settings(SESSION_ENGINE=CACHE_SESSIONS)
    def test_deactivating_a_staff_member_ends_their_cache_sessions(self) -> None:
        self.check_deactivation_ends_sessions()

    def check_next_request_signed_out(self, deactivate: str) -> None:
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(INBOX).status_code, 200)
        if deactivate == "staff":
            self.expert.staff.is_active = False
            self.expert.staff.save()
        else:
            self.expert.is_active = False
            self.expert.save()
        r = self.client.get(INBOX)
        self.assertRedirects(
            r, f"{LOGIN}?{urlencode({'next': INBOX})}", fetch_redirect_response=False
        )
        self.assertIsNone(self.client.session.get("_auth_user_id"))

    def test_a_staff_record_deactivated_in_the_admin_signs_out_on_the_next_request(self) -> None:
        self.check_next_request_signed_out("staff")

    def test_an_account_deactivated_in_the_admin_signs_out_on_the_next_request(self) -> None:
        self.check_next_request_signed_out("user")

    @override_settings(SESSION_ENGINE=CACHE_SESSIONS)
    def test_the_same_holds_with_sessions_in_the_cache(self) -> None:
        self.check_next_request_signed_out("staff")
        self.client.logout()
        self.expert.staff.is_active = True
        self.expert.staff.save()
        self.check_next_request_signed_out("user")


class DeactivationInTheAdminTests(BaseTestCase):
    """An operator unchecks «فعال» in the admin: the person's sessions end at that moment."""

    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", password=PASSWORD)
        self.expert_client = DeskClient()
        r = self.expert_client.post(LOGIN, {"username": "expert", "password": PASSWORD})
        self.assertRedirects(r, INBOX)
        self.expert_key = self.expert_client.session.session_key or ""

    def session_exists(self, key: str) -> bool:
        return bool(import_module(settings.SESSION_ENGINE).SessionStore().exists(key))

    def save_in_admin(self, url: str, **changes: Any) -> None:
        self.client.force_login(self.root)
        data = _admin_post_data(self.client.get(url))
        joined = data.pop("date_joined", None)  # a split date and time in the admin
        if joined is not None:
            data.update(date_joined_0=f"{joined:%Y-%m-%d}", date_joined_1=f"{joined:%H:%M:%S}")
        for name, value in changes.items():
            if value is False:
                data.pop(name, None)
            else:
                data[name] = value
        r = self.client.post(url, data)
        errors = r.context and r.context["adminform"].form.errors
        self.assertEqual(r.status_code, 302, errors)

    def assert_signed_out(self) -> None:
        self.assertFalse(self.session_exists(self.expert_key))
        self.assertFalse(StaffSession.objects.filter(user=self.expert).exists())
        self.assertEqual(self.expert_client.get(INBOX).status_code, 302)
        ended = AuditEntry.objects.get(action=SignInEvent.SESSIONS_ENDED.value)
        self.assertEqual(ended.details["sessions"], 1)

    def test_unchecking_the_account_in_the_user_admin_ends_every_session(self) -> None:
        self.assertTrue(self.session_exists(self.expert_key))
        url = reverse("admin:accounts_user_change", args=[self.expert.pk])
        self.save_in_admin(url, is_active=False)
        self.assert_signed_out()
        self.expert.refresh_from_db()
        self.assertFalse(self.expert.is_active)
        self.assertFalse(self.expert.staff.is_active)

    def test_unchecking_the_staff_row_in_the_agency_admin_ends_every_session(self) -> None:
        url = reverse("admin:agencies_agency_change", args=[self.agency.pk])
        self.client.force_login(self.root)
        data = _admin_post_data(self.client.get(url))
        row = next(k for k, v in data.items() if k.endswith("-user") and v == self.expert.pk)
        self.save_in_admin(url, **{row.replace("-user", "-is_active"): False})
        self.assert_signed_out()
        self.expert.refresh_from_db()
        self.assertFalse(self.expert.staff.is_active)
        self.assertTrue(self.expert.is_active)  # the account itself stays: only the staff row

    def test_saving_an_active_person_unchanged_ends_nothing(self) -> None:
        self.save_in_admin(reverse("admin:accounts_user_change", args=[self.expert.pk]))
        self.assertTrue(self.session_exists(self.expert_key))
        self.assertEqual(self.expert_client.get(INBOX).status_code, 200)
