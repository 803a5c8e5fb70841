"""A closure added on a day with bookings moves each booking to a free slot within 3 working
days, or cancels it and texts a link to choose another; either way the citizen gets an SMS."""

from __future__ import annotations

from django.urls import reverse

from desk.accounts.models import User
from desk.appointments import closures
from desk.appointments.models import Appointment, AppointmentStatus, SlotException
from desk.appointments.tests.helpers import (
    MONDAY,
    SATURDAY,
    SUNDAY,
    TUESDAY,
    AppointmentTestCase,
    at,
)
from desk.calendars import services as calendar_services
from desk.core.events import CalendarChanged, CalendarScope
from desk.notifications.models import OutboundMessage

NEXT_SUNDAY = SUNDAY.replace(day=8)


class ClosedDayTests(AppointmentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", password="a-Strong-pass-1404")

    def close(self, day: object = MONDAY, **place: object) -> None:
        fields: dict[str, object] = {"scope": "agency", "agency": self.agency, **place}
        with self.captureOnCommitCallbacks(execute=True):
            calendar_services.closure_create(
                start=day,  # type: ignore[arg-type]
                end=day,  # type: ignore[arg-type]
                kind="pollution",
                reason="آلودگی هوا",
                created_by=self.root,
                **fields,  # type: ignore[arg-type]
            )

    def sms(self, kind: str) -> OutboundMessage:
        return OutboundMessage.objects.get(kind=kind)

    def test_a_booking_on_a_closed_day_moves_to_the_next_free_slot_and_is_texted(self) -> None:
        old = self.book(at(MONDAY, 8, 30))
        self.close()
        old.refresh_from_db()
        self.assertEqual(old.status, AppointmentStatus.CANCELLED)
        new = Appointment.objects.get(rescheduled_from=old)
        self.assertEqual(
            (new.status, new.starts_at, new.citizen, new.office),
            (AppointmentStatus.BOOKED, at(TUESDAY, 8, 0), self.citizen, self.office),
        )
        sms = self.sms("appointment_moved_closure")
        self.assertEqual(sms.to, self.citizen.mobile)
        self.assertIn("به علت تعطیلی", sms.body)
        self.assertIn("۱۴۰۴/۰۳/۱۳ ساعت ۰۸:۰۰", sms.body)  # Tuesday
        self.assertIn(reverse("appointments:detail", args=[new.booking_code]), sms.body)

    def test_it_moves_to_the_next_working_day_with_room_within_three_working_days(self) -> None:
        self.book(at(MONDAY, 8, 0))
        # Tuesday is closed for the service at this office; Wednesday is a holiday and
        # Thursday–Friday are off: the next free slot within the rule is on Saturday.
        SlotException.objects.create(office=self.office, date=TUESDAY, is_closed=True)
        self.close()
        new = Appointment.objects.get(status=AppointmentStatus.BOOKED)
        self.assertEqual(new.starts_at, at(SATURDAY, 8, 0))

    def test_with_no_slot_within_the_rule_the_booking_is_cancelled_and_a_link_texted(
        self,
    ) -> None:
        old = self.book(at(MONDAY, 9, 0))
        for day in (TUESDAY, SATURDAY, NEXT_SUNDAY):
            SlotException.objects.create(office=self.office, date=day, is_closed=True)
        self.close()
        old.refresh_from_db()
        self.assertEqual(old.status, AppointmentStatus.CANCELLED)
        self.assertFalse(Appointment.objects.filter(status=AppointmentStatus.BOOKED).exists())
        sms = self.sms("appointment_cancelled_closure")
        self.assertIn("تعطیل است و نوبت لغو شد", sms.body)
        self.assertIn(reverse("appointments:book", args=[self.service.slug]), sms.body)

    def test_bookings_on_open_days_and_at_other_agencies_stay_as_they_are(self) -> None:
        tuesday = self.book(at(TUESDAY, 8, 0))
        self.close(agency=self.other_agency)
        self.close(day=MONDAY)
        tuesday.refresh_from_db()
        self.assertEqual(tuesday.status, AppointmentStatus.BOOKED)
        self.assertFalse(OutboundMessage.objects.filter(kind__endswith="_closure").exists())

    def test_handling_the_same_change_again_moves_nothing_twice(self) -> None:
        self.book(at(MONDAY, 8, 30))
        self.close()
        change = CalendarChanged(
            scope=CalendarScope.AGENCY, start=MONDAY, end=MONDAY, agency_id=self.agency.pk
        )
        counts = closures.appointments_off_closed_days(change=change)
        self.assertEqual(counts[closures.Outcome.MOVED], 0)
        self.assertEqual(Appointment.objects.filter(status=AppointmentStatus.BOOKED).count(), 1)
        self.assertEqual(OutboundMessage.objects.filter(kind__endswith="_closure").count(), 1)

    def test_a_decreed_holiday_moves_bookings_too(self) -> None:
        old = self.book(at(MONDAY, 8, 30))
        with self.captureOnCommitCallbacks(execute=True):
            calendar_services.holiday_override_set(
                date=MONDAY, name="عزای عمومی", created_by=self.root
            )
        self.assertTrue(Appointment.objects.filter(rescheduled_from=old).exists())
