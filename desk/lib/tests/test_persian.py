from __future__ import annotations

from django.test import SimpleTestCase

from desk.lib.persian import (
    normalize,
    normalize_prose,
    search_key,
    to_ascii_digits,
    to_persian_digits,
)

ZWNJ = "\u200c"


class DigitsTests(SimpleTestCase):
    def test_it_converts_persian_digits_to_ascii(self):
        self.assertEqual(to_ascii_digits("۰۱۲۳۴۵۶۷۸۹"), "0123456789")

    def test_it_converts_arabic_indic_digits_to_ascii(self):
        self.assertEqual(to_ascii_digits("٠١٢٣٤٥٦٧٨٩"), "0123456789")

    def test_it_leaves_other_text_alone(self):
        self.assertEqual(to_ascii_digits("کد ۱۲ و 34"), "کد 12 و 34")

    def test_it_writes_any_value_in_persian_digits(self):
        self.assertEqual(to_persian_digits(1404), "۱۴۰۴")
        self.assertEqual(to_persian_digits("14:05"), "۱۴:۰۵")
        self.assertEqual(to_persian_digits(None), "None")


class NormalizeTests(SimpleTestCase):
    def test_it_maps_arabic_yeh_and_alef_maksura_to_persian_yeh(self):
        self.assertEqual(normalize("ميز"), "میز")
        self.assertEqual(normalize("موسى"), "موسی")

    def test_it_maps_arabic_kaf_to_persian_kaf(self):
        self.assertEqual(normalize("كد"), "کد")

    def test_it_converts_digits(self):
        self.assertEqual(normalize("۱۴۰۴/٠١/10"), "1404/01/10")

    def test_it_drops_tatweel_and_diacritics(self):
        self.assertEqual(normalize("مــیز"), "میز")
        self.assertEqual(normalize("مُحَمَّد"), "محمد")
        self.assertEqual(normalize("رحمٰن"), "رحمن")

    def test_it_collapses_and_strips_whitespace(self):
        self.assertEqual(normalize("  میز \t\n خدمت\u00a0 "), "میز خدمت")

    def test_it_keeps_zwnj(self):
        self.assertEqual(normalize(f"می{ZWNJ}شود"), f"می{ZWNJ}شود")

    def test_it_is_idempotent(self):
        text = " ميز  خدمتِ كشور ۱۲ "
        self.assertEqual(normalize(normalize(text)), normalize(text))


class ProseTests(SimpleTestCase):
    def test_it_keeps_the_writers_diacritics(self):
        for text in ("لطفاً", "خانۀ ما", "مسأله", "مُحَمَّد", "رحمٰن"):
            with self.subTest(text=text):
                self.assertEqual(normalize_prose(text), text)

    def test_it_maps_letter_forms_digits_and_whitespace_as_normalize_does(self):
        self.assertEqual(normalize_prose("  ميز ــ  كار ۱۲\u202e "), "میز کار 12")

    def test_marks_and_invisible_characters_alone_are_empty(self):
        for text in ("\u064b", " \u064e\u0650 ", "\u200c\u0651\u200f"):
            with self.subTest(text=repr(text)):
                self.assertEqual(normalize_prose(text), "")

    def test_its_search_key_is_the_plain_texts(self):
        self.assertEqual(search_key(normalize_prose("لطفاً")), search_key("لطفا"))
        self.assertEqual(search_key(normalize_prose("لطفاً"), normalized=True), "لطفا")


class SearchKeyTests(SimpleTestCase):
    def test_it_matches_both_letter_forms(self):
        self.assertEqual(search_key("ميز خدمت"), search_key("میز خدمت"))

    def test_it_treats_zwnj_as_a_space(self):
        self.assertEqual(search_key(f"میز{ZWNJ}خدمت"), search_key("میز خدمت"))

    def test_it_finds_a_query_inside_a_longer_text(self):
        self.assertIn(search_key("ميز خدمت"), search_key(f"درخواست میز{ZWNJ}خدمت"))
        self.assertIn(search_key(f"ميز{ZWNJ}خدمت"), search_key("درخواست ميز خدمت"))

    def test_it_treats_other_zero_width_chars_as_spaces(self):
        for char in ("\u200b", "\u200d", "\u200f", "\ufeff"):
            with self.subTest(char=repr(char)):
                self.assertEqual(search_key(f"میز{char}خدمت"), "میز خدمت")

    def test_it_collapses_spaces_around_zwnj(self):
        self.assertEqual(search_key(f"میز {ZWNJ} خدمت"), "میز خدمت")

    def test_it_casefolds_latin_text(self):
        self.assertEqual(search_key("  Service  DESK "), "service desk")

    def test_it_normalizes_digits_and_diacritics(self):
        self.assertEqual(search_key("فرمِ ۱۲"), search_key("فرم 12"))
