"""The rules the API gives for drawing a form (desk/api/formschema.py) take what the web form
takes: digits in Persian or ASCII, and notes in Persian."""

from __future__ import annotations

import re

from django.test import SimpleTestCase

from desk.api.formschema import _RULES
from desk.catalog.models import FieldKind
from desk.lib.persian import to_persian_digits

VALID = {
    FieldKind.NUMBER: "120",
    FieldKind.NATIONAL_CODE: "0084575948",
    FieldKind.MOBILE: "09121234567",
    FieldKind.POSTAL_CODE: "1415643511",
    FieldKind.DATE: "1404/01/10",
}


class FormRulesTests(SimpleTestCase):
    def test_each_pattern_takes_persian_and_ascii_digits(self) -> None:
        for kind, sample in VALID.items():
            pattern = re.compile(_RULES[kind]["pattern"])
            for typed in (sample, to_persian_digits(sample)):
                with self.subTest(kind=kind, typed=typed):
                    self.assertIsNotNone(pattern.match(typed))

    def test_the_postal_pattern_keeps_the_posts_rule_in_both_scripts(self) -> None:
        pattern = re.compile(_RULES[FieldKind.POSTAL_CODE]["pattern"])
        for typed in ("2415643511", "۲۴۱۵۶۴۳۵۱۱", "0415643511", "14156"):
            with self.subTest(typed=typed):
                self.assertIsNone(pattern.match(typed))

    def test_the_notes_are_in_persian(self) -> None:
        for kind, rules in _RULES.items():
            if "format" in rules:
                with self.subTest(kind=kind):
                    self.assertRegex(rules["format"], "[\u0600-\u06ff]")
