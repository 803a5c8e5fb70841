from __future__ import annotations

import datetime

from desk.agencies.models import Agency
from desk.calendars import services
from desk.calendars.models import OfficeHours, Province, WeeklyDaysOff, province_of
from desk.calendars.selectors import (
    agency_ids_in_scope,
    calendar_for_agency,
    calendars_for_agencies,
    office_hours_for,
)
from desk.calendars.tests.base import CalendarTestCase, jalali

SATURDAY = jalali(1404, 2, 6)  # + 2 working days is Monday 1404/02/08 on an open week


class DefaultCalendarTests(CalendarTestCase):
    def test_it_holds_the_three_working_day_examples(self):
        calendar = calendar_for_agency(self.agency)
        for start, due in (
            (jalali(1404, 1, 10), jalali(1404, 1, 18)),
            (jalali(1404, 4, 12), jalali(1404, 4, 18)),
            (jalali(1404, 12, 26), jalali(1405, 1, 8)),
        ):
            with self.subTest(start=start):
                self.assertEqual(calendar.add_working_days(start, 3), due)

    def test_it_gives_the_national_calendar_without_an_agency(self):
        calendar = calendar_for_agency(None)
        self.assertEqual(calendar.add_working_days(jalali(1404, 1, 10), 3), jalali(1404, 1, 18))


class ClosureCalendarTests(CalendarTestCase):
    def test_it_moves_every_agencys_deadline_for_a_national_closure(self):
        self.close(scope="national", reason="آلودگی هوا در سراسر کشور")
        for agency in (self.agency, self.isfahan_agency, None):
            with self.subTest(agency=agency):
                calendar = calendar_for_agency(agency)
                self.assertEqual(calendar.add_working_days(SATURDAY, 2), jalali(1404, 2, 9))
                self.assertEqual(
                    calendar.day_off_reason(jalali(1404, 2, 7)), "آلودگی هوا در سراسر کشور"
                )

    def test_it_moves_only_that_provinces_deadlines_for_a_province_closure(self):
        self.close(scope="province", province="تهران", reason="آلودگی هوای تهران")
        self.assertEqual(
            calendar_for_agency(self.agency).add_working_days(SATURDAY, 2), jalali(1404, 2, 9)
        )
        self.assertEqual(
            calendar_for_agency(self.isfahan_agency).add_working_days(SATURDAY, 2),
            jalali(1404, 2, 8),
        )
        self.assertEqual(
            calendar_for_agency(None).add_working_days(SATURDAY, 2), jalali(1404, 2, 8)
        )

    def test_it_matches_the_province_however_the_agency_spells_it(self):
        self.close(scope="province", province="اصفهان", reason="گرما")
        self.isfahan_agency.province = "استان  اصفهان"
        self.isfahan_agency.save()
        self.assertFalse(
            calendar_for_agency(self.isfahan_agency).is_working_day(jalali(1404, 2, 7))
        )

    def test_it_moves_only_that_agencys_deadlines_for_an_agency_closure(self):
        self.close(scope="agency", agency=self.agency, reason="قطعی برق ساختمان", kind="energy")
        self.assertEqual(
            calendar_for_agency(self.agency).add_working_days(SATURDAY, 2), jalali(1404, 2, 9)
        )
        self.assertEqual(
            calendar_for_agency(self.other_agency).add_working_days(SATURDAY, 2),
            jalali(1404, 2, 8),
        )

    def test_it_closes_every_day_of_a_range(self):
        self.close(start=jalali(1404, 2, 7), end=jalali(1404, 2, 9), reason="گرما", kind="heat")
        calendar = calendar_for_agency(self.agency)
        self.assertEqual(calendar.add_working_days(SATURDAY, 2), jalali(1404, 2, 13))

    def test_it_explains_a_deadline_with_its_closures(self):
        self.close(scope="province", province="تهران", reason="آلودگی هوای تهران")
        self.close(scope="agency", agency=self.agency, reason="تعمیرات", kind="other")
        explanation = calendar_for_agency(self.agency).explain(SATURDAY, 2)
        self.assertEqual(explanation.skipped, [(jalali(1404, 2, 7), "آلودگی هوای تهران، تعمیرات")])
        self.assertEqual(explanation.due, jalali(1404, 2, 9))


class WeeklyDaysOffTests(CalendarTestCase):
    def test_it_takes_saturdays_off_only_from_the_rules_start(self):
        WeeklyDaysOff.objects.create(starts_on=jalali(1405, 1, 1), saturday=True)
        calendar = calendar_for_agency(self.agency)
        self.assertTrue(calendar.is_working_day(jalali(1404, 11, 25)))  # a Saturday before
        self.assertFalse(calendar.is_working_day(jalali(1405, 2, 5)))  # a Saturday after
        self.assertEqual(calendar.day_off_reason(jalali(1405, 2, 5)), "شنبه")
        # The examples before the rule still hold.
        self.assertEqual(calendar.add_working_days(jalali(1404, 1, 10), 3), jalali(1404, 1, 18))

    def test_it_lets_an_agencys_own_rule_win(self):
        WeeklyDaysOff.objects.create(starts_on=jalali(1405, 1, 1), saturday=True)
        WeeklyDaysOff.objects.create(
            agency=self.other_agency, starts_on=jalali(1400, 1, 1), thursday=False
        )
        saturday, thursday = jalali(1405, 2, 5), jalali(1405, 2, 3)
        gas = calendar_for_agency(self.other_agency)
        self.assertTrue(gas.is_working_day(saturday))
        self.assertTrue(gas.is_working_day(thursday))
        municipality = calendar_for_agency(self.agency)
        self.assertFalse(municipality.is_working_day(saturday))
        self.assertFalse(municipality.is_working_day(thursday))

    def test_it_ends_a_rule_on_its_last_day(self):
        WeeklyDaysOff.objects.create(
            starts_on=jalali(1405, 1, 1), ends_on=jalali(1405, 2, 31), saturday=True
        )
        calendar = calendar_for_agency(self.agency)
        self.assertFalse(calendar.is_working_day(jalali(1405, 2, 26)))
        self.assertTrue(calendar.is_working_day(jalali(1405, 3, 2)))


class EstimateTests(CalendarTestCase):
    def test_it_marks_lunar_holidays_more_than_a_year_ahead(self):
        ashura_1405 = jalali(1405, 4, 4)
        a_year_before = calendar_for_agency(self.agency, today=jalali(1404, 1, 1))
        self.assertEqual(a_year_before.holiday_name(ashura_1405), "عاشورای حسینی (تخمینی)")
        same_year = calendar_for_agency(self.agency, today=jalali(1405, 1, 1))
        self.assertEqual(same_year.holiday_name(ashura_1405), "عاشورای حسینی")

    def test_it_never_marks_solar_holidays(self):
        calendar = calendar_for_agency(self.agency, today=jalali(1400, 1, 1))
        self.assertEqual(calendar.holiday_name(jalali(1405, 3, 15)), "قیام 15 خرداد")


class HolidayOverrideTests(CalendarTestCase):
    def test_it_applies_national_holiday_corrections(self):
        calendar_for_agency(self.isfahan_agency)  # fills the cache of corrections
        services.holiday_override_set(
            date=jalali(1404, 2, 7), name="عزای عمومی", created_by=self.root
        )
        services.holiday_override_set(
            date=jalali(1404, 4, 14), name="", is_day_off=False, created_by=self.root
        )
        calendar = calendar_for_agency(self.isfahan_agency)
        self.assertEqual(calendar.holiday_name(jalali(1404, 2, 7)), "عزای عمومی")
        self.assertTrue(calendar.is_working_day(jalali(1404, 4, 14)))

    def test_it_forgets_a_withdrawn_correction(self):
        override = services.holiday_override_set(
            date=jalali(1404, 2, 7), name="عزای عمومی", created_by=self.root
        )
        self.assertFalse(calendar_for_agency(None).is_working_day(jalali(1404, 2, 7)))
        services.holiday_override_delete(override=override, deleted_by=self.root)
        self.assertTrue(calendar_for_agency(None).is_working_day(jalali(1404, 2, 7)))


class ManyAgenciesTests(CalendarTestCase):
    def test_it_builds_many_calendars_in_two_queries(self):
        agencies = [
            Agency.objects.create(name=f"دستگاه {i}", slug=f"agency-{i}", province=province)
            for i, province in enumerate(["تهران", "اصفهان", "فارس", "", "قم"])
        ]
        self.close(scope="province", province="فارس", reason="گرما", kind="heat")
        self.close(scope="agency", agency=agencies[4], reason="تعمیرات", kind="other")
        WeeklyDaysOff.objects.create(
            agency=agencies[0], starts_on=jalali(1404, 1, 1), saturday=True
        )
        calendars_for_agencies(agencies[:1])  # the holiday corrections are cached
        with self.assertNumQueries(2):
            calendars = calendars_for_agencies(agencies)
        self.assertEqual(set(calendars), {a.pk for a in agencies})
        closed = [not calendars[a.pk].is_working_day(jalali(1404, 2, 7)) for a in agencies]
        self.assertEqual(closed, [False, False, True, False, True])
        self.assertFalse(calendars[agencies[0].pk].is_working_day(SATURDAY))
        self.assertTrue(calendars[agencies[1].pk].is_working_day(SATURDAY))


def agency_ids_closed_by(closure):
    return agency_ids_in_scope(
        scope=closure.scope, province=closure.province, agency_id=closure.agency_id
    )


class AffectedAgenciesTests(CalendarTestCase):
    def test_it_names_the_agencies_a_closure_moves(self):
        national = self.close(scope="national")
        tehran = self.close(scope="province", province="تهران")
        own = self.close(scope="agency", agency=self.isfahan_agency)
        self.assertIsNone(agency_ids_closed_by(national))
        self.assertEqual(
            set(agency_ids_closed_by(tehran) or []), {self.agency.pk, self.other_agency.pk}
        )
        self.assertEqual(agency_ids_closed_by(own), [self.isfahan_agency.pk])


class ProvinceTests(CalendarTestCase):
    def test_it_knows_the_31_provinces(self):
        self.assertEqual(len(Province.values), 31)

    def test_it_reads_free_text_provinces(self):
        self.assertEqual(province_of("استان تهران"), Province.TEHRAN)
        self.assertEqual(province_of("كرمانشاه"), Province.KERMANSHAH)  # Arabic kaf
        self.assertEqual(province_of("سيستان و بلوچستان"), Province.SISTAN)  # Arabic yeh
        self.assertIsNone(province_of(""))
        self.assertIsNone(province_of("تهرانپارس"))


class OfficeHoursTests(CalendarTestCase):
    def test_it_prefers_the_agencys_own_hours_then_the_national_ones(self):
        day = jalali(1404, 5, 1)
        self.assertIsNone(office_hours_for(self.agency, day))
        national = OfficeHours.objects.create(starts_on=jalali(1404, 1, 1))
        self.assertEqual(office_hours_for(self.agency, day), national)
        summer = OfficeHours.objects.create(
            agency=self.agency,
            starts_on=jalali(1404, 4, 1),
            ends_on=jalali(1404, 6, 31),
            opens_at=datetime.time(6, 0),
            closes_at=datetime.time(13, 0),
        )
        self.assertEqual(office_hours_for(self.agency, day), summer)
        self.assertEqual(office_hours_for(self.agency, jalali(1404, 7, 1)), national)
        self.assertEqual(office_hours_for(self.other_agency, day), national)
