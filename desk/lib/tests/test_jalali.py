from __future__ import annotations

import datetime

import jdatetime
from django.test import SimpleTestCase

from desk.lib import jalali
from desk.lib.jalali import (
    TEHRAN,
    format_date,
    format_date_long,
    format_datetime,
    parse_date,
    to_jalali,
    today_tehran,
)

UTC = datetime.UTC


class ToJalaliTests(SimpleTestCase):
    def test_it_knows_nowruz_1404(self):
        self.assertEqual(to_jalali(datetime.date(2025, 3, 21)), jdatetime.date(1404, 1, 1))

    def test_it_converts_aware_datetimes_to_tehran_first(self):
        # 20:30 UTC on 20 March is 00:00 on 21 March in Tehran (UTC+03:30).
        value = datetime.datetime(2025, 3, 20, 20, 30, tzinfo=UTC)
        self.assertEqual(to_jalali(value), jdatetime.date(1404, 1, 1))
        self.assertEqual(
            to_jalali(value - datetime.timedelta(minutes=1)), jdatetime.date(1403, 12, 30)
        )

    def test_it_takes_naive_datetimes_as_they_are(self):
        value = datetime.datetime(2025, 3, 20, 23, 0)
        self.assertEqual(to_jalali(value), jdatetime.date(1403, 12, 30))


class FormatTests(SimpleTestCase):
    def test_it_formats_a_date_with_persian_digits(self):
        self.assertEqual(format_date(datetime.date(2025, 3, 30)), "۱۴۰۴/۰۱/۱۰")

    def test_it_formats_none_as_empty(self):
        self.assertEqual(format_date(None), "")
        self.assertEqual(format_date_long(None), "")
        self.assertEqual(format_datetime(None), "")

    def test_it_formats_a_utc_datetime_in_tehran(self):
        value = datetime.datetime(2025, 3, 20, 21, 0, tzinfo=UTC)
        self.assertEqual(format_date(value), "۱۴۰۴/۰۱/۰۱")

    def test_it_formats_a_long_date_with_weekday_and_month_name(self):
        self.assertEqual(format_date_long(datetime.date(2025, 3, 30)), "یکشنبه ۱۰ فروردین ۱۴۰۴")
        self.assertEqual(format_date_long(datetime.date(2025, 3, 31)), "دوشنبه ۱۱ فروردین ۱۴۰۴")
        self.assertEqual(format_date_long(datetime.date(2026, 3, 20)), "جمعه ۲۹ اسفند ۱۴۰۴")

    def test_it_takes_the_weekday_of_the_tehran_date(self):
        # Friday 21:00 UTC is already Saturday in Tehran.
        value = datetime.datetime(2025, 3, 21, 21, 0, tzinfo=UTC)
        self.assertEqual(format_date_long(value), "شنبه ۲ فروردین ۱۴۰۴")

    def test_it_formats_a_datetime_in_tehran_time(self):
        value = datetime.datetime(2025, 3, 30, 10, 35, tzinfo=UTC)
        self.assertEqual(format_datetime(value), "۱۴۰۴/۰۱/۱۰ ساعت ۱۴:۰۵")

    def test_it_formats_a_datetime_already_in_another_zone(self):
        value = datetime.datetime(2025, 3, 30, 14, 5, tzinfo=TEHRAN)
        self.assertEqual(format_datetime(value), "۱۴۰۴/۰۱/۱۰ ساعت ۱۴:۰۵")


class ParseDateTests(SimpleTestCase):
    def test_it_parses_ascii_digits_without_padding(self):
        self.assertEqual(parse_date("1404/1/10"), datetime.date(2025, 3, 30))

    def test_it_parses_persian_digits(self):
        self.assertEqual(parse_date("۱۴۰۴/۰۱/۱۰"), datetime.date(2025, 3, 30))

    def test_it_parses_arabic_indic_digits(self):
        self.assertEqual(parse_date("١٤٠٤/٠١/١٠"), datetime.date(2025, 3, 30))

    def test_it_parses_dashes_and_surrounding_spaces(self):
        self.assertEqual(parse_date(" 1404-01-10 "), datetime.date(2025, 3, 30))

    def test_it_knows_nowruz_1404(self):
        self.assertEqual(parse_date("1404/01/01"), datetime.date(2025, 3, 21))

    def test_it_accepts_esfand_30_of_a_leap_year(self):
        self.assertTrue(jdatetime.date(1403, 1, 1).isleap())
        self.assertEqual(parse_date("1403/12/30"), datetime.date(2025, 3, 20))

    def test_it_rejects_esfand_30_of_a_common_year(self):
        self.assertFalse(jdatetime.date(1404, 1, 1).isleap())
        with self.assertRaisesMessage(ValueError, "این تاریخ در تقویم وجود ندارد."):
            parse_date("1404/12/30")

    def test_it_rejects_dates_that_do_not_exist(self):
        for text in ("1404/13/01", "1404/00/10", "1404/01/32", "1404/07/31", "1404/01/00"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                parse_date(text)

    def test_it_rejects_text_that_is_not_a_date(self):
        for text in ("", "فردا", "1404/01", "04/01/10", "1404/01/10/2", "1404/001/10", "۱۴۰۴"):
            with (
                self.subTest(text=text),
                self.assertRaisesMessage(ValueError, "تاریخ را به شکل ۱۴۰۴/۰۱/۱۰ وارد کنید."),
            ):
                parse_date(text)

    def test_it_round_trips_with_format_date(self):
        day = datetime.date(2025, 9, 23)
        self.assertEqual(parse_date(format_date(day)), day)


class TodayTests(SimpleTestCase):
    def test_it_returns_the_date_in_tehran(self):
        before = datetime.datetime.now(TEHRAN).date()
        today = today_tehran()
        after = datetime.datetime.now(TEHRAN).date()
        self.assertIn(today, {before, after})
        self.assertIs(type(today), datetime.date)


class JalaliDayTests(SimpleTestCase):
    def test_it_converts_every_day_as_jdatetime_does(self) -> None:
        day, last = datetime.date(2015, 1, 1), datetime.date(2035, 12, 31)
        while day <= last:
            j = jdatetime.date.fromgregorian(date=day)
            self.assertEqual(jalali._jalali_day(day), (j.year, j.month, j.day), day)
            day += datetime.timedelta(days=1)
