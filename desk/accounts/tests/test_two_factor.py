"""Two-factor sign-in: required for agency admins, managers and superusers, optional for
other staff; enrollment with a QR code; single-use recovery codes."""

from __future__ import annotations

import re
from io import StringIO
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.lib.persian import to_ascii_digits
from desk.test import BaseTestCase, create_staff, create_totp_device, totp_code

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = reverse("accounts:staff_login")
VERIFY = reverse("accounts:staff_verify")
ENROLL = reverse("accounts:two_factor")
REGENERATE = reverse("accounts:recovery_codes_regenerate")
INBOX = reverse("submissions:inbox")
PASSWORD = "a-Strong-pass-1404"


def _with_next(url: str, target: str = INBOX) -> str:
    return f"{url}?{urlencode({'next': target})}"


class TwoFactorTestCase(BaseTestCase):
    def password(self, username: str) -> Response:
        return self.client.post(LOGIN, {"username": username, "password": PASSWORD})

    def enroll(self) -> list[str]:
        """Enroll the signed-in person's app; returns the recovery codes shown once."""
        self.client.get(ENROLL)
        device = TOTPDevice.objects.get(confirmed=False)
        r = self.client.post(ENROLL, {"code": totp_code(device), "next": INBOX})
        self.assertEqual(r.status_code, 200)
        return [to_ascii_digits(c) for c in re.findall(r"<code[^>]*>([۰-۹-]+)</code>", r.text)]

    def sign_out(self) -> None:
        self.client.post(reverse("accounts:logout"))

    def inbox_status(self) -> int:
        return self.client.get(INBOX).status_code


class RequiredTwoFactorTests(TwoFactorTestCase):
    def test_a_manager_without_an_app_is_led_to_enrollment_after_the_password(self) -> None:
        self.assertRedirects(self.password("manager"), _with_next(ENROLL))
        self.assertRedirects(self.client.get(INBOX), _with_next(ENROLL))
        self.assertRedirects(
            self.client.get(reverse("notifications:failures")),
            _with_next(ENROLL, reverse("notifications:failures")),
        )

    def test_an_agency_admin_and_a_superuser_must_enroll_too(self) -> None:
        create_staff(self.agency, "agency-admin", Role.ADMIN)
        User.objects.create_superuser("root", password=PASSWORD)
        self.assertRedirects(self.password("agency-admin"), _with_next(ENROLL))
        self.sign_out()
        r = self.password("root")
        self.assertRedirects(r, _with_next(ENROLL, reverse("admin:index")))

    def test_the_enrollment_page_draws_a_qr_code_and_the_key_in_persian(self) -> None:
        self.password("manager")
        r = self.client.get(_with_next(ENROLL))
        self.assertContains(r, "ورود دومرحله‌ای را روشن کنید")
        self.assertContains(r, "برای نقش شما ورود دومرحله‌ای لازم است")
        self.assertContains(r, "<svg")
        device = TOTPDevice.objects.get(user=self.manager, confirmed=False)
        self.assertIn("issuer=Mizkhedmat", device.config_url)
        secret = re.search(r'<code dir="ltr"[^>]*>([A-Z2-7 ]+)</code>', r.text)
        assert secret is not None
        from base64 import b32encode

        self.assertEqual(secret.group(1).replace(" ", ""), b32encode(device.bin_key).decode())
        # The same key on a reload: the app scanned once stays right.
        self.client.get(ENROLL)
        self.assertEqual(TOTPDevice.objects.filter(user=self.manager).count(), 1)

    def test_a_wrong_first_code_is_refused_next_to_the_field_and_nothing_is_enabled(
        self,
    ) -> None:
        self.password("manager")
        self.client.get(ENROLL)
        r = self.client.post(ENROLL, {"code": "000000"})
        self.assertContains(r, "کد درست نیست")
        self.assertContains(r, 'value="000000"')
        self.assertFalse(TOTPDevice.objects.filter(confirmed=True).exists())
        self.assertRedirects(self.client.get(INBOX), _with_next(ENROLL))

    def test_enrolling_shows_ten_recovery_codes_once_and_opens_the_inbox(self) -> None:
        self.password("manager")
        codes = self.enroll()
        self.assertEqual(len(codes), 10)
        self.assertTrue(all(re.fullmatch(r"\d{4}-\d{4}-\d{4}", c) for c in codes), codes)
        self.assertEqual(self.inbox_status(), 200)
        # Afterwards the page shows the state, never the codes again.
        r = self.client.get(ENROLL)
        self.assertContains(r, "ورود دومرحله‌ای روشن است")
        self.assertNotContains(r, codes[0][:4])

    def test_recovery_codes_are_stored_only_as_hashes(self) -> None:
        self.password("manager")
        codes = self.enroll()
        stored = set(StaticToken.objects.values_list("token", flat=True))
        self.assertEqual(len(stored), 10)
        for code in codes:
            self.assertNotIn(code, stored)
            self.assertNotIn(code.replace("-", ""), stored)

    def test_the_next_sign_in_asks_for_the_code(self) -> None:
        self.password("manager")
        self.enroll()
        self.sign_out()
        self.assertRedirects(self.password("manager"), _with_next(VERIFY))
        self.assertRedirects(self.client.get(INBOX), _with_next(VERIFY))
        device = TOTPDevice.objects.get(user=self.manager)
        r = self.client.post(_with_next(VERIFY), {"code": totp_code(device, at=_next_step())})
        self.assertRedirects(r, INBOX)
        self.assertEqual(self.inbox_status(), 200)

    def test_a_wrong_code_is_refused_and_the_throttle_is_kept(self) -> None:
        device = create_totp_device(self.manager)
        self.password("manager")
        r = self.client.post(VERIFY, {"code": "123"})
        self.assertContains(r, "کد درست نیست")
        device.refresh_from_db()
        self.assertEqual(device.throttling_failure_count, 1)
        self.assertRedirects(self.client.get(INBOX), _with_next(VERIFY))

    def test_a_password_alone_cannot_replace_an_enrolled_app(self) -> None:
        create_totp_device(self.manager)
        self.password("manager")
        self.assertRedirects(self.client.get(ENROLL), _with_next(VERIFY))
        self.assertEqual(TOTPDevice.objects.filter(user=self.manager).count(), 1)


class RecoveryCodeTests(TwoFactorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.password("manager")
        self.codes = self.enroll()
        self.sign_out()

    def test_a_recovery_code_signs_in_once(self) -> None:
        self.password("manager")
        r = self.client.post(VERIFY, {"code": self.codes[0]}, follow=True)
        self.assertContains(r, "با کد بازیابی وارد شدید")
        self.assertContains(r, "۹ کد بازیابی دیگر")
        self.assertEqual(self.inbox_status(), 200)
        self.sign_out()
        self.password("manager")
        r = self.client.post(VERIFY, {"code": self.codes[0]})
        self.assertContains(r, "کد درست نیست")
        self.assertEqual(self.client.get(INBOX).status_code, 302)

    def test_a_recovery_code_may_be_typed_in_persian_digits_without_dashes(self) -> None:
        from desk.lib.persian import to_persian_digits

        self.password("manager")
        typed = to_persian_digits(self.codes[1].replace("-", ""))
        self.assertRedirects(self.client.post(VERIFY, {"code": typed}), INBOX)

    def test_new_codes_replace_the_old_ones(self) -> None:
        self.password("manager")
        self.client.post(VERIFY, {"code": self.codes[0]})
        r = self.client.post(REGENERATE)
        self.assertEqual(r["Cache-Control"], "no-store")
        fresh = [to_ascii_digits(c) for c in re.findall(r"<code[^>]*>([۰-۹-]+)</code>", r.text)]
        self.assertEqual(len(fresh), 10)
        self.sign_out()
        self.password("manager")
        self.assertRedirects(self.client.post(VERIFY, {"code": fresh[0]}), INBOX)
        self.sign_out()
        self.password("manager")
        self.assertContains(self.client.post(VERIFY, {"code": self.codes[1]}), "کد درست نیست")

    def test_codes_cannot_be_regenerated_before_the_second_step(self) -> None:
        self.password("manager")
        self.assertRedirects(self.client.post(REGENERATE), VERIFY)
        self.assertEqual(StaticToken.objects.count(), 10)

    def test_an_administrator_resets_a_lost_phone_with_otp_reset(self) -> None:
        out = StringIO()
        call_command("otp_reset", "manager", stdout=out)
        self.assertIn("manager", out.getvalue())
        self.assertFalse(TOTPDevice.objects.filter(user=self.manager).exists())
        self.assertFalse(StaticToken.objects.exists())
        self.assertRedirects(self.password("manager"), _with_next(ENROLL))


class OptionalTwoFactorTests(TwoFactorTestCase):
    def test_an_expert_signs_in_with_a_password_alone(self) -> None:
        self.assertRedirects(self.password("expert"), INBOX)
        self.assertContains(self.client.get(INBOX), f'href="{ENROLL}"')  # from every staff page

    def test_an_expert_may_enroll_and_is_then_asked_for_the_code(self) -> None:
        self.password("expert")
        r = self.client.get(ENROLL)
        self.assertContains(r, "ورود دومرحله‌ای را روشن کنید")
        self.assertNotContains(r, "برای نقش شما ورود دومرحله‌ای لازم است")
        self.enroll()
        self.sign_out()
        self.assertRedirects(self.password("expert"), _with_next(VERIFY))
        self.assertRedirects(self.client.get(INBOX), _with_next(VERIFY))


def _next_step() -> float:
    """A moment in the next TOTP period: a code just used at enrollment is not accepted twice."""
    import time

    return time.time() + 30
