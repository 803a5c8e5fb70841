from __future__ import annotations

import datetime

from django.urls import reverse

from desk.agencies.models import Role
from desk.appointments.models import (
    Appointment,
    AppointmentStatus,
    CapacityWarning,
    Policy,
    SlotTemplate,
)
from desk.appointments.selectors import capacity_outlook
from desk.appointments.services import capacity_warnings_send
from desk.appointments.tests.helpers import MONDAY, SUNDAY, AppointmentTestCase, at
from desk.lib import tracking
from desk.notifications.models import OutboundMessage
from desk.test import create_staff


class CapacityTests(AppointmentTestCase):
    def setUp(self) -> None:
        super().setUp()
        Policy.objects.create(agency=self.agency, warning_working_days=1)  # Monday only
        SlotTemplate.objects.update(capacity=1, ends_at="09:00")  # 2 places on Monday

    def _recent_bookings(self, count: int) -> None:
        """Bookings made in the last 28 days (since cancelled): 20 make one a working day."""
        for i in range(count):
            day = SUNDAY - datetime.timedelta(days=i % 20 + 1)
            Appointment.objects.create(
                booking_code=tracking.generate(),
                citizen=self.citizen,
                national_code="0084575948",
                mobile="+989121234567",
                agency=self.agency,
                office=self.office,
                service=self.service,
                starts_at=at(day, 8, 0),
                ends_at=at(day, 8, 30),
                visit_on=day,
                status=AppointmentStatus.CANCELLED,
                created_by=self.citizen,
                created_at=at(day, 8, 0) - datetime.timedelta(days=1),
            )

    def test_the_outlook_compares_places_with_demand(self) -> None:
        (row,) = capacity_outlook(self.agency)
        self.assertEqual((row.capacity, row.booked, row.short), (2, 0, False))
        self.book(at(MONDAY, 8, 0))
        self.book(at(MONDAY, 8, 30), citizen=self.another_citizen("0010000011"))
        (row,) = capacity_outlook(self.agency)
        self.assertEqual((row.booked, row.expected, row.short), (2, 0, False))
        self._recent_bookings(18)  # 20 in 28 days: one more booking expected a working day
        (row,) = capacity_outlook(self.agency)
        self.assertEqual((row.demand, row.short), (3, True))

    def test_admins_are_warned_once_a_day(self) -> None:
        admin = create_staff(self.agency, "admin", Role.ADMIN)
        admin.mobile = "+989129998877"
        admin.save()
        self.book(at(MONDAY, 8, 0))
        self.book(at(MONDAY, 8, 30), citizen=self.another_citizen("0010000011"))
        self._recent_bookings(18)
        self.assertEqual(capacity_warnings_send(), 1)
        self.assertEqual(capacity_warnings_send(), 0)
        self.assertEqual(CapacityWarning.objects.count(), 1)
        sms = OutboundMessage.objects.get(kind="appointment_capacity_warning")
        self.assertEqual(sms.to, "+989129998877")
        self.assertIn("ظرفیت", sms.body)

    def test_the_capacity_page_is_for_managers_of_the_agency(self) -> None:
        self.client.force_login(self.manager)
        response = self.client.get(reverse("appointments:capacity"))
        self.assertContains(response, "دفتر مرکزی")
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(reverse("appointments:capacity")).status_code, 404)
