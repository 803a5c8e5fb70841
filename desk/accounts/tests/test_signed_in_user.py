"""Who is signed in (desk/accounts/middleware.py, SignedInUserMiddleware): Django's checks, the
user read with their staff record in one statement."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from desk.agencies.models import Role
from desk.test import BaseTestCase, create_staff


class SignedInUserTests(BaseTestCase):
    def test_a_citizen_stays_signed_in(self) -> None:
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:my_requests"))
        self.assertEqual(r.status_code, 200)

    def test_a_changed_password_ends_the_session(self) -> None:
        self.client.force_login(self.citizen)
        self.citizen.set_password("another secret phrase")
        self.citizen.save()
        r = self.client.get(reverse("submissions:my_requests"))
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith(reverse("accounts:citizen_login")))

    def test_a_deactivated_account_is_signed_out(self) -> None:
        self.client.force_login(self.citizen)
        self.citizen.is_active = False
        self.citizen.save()
        r = self.client.get(reverse("submissions:my_requests"))
        self.assertEqual(r.status_code, 302)

    @override_settings(SESSION_ENGINE="desk.core.sessions_db")  # the session counted below
    def test_a_staff_member_is_known_as_staff_from_the_same_statement(self) -> None:
        self.client.force_login(create_staff(self.agency, "clerk", Role.CLERK))
        # The session; the user with their staff record and agency (one statement: the staff
        # session's checks ask for the record and find it on the user); the service.
        with self.assertNumQueries(3):
            r = self.client.get(reverse("submissions:apply", args=["no-such-service"]))
        self.assertEqual(r.status_code, 404)
