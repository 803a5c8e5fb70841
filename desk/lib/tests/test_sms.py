from __future__ import annotations

import datetime
from unittest import TestCase

from desk.lib.jalali import TEHRAN
from desk.lib.sms import (
    GSM7,
    UCS2,
    QuietHours,
    parse_quiet_hours,
    quiet_hours_end,
    sms_length,
    sms_parts,
)


class SmsPartsTests(TestCase):
    def test_persian_takes_70_characters_in_one_part_and_67_per_part_after(self) -> None:
        cases = {0: 0, 1: 1, 70: 1, 71: 2, 134: 2, 135: 3, 201: 3, 202: 4}
        for length, parts in cases.items():
            with self.subTest(length=length):
                self.assertEqual(sms_parts("س" * length), parts)

    def test_pure_latin_takes_160_in_one_part_and_153_per_part_after(self) -> None:
        cases = {160: 1, 161: 2, 306: 2, 307: 3}
        for length, parts in cases.items():
            with self.subTest(length=length):
                self.assertEqual(sms_parts("a" * length), parts)
        self.assertEqual(sms_length("Code 1234").encoding, GSM7)

    def test_one_persian_letter_or_digit_makes_the_whole_text_ucs2(self) -> None:
        length = sms_length("a" * 100 + "۱")
        self.assertEqual(length.encoding, UCS2)
        self.assertEqual((length.units, length.parts), (101, 2))

    def test_gsm_extension_characters_count_twice(self) -> None:
        self.assertEqual(sms_length("{}[]~^|\\€").units, 18)
        self.assertEqual(sms_parts("a" * 159 + "€"), 2)

    def test_characters_outside_the_basic_plane_take_two_units(self) -> None:
        self.assertEqual(sms_length("سلام 🙂").units, 7)

    def test_it_says_how_much_room_is_left(self) -> None:
        self.assertEqual(sms_length("س" * 60).left_in_part, 10)
        self.assertEqual(sms_length("س" * 71).left_in_part, 63)
        self.assertEqual(sms_length("").left_in_part, 160)


class QuietHoursTests(TestCase):
    def test_it_reads_a_window_or_off(self) -> None:
        self.assertEqual(
            parse_quiet_hours("22:00-07:00"),
            QuietHours(datetime.time(22), datetime.time(7)),
        )
        self.assertEqual(
            parse_quiet_hours(" 13:30 - 14:00 "),
            QuietHours(datetime.time(13, 30), datetime.time(14)),
        )
        for off in ("", "off", "OFF"):
            self.assertIsNone(parse_quiet_hours(off))
        for bad in ("22-7", "25:00-07:00", "22:00-22:00", "night"):
            with self.subTest(bad), self.assertRaises(ValueError):
                parse_quiet_hours(bad)

    def test_it_finds_when_a_window_across_midnight_ends(self) -> None:
        quiet = parse_quiet_hours("22:00-07:00")

        def at(hour: int, minute: int = 0, day: int = 7) -> datetime.datetime:
            return datetime.datetime(2025, 4, day, hour, minute, tzinfo=TEHRAN)

        self.assertIsNone(quiet_hours_end(at(21, 59), quiet, TEHRAN))
        self.assertEqual(quiet_hours_end(at(22), quiet, TEHRAN), at(7, day=8))
        self.assertEqual(quiet_hours_end(at(3), quiet, TEHRAN), at(7))
        self.assertIsNone(quiet_hours_end(at(7), quiet, TEHRAN))
        self.assertIsNone(quiet_hours_end(at(12), quiet, TEHRAN))

    def test_it_works_in_tehran_time_whatever_the_input_zone(self) -> None:
        quiet = parse_quiet_hours("22:00-07:00")
        utc_evening = datetime.datetime(2025, 4, 7, 19, 0, tzinfo=datetime.UTC)  # 22:30 Tehran
        end = quiet_hours_end(utc_evening, quiet, TEHRAN)
        self.assertEqual(end, datetime.datetime(2025, 4, 8, 7, 0, tzinfo=TEHRAN))

    def test_a_daytime_window_and_no_window(self) -> None:
        quiet = parse_quiet_hours("13:00-14:00")
        noon = datetime.datetime(2025, 4, 7, 13, 30, tzinfo=TEHRAN)
        self.assertEqual(quiet_hours_end(noon, quiet, TEHRAN), noon.replace(hour=14, minute=0))
        self.assertIsNone(quiet_hours_end(noon, None, TEHRAN))
