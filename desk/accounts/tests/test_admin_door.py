"""The admin has no sign-in of its own: /admin/login/ is the staff door, with its lockout and
two-factor step."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from desk.accounts.models import User
from desk.accounts.services import staff_sign_in_refused_message
from desk.agencies.models import Role
from desk.test import BaseTestCase, create_staff, create_totp_device, totp_code

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = reverse("accounts:staff_login")
ADMIN = reverse("admin:index")
PASSWORD = "a-Strong-pass-1404"


class AdminDoorTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", password=PASSWORD)
        self.agency_admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.agency_admin.is_staff = True
        self.agency_admin.save()

    def _sign_in(self, username: str, password: str = PASSWORD, ip: str = "10.1.0.1") -> Response:
        """Through the door the admin sends people to: the staff sign-in with next=/admin/."""
        return self.client.post(
            f"{LOGIN}?{urlencode({'next': ADMIN})}",
            {"username": username, "password": password, "next": ADMIN},
            REMOTE_ADDR=ip,
        )

    def _admin_status(self) -> int:
        return self.client.get(ADMIN).status_code

    def test_the_admin_sends_strangers_to_the_staff_sign_in(self) -> None:
        r = self.client.get(ADMIN, follow=True)
        self.assertEqual(r.redirect_chain[-1][0], f"{LOGIN}?{urlencode({'next': ADMIN})}")
        self.assertContains(r, "ورود کارکنان دستگاه")

    def test_a_password_posted_to_the_admin_login_signs_nobody_in(self) -> None:
        r = self.client.post(
            reverse("admin:login"), {"username": "root", "password": PASSWORD}, follow=True
        )
        self.assertIsNone(self.client.session.get("_auth_user_id"))
        self.assertContains(r, "ورود کارکنان دستگاه")
        self.assertEqual(self._admin_status(), 302)

    def test_a_locked_account_is_refused_at_both_doors(self) -> None:
        self.root.locked_until = timezone.now() + timedelta(minutes=10)
        self.root.save()
        for r in (
            self._sign_in("root"),
            self.client.post(LOGIN, {"username": "root", "password": PASSWORD}),
        ):
            self.assertContains(r, staff_sign_in_refused_message())
            self.assertIsNone(self.client.session.get("_auth_user_id"))
        self.assertEqual(self._admin_status(), 302)

    def test_the_sixth_wrong_password_is_refused_at_the_admin_door(self) -> None:
        for _ in range(settings.STAFF_LOGIN_FAILURES_PER_ADDRESS):
            self.assertContains(self._sign_in("root", "wrong"), staff_sign_in_refused_message())
        r = self._sign_in("root")  # the 6th try, even with the right password
        self.assertContains(r, staff_sign_in_refused_message())
        self.assertEqual(self._admin_status(), 302)

    def test_the_sixth_wrong_password_is_refused_at_the_staff_door(self) -> None:
        for _ in range(settings.STAFF_LOGIN_FAILURES_PER_ADDRESS):
            self.client.post(LOGIN, {"username": "manager", "password": "wrong"})
        r = self.client.post(LOGIN, {"username": "manager", "password": PASSWORD})
        self.assertContains(r, staff_sign_in_refused_message())
        self.assertIsNone(self.client.session.get("_auth_user_id"))

    def test_a_superuser_without_an_authenticator_must_enroll_before_the_admin(self) -> None:
        r = self._sign_in("root")
        enroll = f"{reverse('accounts:two_factor')}?{urlencode({'next': ADMIN})}"
        self.assertRedirects(r, enroll)
        self.assertRedirects(self.client.get(ADMIN), enroll)
        self.assertRedirects(
            self.client.get(reverse("admin:accounts_user_changelist")),
            f"{reverse('accounts:two_factor')}?next=%2Fadmin%2Faccounts%2Fuser%2F",
        )

    def test_a_superuser_with_an_authenticator_opens_the_admin_only_after_the_code(
        self,
    ) -> None:
        device = create_totp_device(self.root)
        r = self._sign_in("root")
        verify = f"{reverse('accounts:staff_verify')}?{urlencode({'next': ADMIN})}"
        self.assertRedirects(r, verify)
        self.assertRedirects(self.client.get(ADMIN), verify)
        r = self.client.post(verify, {"code": totp_code(device)})
        self.assertRedirects(r, ADMIN)
        self.assertEqual(self._admin_status(), 200)

    def test_an_agency_admin_needs_the_code_too(self) -> None:
        device = create_totp_device(self.agency_admin)
        self._sign_in("agency-admin")
        self.assertEqual(self._admin_status(), 302)
        self.client.post(reverse("accounts:staff_verify"), {"code": totp_code(device)})
        self.assertEqual(self._admin_status(), 200)

    def test_no_admin_page_shows_an_authenticator_key(self) -> None:
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        self.assertFalse(admin.site.is_registered(TOTPDevice))
        self.assertFalse(admin.site.is_registered(StaticDevice))
