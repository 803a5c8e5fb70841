from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from desk.lib.validators import (
    display_mobile,
    is_valid_national_code,
    masked_mobile,
    normalize_iban,
    normalize_legal_id,
    normalize_mobile,
    normalize_national_code,
    normalize_postal_code,
)


def national_code_with_check_digit(first_nine: str) -> str:
    """Independent implementation of the check digit from PRODUCT.md."""
    r = sum(int(d) * (10 - i) for i, d in enumerate(first_nine)) % 11
    return first_nine + str(r if r < 2 else 11 - r)


def legal_id_with_check_digit(first_ten: str) -> str:
    k = int(first_ten[9]) + 2
    weights = [29, 27, 23, 19, 17]
    s = sum((int(d) + k) * weights[i % 5] for i, d in enumerate(first_ten))
    return first_ten + str(s % 11 % 10)


def iban_with_check_digits(bban: str) -> str:
    check = 98 - int(bban + "182700") % 97
    return f"IR{check:02d}{bban}"


class ValidatorTestCase(SimpleTestCase):
    def assertRejectedBy(self, normalize: Callable[[str], str], value: str, code: str) -> None:
        with self.subTest(value=value):
            with self.assertRaises(ValidationError) as cm:
                normalize(value)
            self.assertEqual(cm.exception.code, code)


class NationalCodeTests(ValidatorTestCase):
    def assertRejected(self, value: str, code: str = "national_code_invalid") -> None:
        self.assertRejectedBy(normalize_national_code, value, code)
        self.assertFalse(is_valid_national_code(value))

    def test_it_accepts_the_product_example(self):
        self.assertEqual(normalize_national_code("0084575948"), "0084575948")
        self.assertTrue(is_valid_national_code("0084575948"))

    def test_it_rejects_a_wrong_check_digit(self):
        self.assertRejected("0084575949")

    def test_it_rejects_every_wrong_check_digit(self):
        valid = national_code_with_check_digit("123456789")
        self.assertTrue(is_valid_national_code(valid))
        for digit in "0123456789":
            if digit != valid[-1]:
                self.assertRejected(valid[:9] + digit)

    def test_it_accepts_computed_codes(self):
        for first_nine in ("123456789", "001234567", "987654321", "441122334", "500000001"):
            code = national_code_with_check_digit(first_nine)
            with self.subTest(code=code):
                self.assertEqual(normalize_national_code(code), code)

    def test_it_rejects_ten_equal_digits_even_with_a_matching_check_digit(self):
        # 1111111111 satisfies the checksum, which is why the rule exists.
        self.assertEqual(national_code_with_check_digit("111111111"), "1111111111")
        for digit in "0123456789":
            self.assertRejected(digit * 10)

    def test_it_rejects_zeros_in_digits_four_to_nine(self):
        code = national_code_with_check_digit("123000000")
        self.assertRejected(code)

    def test_it_accepts_zeros_in_only_part_of_digits_four_to_nine(self):
        for first_nine in ("123000001", "123100000", "000000001"):
            code = national_code_with_check_digit(first_nine)
            with self.subTest(code=code):
                self.assertEqual(normalize_national_code(code), code)

    def test_it_pads_eight_and_nine_digits_to_ten(self):
        self.assertEqual(normalize_national_code("84575948"), "0084575948")
        self.assertEqual(normalize_national_code("084575948"), "0084575948")

    def test_it_rejects_other_lengths(self):
        for value in ("", "8457594", "00845759480", "4575948"):
            self.assertRejected(value, "national_code_format")

    def test_it_rejects_non_digits(self):
        for value in ("008457594a", "0084575948x", "۰۰۸۴۵۷۵۹۴۸/", "²084575948"):
            self.assertRejected(value, "national_code_format")

    def test_it_accepts_persian_and_arabic_indic_digits(self):
        self.assertEqual(normalize_national_code("۰۰۸۴۵۷۵۹۴۸"), "0084575948")
        self.assertEqual(normalize_national_code("٠٠٨٤٥٧٥٩٤٨"), "0084575948")

    def test_it_strips_spaces_dashes_and_invisible_marks(self):
        for value in (
            " 008-457594-8 ",
            "008 457 5948",
            "\u200e0084575948\u200f",
            "008\u200c4575948",
        ):
            with self.subTest(value=value):
                self.assertEqual(normalize_national_code(value), "0084575948")

    def test_it_has_a_persian_message(self):
        with self.assertRaisesMessage(ValidationError, "کد ملی واردشده معتبر نیست."):
            normalize_national_code("0084575949")


class LegalIdTests(ValidatorTestCase):
    def test_it_accepts_a_known_real_id(self):
        self.assertEqual(normalize_legal_id("10380284790"), "10380284790")

    def test_it_accepts_computed_ids(self):
        for first_ten in ("1010038705", "1400013429", "1234567890", "1086182753", "1000000009"):
            code = legal_id_with_check_digit(first_ten)
            with self.subTest(code=code):
                self.assertEqual(normalize_legal_id(code), code)

    def test_it_maps_remainder_ten_to_zero(self):
        # Find an id whose remainder is 10 and check its check digit is 0.
        for n in range(1000000000, 1000000200):
            first_ten = str(n)
            k = int(first_ten[9]) + 2
            weights = [29, 27, 23, 19, 17]
            if sum((int(d) + k) * weights[i % 5] for i, d in enumerate(first_ten)) % 11 == 10:
                break
        else:
            self.fail("no id with remainder 10 in range")
        self.assertEqual(normalize_legal_id(first_ten + "0"), first_ten + "0")

    def test_it_rejects_every_wrong_check_digit(self):
        for digit in "123456789":
            self.assertRejectedBy(normalize_legal_id, "1038028479" + digit, "legal_id_invalid")

    def test_it_rejects_other_lengths_and_non_digits(self):
        for value in ("", "1038028479", "103802847900", "1038028479a"):
            self.assertRejectedBy(normalize_legal_id, value, "legal_id_format")

    def test_it_accepts_persian_digits_and_separators(self):
        self.assertEqual(normalize_legal_id("۱۰۳۸۰۲۸۴۷۹۰"), "10380284790")
        self.assertEqual(normalize_legal_id("١٠٣٨٠٢٨٤٧٩٠"), "10380284790")
        self.assertEqual(normalize_legal_id(" 1038-0284-790 "), "10380284790")

    def test_it_does_not_pad_a_national_code(self):
        with self.assertRaises(ValidationError):
            normalize_legal_id("0084575948")


class MobileTests(ValidatorTestCase):
    def test_it_stores_the_international_form(self):
        for value in (
            "09123456789",
            "9123456789",
            "989123456789",
            "+989123456789",
            "00989123456789",
            "۰۹۱۲ ۳۴۵ ۶۷۸۹",
            "٠٩١٢٣٤٥٦٧٨٩",
            "0912-345-6789",
            "+98 912 345 6789",
            "(0912) 345 6789",
            "  0912.345.6789  ",
        ):
            with self.subTest(value=value):
                self.assertEqual(normalize_mobile(value), "+989123456789")

    def test_it_rejects_numbers_that_are_not_iranian_mobiles(self):
        for value in (
            "",
            "02112345678",  # landline
            "0912345678",  # one digit short
            "091234567890",  # one digit long
            "+9809123456789",
            "+449123456789",
            "0912345678a",
            "8123456789",
        ):
            self.assertRejectedBy(normalize_mobile, value, "mobile_invalid")

    def test_it_displays_the_local_form(self):
        self.assertEqual(display_mobile("+989123456789"), "09123456789")

    def test_it_round_trips(self):
        self.assertEqual(display_mobile(normalize_mobile("۰۹۳۵ ۱۲۳ ۴۵۶۷")), "09351234567")


class PostalCodeTests(ValidatorTestCase):
    def test_it_accepts_ten_digits(self):
        self.assertEqual(normalize_postal_code("1433813117"), "1433813117")

    def test_it_accepts_a_dash_spaces_and_persian_digits(self):
        self.assertEqual(normalize_postal_code("14338-13117"), "1433813117")
        self.assertEqual(normalize_postal_code(" ۱۴۳۳۸-۱۳۱۱۷ "), "1433813117")
        self.assertEqual(normalize_postal_code("١٤٣٣٨ ١٣١١٧"), "1433813117")

    def test_it_rejects_other_lengths_and_letters(self):
        for value in ("", "123456789", "12345678901", "12345-6789a"):
            self.assertRejectedBy(normalize_postal_code, value, "postal_code_invalid")


class IbanTests(ValidatorTestCase):
    SAMPLE = "IR062960000000100324200001"

    def test_it_accepts_the_published_sample(self):
        self.assertEqual(normalize_iban(self.SAMPLE), self.SAMPLE)

    def test_it_accepts_a_computed_iban(self):
        iban = iban_with_check_digits("0170000000123456789012")
        self.assertEqual(normalize_iban(iban), iban)

    def test_it_accepts_lowercase_spaces_and_persian_digits(self):
        for value in (
            "ir06 2960 0000 0010 0324 2000 01",
            "IR۰۶۲۹۶۰۰۰۰۰۰۰۱۰۰۳۲۴۲۰۰۰۰۱",
            " IR06-2960-0000-0010-0324-2000-01 ",
            "062960000000100324200001",
        ):
            with self.subTest(value=value):
                self.assertEqual(normalize_iban(value), self.SAMPLE)

    def test_it_rejects_a_wrong_checksum(self):
        for value in ("IR062960000000100324200002", "IR072960000000100324200001"):
            self.assertRejectedBy(normalize_iban, value, "iban_invalid")

    def test_it_rejects_swapped_neighbours(self):
        with self.assertRaises(ValidationError):
            normalize_iban("IR062960000000100324200010")

    def test_it_rejects_other_countries_and_lengths(self):
        for value in (
            "",
            "DE89370400440532013000",
            "IR06296000000010032420000",
            "IR0629600000001003242000011",
        ):
            self.assertRejectedBy(normalize_iban, value, "iban_format")


class MaskedMobileTests(SimpleTestCase):
    def test_it_shows_the_first_four_and_last_four_digits_only(self) -> None:
        self.assertEqual(masked_mobile("+989123456789"), "0912***6789")
        self.assertEqual(masked_mobile(""), "")
