from __future__ import annotations

from django.test import SimpleTestCase

from desk.lib import tracking


def substitutions(code: str):
    for i, original in enumerate(code):
        for digit in "0123456789":
            if digit != original:
                yield code[:i] + digit + code[i + 1 :]


def adjacent_swaps(code: str):
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2 :]


class GenerateTests(SimpleTestCase):
    def test_it_makes_twelve_digits_not_starting_with_zero(self):
        for _ in range(500):
            code = tracking.generate()
            self.assertRegex(code, r"^[1-9]\d{11}$")

    def test_it_makes_valid_codes(self):
        for _ in range(500):
            self.assertTrue(tracking.is_valid(tracking.generate()))

    def test_it_is_random(self):
        codes = {tracking.generate() for _ in range(1000)}
        self.assertEqual(len(codes), 1000)
        self.assertEqual({code[0] for code in codes}, set("123456789"))


class ValidityTests(SimpleTestCase):
    def test_it_uses_the_damm_check_digit(self):
        # The worked example of the Damm algorithm: 572 gets check digit 4.
        self.assertEqual(tracking._damm("572"), 4)
        self.assertEqual(tracking._damm("5724"), 0)

    def test_it_catches_every_single_digit_error(self):
        for _ in range(200):
            code = tracking.generate()
            for wrong in substitutions(code):
                self.assertFalse(tracking.is_valid(wrong), f"{code} -> {wrong}")

    def test_it_catches_every_adjacent_swap(self):
        for _ in range(200):
            code = tracking.generate()
            for wrong in adjacent_swaps(code):
                self.assertFalse(tracking.is_valid(wrong), f"{code} -> {wrong}")

    def test_it_uses_a_table_that_guarantees_detection(self):
        # A weakly totally anti-symmetric quasigroup with a zero diagonal detects every single
        # substitution (rows and columns are permutations) and every adjacent transposition.
        table = tracking._DAMM_TABLE
        for row in table:
            self.assertEqual(sorted(row), list(range(10)))
        for col in range(10):
            self.assertEqual(sorted(row[col] for row in table), list(range(10)))
        for d in range(10):
            self.assertEqual(table[d][d], 0)
        for c in range(10):
            for x in range(10):
                for y in range(10):
                    if x != y:
                        self.assertNotEqual(table[table[c][x]][y], table[table[c][y]][x])

    def test_it_rejects_wrong_lengths_and_letters(self):
        code = tracking.generate()
        for value in ("", code[:-1], code + "0", code[:-1] + "a"):
            with self.subTest(value=value):
                self.assertFalse(tracking.is_valid(value))

    def test_it_rejects_a_leading_zero(self):
        body = "01234567890"
        self.assertFalse(tracking.is_valid(body + str(tracking._damm(body))))


class NormalizeTests(SimpleTestCase):
    def test_it_accepts_persian_and_arabic_indic_digits(self):
        code = tracking.generate()
        persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        arabic = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        self.assertEqual(tracking.normalize(persian), code)
        self.assertEqual(tracking.normalize(arabic), code)
        self.assertTrue(tracking.is_valid(persian))
        self.assertTrue(tracking.is_valid(arabic))

    def test_it_drops_spaces_and_dashes(self):
        code = tracking.generate()
        self.assertTrue(tracking.is_valid(f" {code[:4]}-{code[4:8]} {code[8:]} "))

    def test_it_formats_in_groups_of_four(self):
        self.assertEqual(tracking.format_code("123456789012"), "1234-5678-9012")
        self.assertEqual(tracking.format_code("۱۲۳۴ ۵۶۷۸ ۹۰۱۲"), "1234-5678-9012")
        # Twelve digits that are not all ASCII take the normalizing path, as any other text.
        self.assertEqual(tracking.format_code("۱۲۳۴۵۶۷۸۹۰۱۲"), "1234-5678-9012")
        self.assertEqual(tracking.format_code("12345678901"), "1234-5678-901")

    def test_it_round_trips_the_formatted_code(self):
        code = tracking.generate()
        self.assertEqual(tracking.normalize(tracking.format_code(code)), code)
        self.assertTrue(tracking.is_valid(tracking.format_code(code)))
