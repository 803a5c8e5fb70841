"""The demo's admin and manager accounts stay usable with two-factor sign-in: one public key."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts.models import User
from desk.accounts.two_factor import two_factor_required
from desk.demo import data as demo


@override_settings(DEBUG=True)  # load_demo is for development
def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoTwoFactorTests(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = run("load_demo")

    def test_it_gives_the_demo_key_to_every_account_that_must_use_two_factor(self) -> None:
        staff_accounts = list(User.objects.filter(national_code__isnull=True))
        required = [u for u in staff_accounts if two_factor_required(u)]
        self.assertTrue(any(u.is_superuser for u in required))
        self.assertGreater(len(required), 2)
        for user in staff_accounts:
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
            if user in required:
                self.assertEqual([d.bin_key for d in devices], [demo.DEMO_TOTP_KEY], user)
            else:
                self.assertFalse(devices.exists(), user)

    def test_it_prints_the_key_and_how_to_get_a_code(self) -> None:
        self.assertIn("NVUX U23I MVSG 2YLU FVSG K3LP FUZG MYJB", self.output)
        self.assertIn("manage.py demo_totp", self.output)

    def test_the_demo_superuser_opens_the_admin_with_the_printed_code(self) -> None:
        admin = reverse("admin:index")
        r = self.client.post(
            f"{reverse('accounts:staff_login')}?next={admin}",
            {"username": demo.SUPERUSER["username"], "password": demo.DEMO_PASSWORD, "next": admin},
        )
        self.assertRedirects(r, f"{reverse('accounts:staff_verify')}?next=%2Fadmin%2F")
        code = re.match(r"(\d{6}) ", run("demo_totp"))
        assert code is not None
        r = self.client.post(r["Location"], {"code": code.group(1)})
        self.assertRedirects(r, admin)

    def test_running_it_again_keeps_one_demo_device_per_account(self) -> None:
        before = TOTPDevice.objects.count()
        run("load_demo")
        self.assertEqual(TOTPDevice.objects.count(), before)
