from __future__ import annotations

import datetime
import pickle

import jdatetime
from django.test import SimpleTestCase

from desk.lib.workdays import FRIDAY, THURSDAY, WeeklyOffPeriod, WorkCalendar, iran_holidays


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


class ClosureTests(SimpleTestCase):
    def test_it_skips_a_closed_day(self):
        # Saturday 1404/02/06 + 3 working days is Monday 1404/02/08 … until Sunday closes.
        calendar = WorkCalendar(closures={jalali(1404, 2, 7): "آلودگی هوا"})
        self.assertEqual(calendar.add_working_days(jalali(1404, 2, 6), 2), jalali(1404, 2, 9))
        self.assertFalse(calendar.is_working_day(jalali(1404, 2, 7)))
        self.assertEqual(calendar.closure_reason(jalali(1404, 2, 7)), "آلودگی هوا")

    def test_it_keeps_official_holidays_alongside_closures(self):
        calendar = WorkCalendar(closures={jalali(1404, 1, 16): "گرما"})
        self.assertEqual(calendar.add_working_days(jalali(1404, 1, 10), 3), jalali(1404, 1, 19))

    def test_it_ignores_closures_it_does_not_reach(self):
        calendar = WorkCalendar(closures={jalali(1404, 1, 25): "کمبود برق"})
        self.assertEqual(calendar.add_working_days(jalali(1404, 1, 10), 3), jalali(1404, 1, 18))


class WeeklyOffPeriodTests(SimpleTestCase):
    def setUp(self):
        self.saturdays_too = WeeklyOffPeriod(
            start=jalali(1405, 1, 1), end=None, days=frozenset({5, THURSDAY, FRIDAY})
        )
        self.calendar = WorkCalendar(weekly_off_periods=[self.saturdays_too])

    def test_it_takes_saturdays_off_from_the_rules_start(self):
        saturday = jalali(1405, 2, 5)
        self.assertEqual(saturday.weekday(), 5)
        self.assertFalse(self.calendar.is_working_day(saturday))
        self.assertEqual(self.calendar.day_off_reason(saturday), "شنبه")

    def test_it_leaves_saturdays_before_the_rule_alone(self):
        saturday = jalali(1404, 11, 25)
        self.assertEqual(saturday.weekday(), 5)
        self.assertTrue(self.calendar.is_working_day(saturday))

    def test_it_moves_a_deadline_only_after_the_change(self):
        # Wednesday 1404/02/10: Saturday 02/13 counted as before.
        self.assertEqual(
            self.calendar.add_working_days(jalali(1404, 2, 10), 1), jalali(1404, 2, 13)
        )
        # Wednesday 1405/02/02: Thursday, Friday and now Saturday are skipped.
        wednesday = jalali(1405, 2, 2)
        self.assertEqual(wednesday.weekday(), 2)
        self.assertEqual(self.calendar.add_working_days(wednesday, 1), jalali(1405, 2, 6))

    def test_it_lets_the_last_covering_period_win(self):
        agency_rule = WeeklyOffPeriod(
            start=jalali(1405, 2, 1), end=jalali(1405, 2, 31), days=frozenset({FRIDAY})
        )
        calendar = WorkCalendar(weekly_off_periods=[self.saturdays_too, agency_rule])
        self.assertEqual(calendar.weekly_off_on(jalali(1405, 2, 10)), frozenset({FRIDAY}))
        self.assertEqual(calendar.weekly_off_on(jalali(1405, 3, 10)), self.saturdays_too.days)
        self.assertEqual(calendar.weekly_off_on(jalali(1404, 3, 10)), frozenset({3, 4}))

    def test_it_refuses_a_period_without_working_days(self):
        with self.assertRaises(ValueError):
            WeeklyOffPeriod(start=None, end=None, days=frozenset(range(7)))

    def test_it_refuses_a_period_ending_before_it_starts(self):
        with self.assertRaises(ValueError):
            WeeklyOffPeriod(start=jalali(1405, 1, 2), end=jalali(1405, 1, 1), days=frozenset())


class EstimatedHolidayTests(SimpleTestCase):
    def test_it_marks_lunar_holidays_after_the_horizon_as_estimates(self):
        calendar = WorkCalendar(estimate_after=jalali(1404, 6, 1))
        ashura_1405 = jalali(1405, 4, 4)
        self.assertEqual(calendar.holiday_name(ashura_1405), "عاشورای حسینی (تخمینی)")
        self.assertEqual(calendar.holiday_name(jalali(1404, 4, 15)), "عاشورای حسینی")

    def test_it_never_marks_solar_holidays(self):
        calendar = WorkCalendar(estimate_after=jalali(1404, 6, 1))
        self.assertEqual(calendar.holiday_name(jalali(1405, 3, 15)), "قیام 15 خرداد")
        # Nowruz and Eid al-Fitr on one day: only the lunar one is an estimate.
        names = (calendar.holiday_name(jalali(1405, 1, 1)) or "").split("; ")
        self.assertIn("جشن نوروز", names)
        self.assertIn("عید سعید فطر (تخمینی)", names)

    def test_it_keeps_the_packages_own_estimates_marked_once(self):
        # The package has no announced lunar dates for 2027 onwards.
        for calendar in (WorkCalendar(), WorkCalendar(estimate_after=jalali(1404, 1, 1))):
            name = calendar.holiday_name(jalali(1406, 3, 26)) or ""
            with self.subTest(estimate_after=calendar.estimate_after):
                self.assertEqual(name, "عاشورای حسینی (تخمینی)")

    def test_it_shows_the_estimate_in_the_explanation(self):
        calendar = WorkCalendar(estimate_after=jalali(1404, 6, 1))
        explanation = calendar.explain(jalali(1405, 4, 2), 1)
        self.assertIn((jalali(1405, 4, 3), "تاسوعای حسینی (تخمینی)"), explanation.skipped)


class HolidayOverrideTests(SimpleTestCase):
    def test_it_adds_a_holiday_the_package_lacks(self):
        sunday = jalali(1404, 2, 7)
        calendar = WorkCalendar(holiday_overrides={sunday: "تعطیلی به مناسبت سوگواری"})
        self.assertFalse(calendar.is_working_day(sunday))
        self.assertEqual(calendar.holiday_name(sunday), "تعطیلی به مناسبت سوگواری")

    def test_it_cancels_a_holiday_that_moved(self):
        tasua = jalali(1404, 4, 14)
        calendar = WorkCalendar(holiday_overrides={tasua: None})
        self.assertIsNone(calendar.holiday_name(tasua))
        self.assertFalse(WorkCalendar().is_working_day(tasua))


class ExplainTests(SimpleTestCase):
    def test_it_lists_every_skipped_day_with_its_reason(self):
        explanation = WorkCalendar().explain(jalali(1404, 1, 10), 3)
        self.assertEqual(explanation.due, jalali(1404, 1, 18))
        self.assertEqual(explanation.start, jalali(1404, 1, 10))
        self.assertEqual(explanation.days, 3)
        self.assertEqual(
            explanation.skipped,
            [
                (jalali(1404, 1, 11), "عید سعید فطر"),
                (jalali(1404, 1, 12), "تعطیل به مناسبت عید سعید فطر، روز جمهوری اسلامی"),
                (jalali(1404, 1, 13), "روز طبیعت"),
                (jalali(1404, 1, 14), "پنجشنبه"),
                (jalali(1404, 1, 15), "جمعه"),
            ],
        )

    def test_it_gives_every_reason_of_a_day(self):
        calendar = WorkCalendar(closures={jalali(1404, 4, 13): "گرمای شدید"})
        explanation = calendar.explain(jalali(1404, 4, 12), 3)
        self.assertEqual(explanation.due, jalali(1404, 4, 18))
        self.assertEqual(
            explanation.skipped,
            [
                (jalali(1404, 4, 13), "جمعه، گرمای شدید"),
                (jalali(1404, 4, 14), "تاسوعای حسینی"),
                (jalali(1404, 4, 15), "عاشورای حسینی"),
            ],
        )

    def test_it_lists_a_closure_that_moved_the_deadline(self):
        monday = jalali(1404, 4, 16)
        self.assertEqual(monday.weekday(), 0)
        calendar = WorkCalendar(closures={monday: "گرمای شدید"})
        explanation = calendar.explain(jalali(1404, 4, 12), 3)
        self.assertEqual(explanation.due, jalali(1404, 4, 21))
        self.assertEqual(
            [day for day, _ in explanation.skipped],
            [jalali(1404, 4, d) for d in (13, 14, 15, 16, 19, 20)],
        )
        self.assertIn((monday, "گرمای شدید"), explanation.skipped)

    def test_it_counts_across_the_new_year(self):
        explanation = WorkCalendar().explain(jalali(1404, 12, 26), 3)
        self.assertEqual(explanation.due, jalali(1405, 1, 8))
        self.assertEqual(
            [day for day, _ in explanation.skipped],
            [jalali(1404, 12, d) for d in (28, 29)]
            + [jalali(1405, 1, d) for d in (1, 2, 3, 4, 6, 7)],
        )
        self.assertEqual(explanation.skipped[2].reason, "جشن نوروز، عید سعید فطر")

    def test_it_skips_nothing_for_zero_days(self):
        explanation = WorkCalendar().explain(jalali(1404, 2, 12), 0)
        self.assertEqual(explanation.due, jalali(1404, 2, 12))
        self.assertEqual(explanation.skipped, [])

    def test_it_agrees_with_add_working_days(self):
        calendar = WorkCalendar(closures={jalali(1404, 2, 20): "آلودگی هوا"})
        for days in range(0, 30, 4):
            with self.subTest(days=days):
                start = jalali(1404, 2, 1)
                self.assertEqual(
                    calendar.explain(start, days).due, calendar.add_working_days(start, days)
                )


class PickleTests(SimpleTestCase):
    def test_it_survives_a_trip_through_the_cache(self):
        calendar = WorkCalendar(
            weekly_off_periods=[
                WeeklyOffPeriod(start=jalali(1404, 1, 1), end=None, days=frozenset({FRIDAY}))
            ],
            closures={jalali(1404, 2, 7): "آلودگی هوا"},
            holiday_overrides={jalali(1404, 2, 8): "عزای عمومی", jalali(1404, 4, 14): None},
            estimate_after=jalali(1404, 1, 1),
        )
        copy = pickle.loads(pickle.dumps(calendar))
        start = jalali(1404, 2, 6)
        self.assertEqual(copy.explain(start, 5), calendar.explain(start, 5))
        self.assertEqual(copy.holiday_name(jalali(1405, 4, 4)), "عاشورای حسینی (تخمینی)")
        with self.assertRaises(TypeError):
            copy.closures[jalali(1404, 2, 9)] = "still read-only"
