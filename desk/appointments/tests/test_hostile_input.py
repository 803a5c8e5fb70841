"""Slots and admin forms that once answered 500: now a Persian refusal."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.api.tests.base import ApiTestCase, new_key, token_for
from desk.appointments.models import Appointment, Policy
from desk.appointments.tests.helpers import MONDAY, AppointmentTestCase, at
from desk.core.errors import ApplicationError
from desk.test import create_staff


class SlotAtTheEdgeOfTimeTests(AppointmentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.citizen)
        self.url = reverse("appointments:book", args=[self.service.slug])

    def test_it_refuses_the_last_moment_of_year_9999_in_persian(self) -> None:
        response = self.client.post(self.url, {"slot": "9999-12-31T23:59:59+14:00"})
        self.assertContains(response, "این نوبت دیگر در دسترس نیست", status_code=400)
        self.assertFalse(Appointment.objects.exists())

    def test_it_refuses_a_moment_with_no_utc_equivalent_in_persian(self) -> None:
        response = self.client.post(self.url, {"slot": "0001-01-01T00:00:00+14:00"})
        self.assertContains(response, "این نوبت معتبر نیست", status_code=400)
        self.assertFalse(Appointment.objects.exists())

    def test_it_refuses_a_slot_that_is_not_a_moment(self) -> None:
        response = self.client.post(self.url, {"slot": "9999-99-99"})
        self.assertContains(response, "یک نوبت را انتخاب کنید", status_code=400)


POLICY = {
    "max_no_shows": "3",
    "no_show_window_days": "90",
    "horizon_days": "30",
    "warning_working_days": "5",
}


class SecondPolicyTests(AppointmentTestCase):
    def test_an_agency_admin_gets_a_form_error_for_a_second_policy(self) -> None:
        Policy.objects.create(agency=self.agency)
        admin = create_staff(self.agency, "agency-admin-1", role=Role.ADMIN)
        admin.is_staff = True
        admin.save(update_fields=["is_staff"])
        self.client.force_login(admin)
        response = self.client.post("/admin/appointments/policy/add/", POLICY)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errornote")
        self.assertEqual(Policy.objects.count(), 1)

    def test_a_superuser_gets_a_form_error_for_a_second_policy(self) -> None:
        Policy.objects.create(agency=self.agency)
        self.client.force_login(
            User.objects.create_superuser(username="root", password="a-Strong-pass-1404")
        )
        response = self.client.post(
            "/admin/appointments/policy/add/", POLICY | {"agency": str(self.agency.pk)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errornote")
        self.assertEqual(Policy.objects.count(), 1)


class ConfirmedSlotAtTheEdgeOfTimeTests(AppointmentTestCase):
    """The confirm button posts straight to the booking: a slot that is no offered one is
    refused there with the next free ones, however far off it lies."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.citizen)
        self.url = reverse("appointments:book", args=[self.service.slug])

    def confirm(self, slot: str) -> Any:
        return self.client.post(self.url, {"slot": slot, "confirm": "1"})

    def test_it_refuses_a_confirmed_slot_on_the_last_day_of_year_9999_in_persian(self) -> None:
        for slot in ("9999-12-31T23:59:59+00:00", "9999-12-31T20:00:00+00:00"):
            with self.subTest(slot=slot):
                response = self.confirm(slot)
                self.assertContains(response, "این نوبت دیگر در دسترس نیست", status_code=400)
        self.assertFalse(Appointment.objects.exists())

    def test_it_refuses_a_confirmed_slot_on_the_first_day_of_year_1_in_persian(self) -> None:
        response = self.confirm("0001-01-01T00:00:00+00:00")
        self.assertContains(response, "این نوبت دیگر در دسترس نیست", status_code=400)
        self.assertFalse(Appointment.objects.exists())

    def test_it_refuses_a_confirmed_slot_with_no_offset_in_persian(self) -> None:
        response = self.confirm(at(MONDAY, 8, 0).replace(tzinfo=None).isoformat())
        self.assertContains(response, "یک نوبت را انتخاب کنید", status_code=400)
        self.assertFalse(Appointment.objects.exists())


class BookingServiceAtTheEdgeOfTimeTests(AppointmentTestCase):
    """The service itself refuses what its forms would never pass on."""

    def test_it_refuses_a_slot_without_a_time_zone(self) -> None:
        with self.assertRaisesMessage(ApplicationError, "این نوبت دیگر در دسترس نیست"):
            self.book(at(MONDAY, 8, 0).replace(tzinfo=None))
        self.assertFalse(Appointment.objects.exists())

    def test_it_refuses_the_first_and_last_moments_of_the_calendar(self) -> None:
        for moment in (datetime.datetime.max, datetime.datetime.min):
            with (
                self.subTest(moment=moment),
                self.assertRaisesMessage(ApplicationError, "این نوبت دیگر در دسترس نیست"),
            ):
                self.book(moment.replace(tzinfo=datetime.UTC))
        self.assertFalse(Appointment.objects.exists())


class ApiSlotAtTheEdgeOfTimeTests(ApiTestCase, AppointmentTestCase):
    def book_call(self, slot: str) -> Any:
        data = {"service": self.service.slug, "slot": slot}
        return self.call(
            "post", "/api/v1/me/appointments/", token_for(self.citizen), data, key=new_key()
        )

    def test_it_refuses_a_slot_at_the_edges_of_the_calendar_in_persian(self) -> None:
        for slot in ("9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"):
            with self.subTest(slot=slot):
                got = self.book_call(slot)
                self.assertEqual(got.status_code, 422, got.content)
                self.assertIn("این نوبت دیگر در دسترس نیست", got.json()["detail"])
        self.assertFalse(Appointment.objects.exists())

    def test_it_refuses_a_slot_with_no_offset_in_persian(self) -> None:
        got = self.book_call(at(MONDAY, 8, 0).replace(tzinfo=None).isoformat())
        self.assertEqual(got.status_code, 400, got.content)
        self.assertEqual(got.json()["errors"]["slot"], ["یک نوبت را انتخاب کنید."])
        self.assertFalse(Appointment.objects.exists())
