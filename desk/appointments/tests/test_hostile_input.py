"""Slots and admin forms that once answered 500: now a Persian refusal."""

from __future__ import annotations

from django.urls import reverse

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.appointments.models import Appointment, Policy
from desk.appointments.tests.helpers import AppointmentTestCase
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
