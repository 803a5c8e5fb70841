"""Who is signed in (desk/accounts/middleware.py, SignedInUserMiddleware): Django's checks, the
user read with their staff record in one statement."""

from __future__ import annotations

from typing import Any, cast

from asgiref.sync import async_to_sync
from django.contrib.auth import login
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts.middleware import MODEL_BACKEND, SignedInUserMiddleware
from desk.accounts.models import User
from desk.agencies.models import Role
from desk.test import BaseTestCase, create_staff, create_totp_device


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


class VerifiedDeviceTests(BaseTestCase):
    """``otp_device`` and ``is_verified()`` as django-otp's own middleware sets them, for
    ``request.user`` and ``await request.auser()`` alike."""

    def setUp(self) -> None:
        super().setUp()
        self.manager = create_staff(self.agency, "manager-2fa", Role.MANAGER)
        self.device = create_totp_device(self.manager)

    def request_for(self, user: User, device: TOTPDevice | None) -> HttpRequest:
        request = RequestFactory().get("/")
        SessionMiddleware(lambda r: HttpResponse()).process_request(request)
        login(request, user, backend=MODEL_BACKEND)
        if device is not None:
            request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        SignedInUserMiddleware(lambda r: HttpResponse()).process_request(request)
        return request

    def users(self, request: HttpRequest) -> list[Any]:
        return [request.user, async_to_sync(cast(Any, request).auser)()]

    def test_the_sessions_own_confirmed_device_verifies_the_user(self) -> None:
        for user in self.users(self.request_for(self.manager, self.device)):
            self.assertTrue(user.is_verified())
            self.assertEqual(user.otp_device, self.device)

    def test_a_session_without_a_device_is_not_verified(self) -> None:
        for user in self.users(self.request_for(self.manager, None)):
            self.assertFalse(user.is_verified())
            self.assertIsNone(user.otp_device)

    def test_another_persons_device_is_refused_and_forgotten(self) -> None:
        other = create_totp_device(create_staff(self.agency, "other-2fa", Role.MANAGER))
        for index in range(2):  # request.user, then auser(): a fresh request each
            request = self.request_for(self.manager, other)
            user = self.users(request)[index]
            self.assertFalse(user.is_verified())
            self.assertNotIn(DEVICE_ID_SESSION_KEY, request.session)

    def test_an_unconfirmed_device_does_not_verify(self) -> None:
        self.device.confirmed = False
        self.device.save()
        for user in self.users(self.request_for(self.manager, self.device)):
            self.assertFalse(user.is_verified())

    def test_an_anonymous_visitor_is_not_verified(self) -> None:
        request = RequestFactory().get("/")
        SessionMiddleware(lambda r: HttpResponse()).process_request(request)
        SignedInUserMiddleware(lambda r: HttpResponse()).process_request(request)
        for user in self.users(request):
            self.assertFalse(user.is_authenticated)
            self.assertFalse(user.is_verified())
