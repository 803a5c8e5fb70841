"""The reminder goes out the working day before, once, whatever the job's repeats."""

from __future__ import annotations

from desk.appointments.services import appointments_remind
from desk.appointments.tests.helpers import (
    MONDAY,
    SATURDAY,
    SUNDAY,
    TUESDAY,
    AppointmentTestCase,
    at,
)
from desk.notifications.models import OutboundMessage


class ReminderTests(AppointmentTestCase):
    def test_it_reminds_the_working_day_before_once(self) -> None:
        appointment = self.book(at(TUESDAY, 8, 0))
        self.assertEqual(appointments_remind(now=at(SUNDAY, 10)), 0)  # two working days ahead
        self.assertEqual(appointments_remind(now=at(MONDAY, 10)), 1)
        self.assertEqual(appointments_remind(now=at(MONDAY, 11)), 0)
        appointment.refresh_from_db()
        self.assertIsNotNone(appointment.reminded_at)
        sms = OutboundMessage.objects.get(kind="appointment_reminder")
        self.assertIn("یادآوری", sms.body)
        self.assertIn("۱۴۰۴/۰۳/۱۳ ساعت ۰۸:۰۰", sms.body)

    def test_it_skips_holidays_and_days_off_to_find_the_day_before(self) -> None:
        # Saturday's working day before is Tuesday: Wednesday is a holiday, Thu–Fri are off.
        self.book(at(SATURDAY, 8, 0))
        self.assertEqual(appointments_remind(now=at(MONDAY, 10)), 0)
        self.assertEqual(appointments_remind(now=at(TUESDAY, 10)), 1)

    def test_cancelled_bookings_are_not_reminded(self) -> None:
        from desk.appointments.services import appointment_cancel

        appointment = self.book(at(TUESDAY, 8, 0))
        appointment_cancel(appointment_id=appointment.pk, actor=self.citizen)
        self.assertEqual(appointments_remind(now=at(MONDAY, 10)), 0)
