"""The pure checks behind every typed answer: only ASCII, Persian and Arabic-Indic digits count
as digits; invisible characters never make a text; postal codes follow the post's rule; a name
has a letter."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from desk.lib.jalali import parse_date
from desk.lib.persian import is_ascii_number, normalize, search_key
from desk.lib.validators import normalize_mobile, normalize_postal_code, validate_person_name

ZWNJ = "\u200c"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


class OtherScriptsDigitsTests(SimpleTestCase):
    def test_is_ascii_number_takes_ascii_digits_only(self) -> None:
        self.assertTrue(is_ascii_number("1368"))
        for text in ("", "²²²²", "१३६८", "１３６８", "۱۳۶۸", "1_0", "-1", "1 2"):
            with self.subTest(text=text):
                self.assertFalse(is_ascii_number(text))

    def test_a_date_in_devanagari_or_superscript_digits_is_not_a_date(self) -> None:
        for text in ("१३६८/६/२१", "१/१/१३६८", "²²²²/1/1", "１３６８/６/２１"):
            with self.subTest(text=text), self.assertRaisesMessage(ValueError, "۱۴۰۴/۰۱/۱۰"):
                parse_date(text)

    def test_a_date_in_persian_or_arabic_indic_digits_is_still_a_date(self) -> None:
        self.assertEqual(str(parse_date("۱۳۶۸/۶/۲۱")), "1989-09-12")
        self.assertEqual(str(parse_date("١٣٦٨-٠٦-٢١")), "1989-09-12")

    def test_a_mobile_in_devanagari_digits_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            normalize_mobile("०९१२१२३४५६७")
        self.assertEqual(normalize_mobile("۰۹۱۲۱۲۳۴۵۶۷"), "+989121234567")


class InvisibleCharactersTests(SimpleTestCase):
    def test_text_of_only_invisible_characters_normalizes_to_empty(self) -> None:
        for text in (
            ZWNJ,
            "\u200d",
            "\u200e\u200f",
            "\u200b\ufeff",
            BIDI_CONTROLS,
            f" {ZWNJ} \t\u061c",
        ):
            with self.subTest(text=repr(text)):
                self.assertEqual(normalize(text), "")

    def test_invisible_ends_are_stripped_and_zwnj_inside_a_word_is_kept(self) -> None:
        self.assertEqual(normalize(f"\u200f{ZWNJ} می{ZWNJ}شود \ufeff\u200b"), f"می{ZWNJ}شود")

    def test_bidi_overrides_embeddings_and_isolates_are_removed_everywhere(self) -> None:
        self.assertEqual(normalize("ab\u202ecd\u202c ef\u2066gh\u2069"), "abcd efgh")

    def test_normalize_stays_idempotent(self) -> None:
        text = f" \u200f{ZWNJ}ميز \u202e خدمت{ZWNJ} "
        self.assertEqual(normalize(normalize(text)), normalize(text))

    def test_a_bidi_control_still_separates_words_in_search(self) -> None:
        self.assertEqual(search_key("میز\u202eخدمت"), "میز خدمت")


class PostalCodeRuleTests(SimpleTestCase):
    def test_codes_breaking_the_posts_rule_are_refused(self) -> None:
        # all one digit; a 0 or a 2 in the first five
        for code in (
            "0000000000",
            "1111111111",
            "1234567890",
            "1433013117",
            "1423813117",
        ):
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                normalize_postal_code(code)
            self.assertEqual(caught.exception.code, "postal_code_invalid")

    def test_real_shaped_codes_are_accepted(self) -> None:
        # Not refused on stricter unofficial rules: a 5 fifth, a 2 or 0 in the last five.
        for code in (
            "1433813117",
            "1439813117",
            "1439951111",
            "۱۴۳۹۸-۱۳۱۱۷",
            "1433513117",
            "1433813127",
            "5555513117",
        ):
            with self.subTest(code=code):
                self.assertEqual(len(normalize_postal_code(code)), 10)


class PersonNameTests(SimpleTestCase):
    def test_a_name_without_a_letter_is_refused(self) -> None:
        for name in ("-1", "۱۲۳", "123", "...", "!!", "-", "٫", "\u3164"):
            with self.subTest(name=name), self.assertRaises(ValidationError) as caught:
                validate_person_name(name)
            self.assertEqual(caught.exception.code, "name_letters")

    def test_persian_and_latin_names_are_accepted(self) -> None:
        for name in ("مریم", "علی‌اکبر", "Maryam", "José", "O'Neil", "ژاله-گلی"):
            with self.subTest(name=name):
                validate_person_name(name)
