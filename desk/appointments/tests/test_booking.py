from __future__ import annotations

import datetime
import re

from django.urls import reverse

from desk.appointments.models import Appointment, AppointmentStatus, Breach, Policy, SlotException
from desk.appointments.services import (
    SlotFullError,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    citizen_for_booking,
)
from desk.appointments.tests.helpers import (
    MONDAY,
    SATURDAY,
    SUNDAY,
    TUESDAY,
    AppointmentTestCase,
    at,
)
from desk.core.errors import ApplicationError
from desk.lib import tracking
from desk.notifications.models import OutboundMessage


class BookingTests(AppointmentTestCase):
    def test_it_books_and_texts_the_jalali_time_and_address(self) -> None:
        appointment = self.book(at(MONDAY, 8, 30))
        self.assertTrue(tracking.is_valid(appointment.booking_code))
        self.assertEqual(appointment.status, AppointmentStatus.BOOKED)
        self.assertEqual(appointment.visit_on, MONDAY)
        self.assertEqual(appointment.national_code, "0084575948")
        sms = OutboundMessage.objects.get(reference=appointment.booking_code)
        self.assertIn("۱۴۰۴/۰۳/۱۲ ساعت ۰۸:۳۰", sms.body)
        self.assertIn("خیابان انقلاب", sms.body)
        self.assertNotRegex(sms.body, r"[0-9]")
        self.assertFalse(Breach.objects.exists())

    def test_a_full_slot_is_refused_with_the_next_free_slots(self) -> None:
        self.book(at(MONDAY, 8, 0))
        self.book(at(MONDAY, 8, 0), citizen=self.another_citizen("0010000011"))
        with self.assertRaises(SlotFullError) as caught:
            self.book(at(MONDAY, 8, 0), citizen=self.another_citizen("0010000021"))
        self.assertIn("ظرفیت این نوبت همین حالا پر شد", caught.exception.message)
        self.assertIn("۱۴۰۴/۰۳/۱۱ ساعت ۰۹:۳۰", caught.exception.message)  # Sunday 09:30
        self.assertNotIn(at(MONDAY, 8, 0), [s.starts_at for s in caught.exception.alternatives])
        self.assertEqual(Appointment.objects.filter(starts_at=at(MONDAY, 8, 0)).count(), 2)

    def test_a_slot_outside_the_templates_is_refused(self) -> None:
        with self.assertRaises(SlotFullError):
            self.book(at(MONDAY, 11, 0))
        with self.assertRaises(SlotFullError):  # a holiday
            self.book(at(MONDAY + datetime.timedelta(days=2), 8, 0))

    def test_a_citizen_holds_one_open_booking_per_service(self) -> None:
        first = self.book(at(MONDAY, 8, 0))
        with self.assertRaisesRegex(ApplicationError, "نوبت فعال دارید"):
            self.book(at(TUESDAY, 8, 0))
        appointment_cancel(appointment_id=first.pk, actor=self.citizen)
        self.book(at(TUESDAY, 8, 0))

    def test_staff_cannot_book_for_another_agency(self) -> None:
        with self.assertRaisesRegex(ApplicationError, "اجازه"):
            appointment_book(
                citizen=self.citizen,
                office=self.office,
                service=self.service,
                slot_start=at(MONDAY, 8, 0),
                created_by=self.outsider,
            )

    def test_a_clerk_books_for_a_walk_in_creating_the_citizen(self) -> None:
        citizen = citizen_for_booking(national_code="۰۰۱۰۰۰۰۰۳۸", mobile="۰۹۱۲ ۵۵۵ ۴۴۳۳")
        self.assertEqual(citizen.national_code, "0010000038")
        self.assertFalse(citizen.has_usable_password())
        appointment = appointment_book(
            citizen=citizen,
            office=self.office,
            service=self.service,
            slot_start=at(MONDAY, 9, 0),
            created_by=self.expert,
            mobile="09125554433",
        )
        self.assertEqual(appointment.mobile, "+989125554433")
        self.assertEqual(appointment.created_by, self.expert)
        self.assertEqual(
            citizen_for_booking(national_code="0010000038", mobile="09120000000"), citizen
        )

    def test_a_mobile_a_clerk_types_stays_on_the_appointment_not_the_account(self) -> None:
        # Nothing proves a walk-in's mobile is theirs: written on the account it would receive
        # every later text about the citizen's requests.
        citizen = citizen_for_booking(national_code="0010000038", mobile="09125554433")
        citizen.refresh_from_db()
        self.assertEqual(citizen.mobile, "")
        self.assertIsNone(citizen.mobile_verified_at)
        # A citizen served earlier without a mobile is not given one either.
        again = citizen_for_booking(national_code="0010000038", mobile="09129998877")
        again.refresh_from_db()
        self.assertEqual(again.mobile, "")
        # A signed-in citizen keeps the mobile sign-in proved.
        self.assertEqual(
            citizen_for_booking(
                national_code=self.citizen.national_code or "", mobile="09129998877"
            ).mobile,
            self.citizen.mobile,
        )


class CancelAndRescheduleTests(AppointmentTestCase):
    def test_cancelling_frees_the_place_and_texts(self) -> None:
        appointment = self.book(at(MONDAY, 8, 0))
        self.book(at(MONDAY, 8, 0), citizen=self.another_citizen("0010000011"))
        appointment_cancel(appointment_id=appointment.pk, actor=self.citizen)
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, AppointmentStatus.CANCELLED)
        self.assertEqual(self.slots(MONDAY, MONDAY)[0].remaining, 1)
        sms = OutboundMessage.objects.filter(kind="appointment_cancelled").get()
        self.assertIn("لغو شد", sms.body)
        self.book(at(MONDAY, 8, 0), citizen=self.another_citizen("0010000021"))

    def test_only_the_citizen_or_agency_staff_may_cancel(self) -> None:
        appointment = self.book(at(MONDAY, 8, 0))
        other = self.another_citizen("0010000011")
        for actor in (other, self.outsider):
            with self.assertRaises(ApplicationError):
                appointment_cancel(appointment_id=appointment.pk, actor=actor)
        appointment_cancel(appointment_id=appointment.pk, actor=self.expert)

    def test_a_past_appointment_cannot_be_cancelled(self) -> None:
        appointment = self.book(at(MONDAY, 8, 0))
        self.set_now(at(MONDAY, 8, 5))
        with self.assertRaisesRegex(ApplicationError, "گذشته"):
            appointment_cancel(appointment_id=appointment.pk, actor=self.citizen)

    def test_rescheduling_links_the_new_booking_and_frees_the_old_place(self) -> None:
        old = self.book(at(MONDAY, 8, 0))
        new = appointment_reschedule(
            appointment_id=old.pk, actor=self.citizen, slot_start=at(TUESDAY, 9, 0)
        )
        old.refresh_from_db()
        self.assertEqual(old.status, AppointmentStatus.CANCELLED)
        self.assertEqual(new.rescheduled_from, old)
        self.assertEqual(new.starts_at, at(TUESDAY, 9, 0))
        self.assertEqual(self.slots(MONDAY, MONDAY)[0].remaining, 2)
        sms = OutboundMessage.objects.get(kind="appointment_rescheduled")
        self.assertIn("۱۴۰۴/۰۳/۱۳ ساعت ۰۹:۰۰", sms.body)

    def test_rescheduling_to_a_full_slot_keeps_the_old_booking(self) -> None:
        old = self.book(at(MONDAY, 8, 0))
        SlotException.objects.create(office=self.office, date=TUESDAY, is_closed=False, capacity=0)
        with self.assertRaises(SlotFullError):
            appointment_reschedule(
                appointment_id=old.pk, actor=self.citizen, slot_start=at(TUESDAY, 9, 0)
            )
        old.refresh_from_db()
        self.assertEqual(old.status, AppointmentStatus.BOOKED)


class ThreeDayRuleTests(AppointmentTestCase):
    def _close(self, *days: datetime.date) -> None:
        for day in days:
            SlotException.objects.create(office=self.office, date=day, is_closed=True)

    def test_a_first_offer_within_3_working_days_is_no_breach(self) -> None:
        self._close(SUNDAY, MONDAY, TUESDAY)
        self.book(at(SATURDAY, 8, 0))  # the 3rd working day: the promise is kept
        self.assertFalse(Breach.objects.exists())

    def test_a_later_first_offer_is_recorded_as_a_breach(self) -> None:
        self._close(SUNDAY, MONDAY, TUESDAY, SATURDAY)
        sunday_after = SATURDAY + datetime.timedelta(days=1)
        appointment = self.book(at(sunday_after, 8, 0))
        breach = Breach.objects.get()
        self.assertEqual(breach.appointment, appointment)
        self.assertEqual(breach.requested_on, SUNDAY)
        self.assertEqual(breach.promised_by, SATURDAY)
        self.assertEqual(breach.first_offered_on, sunday_after)
        self.assertEqual(breach.working_days, 4)

    def test_choosing_a_later_slot_is_no_breach(self) -> None:
        self.book(at(SATURDAY + datetime.timedelta(days=3), 8, 0))
        self.assertFalse(Breach.objects.exists())

    def test_the_booking_page_records_a_citizen_who_found_no_slot_once_a_day(self) -> None:
        Policy.objects.create(agency=self.agency, horizon_days=3)
        self._close(SUNDAY, MONDAY, TUESDAY, SATURDAY)
        self.client.force_login(self.citizen)
        for _ in range(2):
            response = self.client.get(reverse("appointments:book", args=[self.service.slug]))
            self.assertContains(response, "نوبت آزادی")
        breach = Breach.objects.get()
        self.assertIsNone(breach.appointment)
        self.assertIsNone(breach.first_offered_on)


class NoShowLimitTests(AppointmentTestCase):
    def test_repeated_no_shows_stop_online_booking_but_not_the_clerk(self) -> None:
        Policy.objects.create(agency=self.agency, max_no_shows=2)
        for day in (SUNDAY - datetime.timedelta(days=d) for d in (3, 10)):
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
                status=AppointmentStatus.NO_SHOW,
                created_by=self.citizen,
            )
        with self.assertRaises(ApplicationError) as caught:
            self.book(at(MONDAY, 8, 0))
        self.assertIn("۲ بار حاضر نشدن", caught.exception.message)
        self.assertRegex(caught.exception.message, re.compile("۹۰ روز"))
        appointment_book(
            citizen=self.citizen,
            office=self.office,
            service=self.service,
            slot_start=at(MONDAY, 8, 0),
            created_by=self.expert,
        )
