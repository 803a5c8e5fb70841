from __future__ import annotations

import io
import os
from unittest.mock import patch

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from desk.accounts.models import User
from desk.agencies.models import Agency, Role, Staff
from desk.audit.models import AuditEntry
from desk.test import sign_in_verified

PASSWORDS = {
    "BOOTSTRAP_SUPERUSER_PASSWORD": "Root-pass-for-1404-desk",
    "BOOTSTRAP_ADMIN_PASSWORD": "Admin-pass-for-1404-desk",
}
FLAGS = [
    "--no-input",
    "--superuser=root",
    "--agency-name=شهرداری تهران",
    "--agency-slug=tehran-municipality",
    "--admin=tehran-admin",
]


def bootstrap(*args: str, **env: str) -> str:
    out = io.StringIO()
    with patch.dict(os.environ, env):
        call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


class BootstrapTest(TestCase):
    def test_it_creates_the_superuser_the_agency_and_its_admin(self) -> None:
        out = bootstrap(*FLAGS, **PASSWORDS)

        self.assertIn("superuser root: created", out)
        root = User.objects.get(username="root")
        self.assertTrue(root.is_superuser and root.is_staff)
        agency = Agency.objects.get(slug="tehran-municipality")
        self.assertEqual(agency.name, "شهرداری تهران")
        staff = Staff.objects.get(user__username="tehran-admin")
        self.assertEqual((staff.agency, staff.role), (agency, Role.ADMIN))
        self.assertTrue(
            self.client.login(
                username="tehran-admin", password=PASSWORDS["BOOTSTRAP_ADMIN_PASSWORD"]
            )
        )
        sign_in_verified(self.client, staff.user)  # the admin asks for the two-factor step
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)
        self.assertTrue(AuditEntry.objects.filter(action="operations.bootstrap").exists())

    def test_running_it_again_changes_nothing(self) -> None:
        bootstrap(*FLAGS, **PASSWORDS)

        out = bootstrap(
            *FLAGS,
            BOOTSTRAP_SUPERUSER_PASSWORD="Another-pass-1404-x",
            BOOTSTRAP_ADMIN_PASSWORD="Another-pass-1404-y",
        )

        self.assertIn("superuser root: already there, left unchanged", out)
        self.assertIn("agency admin tehran-admin: already there", out)
        self.assertTrue(
            User.objects.get(username="root").check_password(
                PASSWORDS["BOOTSTRAP_SUPERUSER_PASSWORD"]
            )
        )
        self.assertEqual(Agency.objects.count(), 1)

    def test_it_refuses_a_weak_password_and_creates_nothing(self) -> None:
        with self.assertRaisesMessage(CommandError, "root:"):
            bootstrap(*FLAGS, BOOTSTRAP_SUPERUSER_PASSWORD="12345678", BOOTSTRAP_ADMIN_PASSWORD="x")

        self.assertFalse(User.objects.exists())
        self.assertFalse(Agency.objects.exists())

    def test_without_input_it_needs_the_password_from_the_environment(self) -> None:
        with patch.dict(os.environ, {}, clear=False):
            os.environ.pop("BOOTSTRAP_SUPERUSER_PASSWORD", None)
            with self.assertRaisesMessage(CommandError, "BOOTSTRAP_SUPERUSER_PASSWORD"):
                call_command("bootstrap", "--no-input", "--superuser=root", stdout=io.StringIO())

    def test_the_superuser_alone_is_enough(self) -> None:
        out = bootstrap("--no-input", "--superuser=root", **PASSWORDS)

        self.assertEqual(out.strip(), "superuser root: created")
        self.assertFalse(Agency.objects.exists())
