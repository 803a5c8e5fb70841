"""Per-agency API keys: hashed at rest, shown once, rotated with a grace period, revoked."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any
from unittest.mock import patch

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.audit.models import AuditEntry
from desk.core.errors import ApplicationError
from desk.integrations.models import ApiKey, KeyStatus, Scope
from desk.integrations.services import (
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
    api_key_rotate,
)
from desk.test import BaseTestCase, create_staff

RAW_KEY = re.compile(r"mzk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def later(**delta: float) -> Any:
    """Run the block as if ``delta`` had passed."""
    return patch(
        "django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(**delta)
    )


class KeyTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.admin.is_staff = True
        self.admin.save(update_fields=["is_staff"])

    def create(self, **extra: object) -> tuple[ApiKey, str]:
        fields: dict[str, object] = {
            "agency": self.agency,
            "name": "سامانه شهرسازی",
            "scopes": [Scope.CATALOG_READ, Scope.STATUS_READ],
            "created_by": self.admin,
            **extra,
        }
        created = api_key_create(**fields)  # type: ignore[arg-type]
        return created.key, created.raw


class ApiKeyServiceTests(KeyTestCase):
    def test_it_stores_only_the_prefix_and_the_hash_of_the_secret(self) -> None:
        key, raw = self.create()
        self.assertRegex(raw, RAW_KEY)
        secret = raw.split("_", 2)[2]
        key.refresh_from_db()
        self.assertEqual(raw.split("_")[1], key.prefix)
        self.assertEqual(key.secret_hash, hashlib.sha256(secret.encode()).hexdigest())
        stored = " ".join(str(v) for v in ApiKey.objects.values_list().get(pk=key.pk))
        self.assertNotIn(secret, stored)
        self.assertEqual(key.scopes, ["catalog:read", "status:read"])
        self.assertEqual(key.created_by, self.admin)
        entry = AuditEntry.objects.filter(action="api_key.create").get()
        self.assertNotIn(secret, str(entry.details))

    def test_it_authenticates_the_full_key_and_loads_its_agency(self) -> None:
        key, raw = self.create()
        found = api_key_authenticate(raw)
        assert found is not None
        self.assertEqual(found.pk, key.pk)
        self.assertEqual(found.agency, self.agency)
        self.assertTrue(found.has_scope(Scope.STATUS_READ))
        self.assertFalse(found.has_scope(Scope.REQUESTS_FILE))

    def test_it_refuses_a_wrong_secret_an_unknown_prefix_and_garbage(self) -> None:
        key, raw = self.create()
        wrong_secret = raw[:-1] + ("A" if raw[-1] != "A" else "B")
        unknown_prefix = f"mzk_{'0' * 12}_{raw.split('_', 2)[2]}"
        for attempt in (wrong_secret, unknown_prefix, "", "mzk_", "Bearer x", key.prefix, "x_y_z"):
            with self.subTest(attempt=attempt):
                self.assertIsNone(api_key_authenticate(attempt))

    def test_it_refuses_a_revoked_key_at_once(self) -> None:
        key, raw = self.create()
        api_key_revoke(key=key, actor=self.admin)
        self.assertIsNone(api_key_authenticate(raw))
        key.refresh_from_db()
        self.assertEqual(key.status(), KeyStatus.REVOKED)
        self.assertEqual(key.revoked_by, self.admin)
        api_key_revoke(key=key, actor=self.admin)  # again: nothing changes
        self.assertEqual(AuditEntry.objects.filter(action="api_key.revoke").count(), 1)

    def test_it_refuses_an_expired_key(self) -> None:
        ends = timezone.now() + datetime.timedelta(days=30)
        _key, raw = self.create(expires_at=ends)
        self.assertIsNotNone(api_key_authenticate(raw))
        with later(days=30, seconds=1):
            self.assertIsNone(api_key_authenticate(raw))

    def test_it_refuses_the_key_of_a_closed_agency(self) -> None:
        _key, raw = self.create()
        self.agency.is_active = False
        self.agency.save(update_fields=["is_active"])
        self.assertIsNone(api_key_authenticate(raw))

    def test_it_records_use_at_most_once_a_minute(self) -> None:
        key, raw = self.create()
        with self.assertNumQueries(2):  # the read, and the first use written
            api_key_authenticate(raw)
        with self.assertNumQueries(1):  # the read only
            api_key_authenticate(raw)
        with later(minutes=2), self.assertNumQueries(2):
            api_key_authenticate(raw)
        key.refresh_from_db()
        self.assertIsNotNone(key.last_used_at)

    def test_rotation_keeps_the_old_key_for_the_grace_period_only(self) -> None:
        old, old_raw = self.create()
        with override_settings(API_KEY_ROTATION_GRACE_HOURS=24):
            created = api_key_rotate(key=old, actor=self.admin)
        self.assertNotEqual(created.raw, old_raw)
        self.assertEqual(created.key.scopes, old.scopes)
        self.assertEqual(created.key.name, old.name)
        old.refresh_from_db()
        self.assertEqual(old.replaced_by, created.key)
        self.assertEqual(old.status(), KeyStatus.GRACE)
        self.assertEqual(api_key_authenticate(old_raw), old)
        self.assertEqual(api_key_authenticate(created.raw), created.key)
        with later(hours=24, seconds=1):
            self.assertIsNone(api_key_authenticate(old_raw))
            self.assertEqual(api_key_authenticate(created.raw), created.key)

    def test_rotation_never_lengthens_a_key_that_ends_sooner(self) -> None:
        ends = timezone.now() + datetime.timedelta(hours=2)
        old, _raw = self.create(expires_at=ends)
        created = api_key_rotate(key=old, actor=self.admin, grace=datetime.timedelta(days=1))
        old.refresh_from_db()
        self.assertEqual(old.expires_at, ends)
        self.assertEqual(created.key.expires_at, ends)

    def test_a_revoked_or_already_rotated_key_is_not_rotated(self) -> None:
        rotated, _raw = self.create()
        api_key_rotate(key=rotated, actor=self.admin)
        revoked, _raw = self.create()
        api_key_revoke(key=revoked, actor=self.admin)
        for key in (rotated, revoked):
            with self.subTest(key=key.name), self.assertRaises(ApplicationError):
                api_key_rotate(key=key, actor=self.admin)

    def test_it_refuses_no_scopes_unknown_scopes_and_an_empty_name(self) -> None:
        cases: list[dict[str, Any]] = [{"scopes": []}, {"scopes": ["admin:all"]}, {"name": "  "}]
        for extra in cases:
            with self.subTest(extra=extra), self.assertRaises(ApplicationError):
                self.create(**extra)
        self.assertFalse(ApiKey.objects.exists())


class ApiKeyAdminTests(KeyTestCase):
    def add(self, **data: object) -> object:
        self.client.force_login(self.admin)
        form = {"name": "اپلیکیشن همراه", "scopes": ["catalog:read", "requests:file"], **data}
        return self.client.post(reverse("admin:integrations_apikey_add"), form)

    def test_an_agency_admin_creates_a_key_and_sees_it_once(self) -> None:
        r = self.add()
        self.assertEqual(r.status_code, 200)  # type: ignore[attr-defined]
        self.assertIn("no-store", r["Cache-Control"])  # type: ignore[index]
        raw = RAW_KEY.search(r.content.decode())  # type: ignore[attr-defined]
        assert raw is not None
        self.assertContains(r, "فقط همین یک بار")  # type: ignore[arg-type]
        key = ApiKey.objects.get()
        self.assertEqual(key.agency, self.agency)  # forced, never chosen
        self.assertEqual(key.created_by, self.admin)
        self.assertEqual(api_key_authenticate(raw.group()), key)
        page = self.client.get(reverse("admin:integrations_apikey_change", args=[key.pk]))
        self.assertContains(page, key.display_prefix)
        self.assertNotContains(page, raw.group())
        listing = self.client.get(reverse("admin:integrations_apikey_changelist"))
        self.assertNotContains(listing, raw.group())

    def test_a_key_without_scopes_is_refused_with_what_was_typed_kept(self) -> None:
        r = self.add(scopes=[])
        self.assertEqual(r.status_code, 200)  # type: ignore[attr-defined]
        self.assertContains(r, "اپلیکیشن همراه")  # type: ignore[arg-type]
        self.assertTrue(r.context["errors"])  # type: ignore[attr-defined]
        self.assertFalse(ApiKey.objects.exists())

    def test_an_end_in_the_past_is_refused(self) -> None:
        r = self.add(expires_at_0="1", expires_at_1="1", expires_at_2="1400")
        self.assertFalse(ApiKey.objects.exists(), r)

    def test_an_agency_admin_sets_the_end_in_jalali_and_tehran_time(self) -> None:
        self.client.force_login(self.admin)
        form = self.client.get(reverse("admin:integrations_apikey_add"))
        for label in ("روز", "ماه", "سال", "ساعت", "دقیقه"):
            self.assertContains(form, f">{label}</label>")
        self.assertContains(form, "به وقت تهران")
        # 1410/01/01 08:30 in Tehran (UTC+3:30) is 2031-03-21 05:00 UTC.
        self.add(
            expires_at_0="۱",
            expires_at_1="۱",
            expires_at_2="۱۴۱۰",
            expires_at_3="۸",
            expires_at_4="۳۰",
        )
        key = ApiKey.objects.get()
        self.assertEqual(key.expires_at, datetime.datetime(2031, 3, 21, 5, 0, tzinfo=datetime.UTC))
        page = self.client.get(reverse("admin:integrations_apikey_change", args=[key.pk]))
        self.assertContains(page, "۱۴۱۰/۰۱/۰۱ ساعت ۰۸:۳۰")

    def test_a_day_missing_from_the_calendar_is_refused_with_what_was_typed_kept(self) -> None:
        # 1409 is not a leap year: it has no 30 Esfand.
        r = self.add(
            expires_at_0="۳۰",
            expires_at_1="۱۲",
            expires_at_2="۱۴۰۹",
            expires_at_3="۱۷",
            expires_at_4="۴۵",
        )
        self.assertEqual(r.status_code, 200)  # type: ignore[attr-defined]
        self.assertFalse(ApiKey.objects.exists())
        self.assertContains(r, "این تاریخ در تقویم وجود ندارد")  # type: ignore[arg-type]
        for typed in ("۳۰", "۱۲", "۱۴۰۹", "۱۷", "۴۵", "اپلیکیشن همراه"):
            self.assertContains(r, f'value="{typed}"')  # type: ignore[arg-type]

    def test_an_hour_out_of_range_is_refused_in_words(self) -> None:
        r = self.add(expires_at_0="1", expires_at_1="1", expires_at_2="1410", expires_at_3="25")
        self.assertContains(r, "ساعت از ۰ تا ۲۳")  # type: ignore[arg-type]
        self.assertFalse(ApiKey.objects.exists())

    def test_rotating_in_the_admin_shows_the_new_key_once(self) -> None:
        old, old_raw = self.create()
        self.client.force_login(self.admin)
        r = self.client.post(
            reverse("admin:integrations_apikey_changelist"),
            {"action": "rotate", "_selected_action": [old.pk]},
        )
        self.assertEqual(r.status_code, 200)
        new_raw = RAW_KEY.search(r.content.decode())
        assert new_raw is not None
        self.assertNotEqual(new_raw.group(), old_raw)
        old.refresh_from_db()
        self.assertEqual(api_key_authenticate(new_raw.group()), old.replaced_by)

    def test_revoking_in_the_admin_refuses_the_key(self) -> None:
        key, raw = self.create()
        self.client.force_login(self.admin)
        r = self.client.post(
            reverse("admin:integrations_apikey_changelist"),
            {"action": "revoke", "_selected_action": [key.pk]},
        )
        self.assertEqual(r.status_code, 302)
        self.assertIsNone(api_key_authenticate(raw))

    def test_an_agency_admin_cannot_rotate_or_revoke_another_agencys_key(self) -> None:
        theirs = api_key_create(
            agency=self.other_agency, name="سامانه گاز", scopes=["catalog:read"], created_by=None
        )
        self.client.force_login(self.admin)
        for action in ("rotate", "revoke"):
            with self.subTest(action=action):
                self.client.post(
                    reverse("admin:integrations_apikey_changelist"),
                    {"action": action, "_selected_action": [theirs.key.pk]},
                )
                self.assertEqual(api_key_authenticate(theirs.raw), theirs.key)
        theirs.key.refresh_from_db()
        self.assertIsNone(theirs.key.replaced_by)

    def test_staff_who_are_not_agency_admins_get_no_key_pages(self) -> None:
        self.client.force_login(self.manager)
        r = self.client.get(reverse("admin:integrations_apikey_changelist"))
        self.assertIn(r.status_code, {302, 403})
