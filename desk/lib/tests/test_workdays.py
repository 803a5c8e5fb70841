from __future__ import annotations

import datetime

import jdatetime
from django.test import SimpleTestCase

from desk.lib.workdays import WorkCalendar, iran_holidays


def jalali(year: int, month: int, day: int) -> datetime.date:
    return jdatetime.date(year, month, day).togregorian()


class IranHolidaysTests(SimpleTestCase):
    def test_it_lists_nowruz_in_persian(self):
        days = iran_holidays(2025)
        self.assertIn("نوروز", days[jalali(1404, 1, 1)])
        self.assertIn(jalali(1404, 1, 4), days)
        self.assertNotIn(jalali(1404, 1, 5), days)

    def test_it_lists_lunar_holidays(self):
        days = iran_holidays(2025)
        self.assertIn(jalali(1404, 4, 14), days)  # Tasua
        self.assertIn(jalali(1404, 4, 15), days)  # Ashura

    def test_it_returns_a_copy_callers_may_change(self):
        iran_holidays(2025).clear()
        self.assertTrue(iran_holidays(2025))


class WorkCalendarTests(SimpleTestCase):
    def setUp(self):
        self.calendar = WorkCalendar()

    def test_it_adds_three_working_days_over_the_nowruz_fitr_break(self):
        # 11–13 Farvardin 1404 are holidays, 14–15 Thursday and Friday.
        self.assertEqual(
            self.calendar.add_working_days(jalali(1404, 1, 10), 3), jalali(1404, 1, 18)
        )

    def test_it_adds_three_working_days_over_tasua_and_ashura(self):
        self.assertEqual(
            self.calendar.add_working_days(jalali(1404, 4, 12), 3), jalali(1404, 4, 18)
        )

    def test_it_adds_three_working_days_across_the_new_year(self):
        self.assertEqual(
            self.calendar.add_working_days(jalali(1404, 12, 26), 3), jalali(1405, 1, 8)
        )

    def test_it_counts_from_a_day_off(self):
        friday = jalali(1404, 2, 12)
        self.assertEqual(friday.weekday(), 4)
        self.assertEqual(self.calendar.add_working_days(friday, 1), jalali(1404, 2, 13))

    def test_it_returns_the_start_for_zero_days(self):
        friday = jalali(1404, 2, 12)
        self.assertEqual(self.calendar.add_working_days(friday, 0), friday)

    def test_it_refuses_negative_days(self):
        with self.assertRaises(ValueError):
            self.calendar.add_working_days(jalali(1404, 2, 12), -1)

    def test_it_knows_thursday_and_friday_are_off(self):
        saturday = jalali(1404, 2, 6)
        self.assertEqual(saturday.weekday(), 5)
        week = [saturday + datetime.timedelta(days=i) for i in range(7)]
        self.assertEqual(
            [self.calendar.is_working_day(d) for d in week],
            [True, True, True, True, True, False, False],
        )

    def test_it_knows_official_holidays_are_off(self):
        self.assertFalse(self.calendar.is_working_day(jalali(1404, 3, 14)))
        self.assertIsNotNone(self.calendar.holiday_name(jalali(1404, 3, 14)))
        self.assertIsNone(self.calendar.holiday_name(jalali(1404, 3, 13)))

    def test_it_counts_working_days_between(self):
        start, end = jalali(1404, 1, 10), jalali(1404, 1, 18)
        self.assertEqual(self.calendar.working_days_between(start, end), 3)
        self.assertEqual(self.calendar.working_days_between(start, start), 0)
        self.assertEqual(self.calendar.working_days_between(end, start), -3)

    def test_it_excludes_the_start_and_includes_the_end(self):
        sunday, monday = jalali(1404, 2, 7), jalali(1404, 2, 8)
        self.assertEqual(self.calendar.working_days_between(sunday, monday), 1)

    def test_it_agrees_with_add_working_days(self):
        start = jalali(1404, 1, 1)
        for days in range(0, 60, 7):
            end = self.calendar.add_working_days(start, days)
            with self.subTest(days=days):
                self.assertEqual(self.calendar.working_days_between(start, end), days)
                self.assertTrue(days == 0 or self.calendar.is_working_day(end))


class CustomCalendarTests(SimpleTestCase):
    def test_it_uses_only_the_given_holidays(self):
        nowruz = jalali(1404, 1, 1)
        calendar = WorkCalendar(holidays={jalali(1404, 2, 7): "تعطیلی اضطراری"})
        self.assertIsNone(calendar.holiday_name(nowruz))
        self.assertEqual(calendar.holiday_name(jalali(1404, 2, 7)), "تعطیلی اضطراری")
        self.assertFalse(calendar.is_working_day(jalali(1404, 2, 7)))

    def test_it_uses_the_given_weekly_days_off(self):
        calendar = WorkCalendar(weekly_off=frozenset({4}), holidays={})
        thursday = jalali(1404, 2, 11)
        self.assertEqual(thursday.weekday(), 3)
        self.assertTrue(calendar.is_working_day(thursday))
        self.assertEqual(calendar.add_working_days(jalali(1404, 2, 10), 2), jalali(1404, 2, 13))

    def test_it_refuses_a_week_without_working_days(self):
        with self.assertRaises(ValueError):
            WorkCalendar(weekly_off=frozenset(range(7)))

    def test_it_refuses_weekday_numbers_out_of_range(self):
        with self.assertRaises(ValueError):
            WorkCalendar(weekly_off=frozenset({7}))
