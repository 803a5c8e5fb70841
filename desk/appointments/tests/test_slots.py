from __future__ import annotations

import datetime

from desk.appointments.models import SlotException
from desk.appointments.selectors import offer_for
from desk.appointments.tests.helpers import (
    MONDAY,
    SATURDAY,
    SUNDAY,
    TUESDAY,
    AppointmentTestCase,
    at,
)
from desk.calendars.models import Closure, ClosureKind, ClosureScope, OfficeHours


class SlotGenerationTests(AppointmentTestCase):
    def test_it_offers_working_days_only(self) -> None:
        days = {s.day for s in self.slots(SUNDAY, SUNDAY + datetime.timedelta(days=7))}
        # Wednesday 06-04 is a holiday, Thursday and Friday are off.
        self.assertEqual(
            days, {SUNDAY, MONDAY, TUESDAY, SATURDAY, SATURDAY + datetime.timedelta(days=1)}
        )

    def test_it_skips_an_agency_closure(self) -> None:
        Closure.objects.create(
            scope=ClosureScope.AGENCY,
            agency=self.agency,
            starts_on=MONDAY,
            ends_on=TUESDAY,
            kind=ClosureKind.POLLUTION,
            reason="آلودگی هوا",
            created_by=self.manager,
        )
        days = {s.day for s in self.slots(SUNDAY, SATURDAY)}
        self.assertEqual(days, {SUNDAY, SATURDAY})

    def test_it_skips_a_provincial_closure(self) -> None:
        Closure.objects.create(
            scope=ClosureScope.PROVINCE,
            province="تهران",
            starts_on=SATURDAY,
            ends_on=SATURDAY,
            kind=ClosureKind.HEAT,
            reason="گرما",
            created_by=self.manager,
        )
        self.assertNotIn(SATURDAY, {s.day for s in self.slots(SUNDAY, SATURDAY)})

    def test_it_lays_slots_by_the_template_after_the_lead_time(self) -> None:
        slots = self.slots(SUNDAY, MONDAY)
        # It is 09:00 on Sunday: only 09:30 is still bookable today.
        self.assertEqual(
            [s.starts_at for s in slots],
            [at(SUNDAY, 9, 30), *(at(MONDAY, h, m) for h in (8, 9) for m in (0, 30))],
        )
        self.assertTrue(all(s.capacity == 2 and s.remaining == 2 for s in slots))
        self.assertEqual(slots[0].ends_at, at(SUNDAY, 10, 0))

    def test_it_clips_slots_to_office_hours(self) -> None:
        OfficeHours.objects.create(
            agency=self.agency,
            starts_on=MONDAY,
            ends_on=MONDAY,
            opens_at=datetime.time(8, 30),
            closes_at=datetime.time(9, 30),
        )
        starts = [s.starts_at for s in self.slots(MONDAY, MONDAY)]
        self.assertEqual(starts, [at(MONDAY, 8, 30), at(MONDAY, 9, 0)])

    def test_it_applies_exceptions(self) -> None:
        SlotException.objects.create(office=self.office, date=MONDAY, is_closed=True, note="آموزش")
        SlotException.objects.create(
            office=self.office, service=self.service, date=TUESDAY, is_closed=False, capacity=5
        )
        slots = self.slots(MONDAY, TUESDAY)
        self.assertEqual({s.day for s in slots}, {TUESDAY})
        self.assertTrue(all(s.capacity == 5 for s in slots))

    def test_it_subtracts_bookings_in_a_fixed_number_of_queries(self) -> None:
        self.book(at(MONDAY, 8, 0))
        self.book(at(MONDAY, 8, 0), citizen=self.another_citizen("0010000011"))
        # Templates, exceptions, hours, bookings; the bookings above cached the calendar.
        with self.assertNumQueries(4):
            slots = self.slots(SUNDAY, SUNDAY + datetime.timedelta(days=30))
        self.assertNotIn(at(MONDAY, 8, 0), [s.starts_at for s in slots])
        full = self.slots(MONDAY, MONDAY, include_full=True)[0]
        self.assertEqual((full.booked, full.remaining), (2, 0))

    def test_the_offer_is_earliest_first_with_the_3_working_day_deadline(self) -> None:
        offer = offer_for(office=self.office, service=self.service)
        self.assertEqual(offer.promised_by, SATURDAY)
        self.assertEqual(offer.slots[0].starts_at, at(SUNDAY, 9, 30))
        self.assertTrue(offer.keeps_promise)
        self.assertEqual(offer.slots, sorted(offer.slots, key=lambda s: s.starts_at))
