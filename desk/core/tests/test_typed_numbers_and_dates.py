"""The fields for numbers and dates people type take ASCII, Persian and Arabic-Indic digits
only; any other script's digits («²», «१», «１») get the field's own Persian error, never a 500;
a number's bounds are said in Persian digits."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from desk.core.dates import JalaliDatePartsField, JalaliDateTimePartsField
from desk.core.forms import JalaliDateField, NormalizedCharField, PersianIntegerField


class DatePartsTests(SimpleTestCase):
    def test_a_year_in_superscript_digits_is_refused_in_persian(self) -> None:
        field = JalaliDatePartsField(label="تاریخ تولد")
        with self.assertRaisesMessage(ValidationError, "روز، ماه و سال را با رقم بنویسید."):
            field.clean(["۲۱", "۶", "²²²²"])

    def test_devanagari_day_and_month_are_refused(self) -> None:
        field = JalaliDatePartsField(label="تاریخ تولد")
        with self.assertRaisesMessage(ValidationError, "روز، ماه و سال را با رقم بنویسید."):
            field.clean(["२१", "६", "1368"])

    def test_a_date_in_arabic_indic_digits_with_a_pasted_rlm_is_accepted(self) -> None:
        field = JalaliDatePartsField(label="تاریخ تولد")
        self.assertEqual(str(field.clean(["\u200f٢١", "٦", "١٣٦٨\u200f"])), "1989-09-12")

    def test_an_hour_or_minute_in_superscript_digits_is_refused_in_persian(self) -> None:
        field = JalaliDateTimePartsField(label="زمان")
        for hour, minute in (("²", "30"), ("14", "³")):
            message = "ساعت و دقیقه را با رقم بنویسید."
            with self.subTest(hour=hour), self.assertRaisesMessage(ValidationError, message):
                field.clean(["۲۱", "۶", "۱۴۰۵", hour, minute])

    def test_a_typed_jalali_date_in_devanagari_digits_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "تاریخ را به شکل ۱۴۰۴/۰۱/۱۰ وارد کنید."):
            JalaliDateField().clean("१/१/१३६८")


class IntegerTests(SimpleTestCase):
    def test_other_scripts_digits_are_not_a_number(self) -> None:
        field = PersianIntegerField(label="تعداد")
        for typed in ("²", "१२", "１２", "1_000", "1e3", "۱۲٫۵"):
            message = "«تعداد» را فقط با رقم بنویسید؛ مثلاً ۲."
            with self.subTest(typed=typed), self.assertRaisesMessage(ValidationError, message):
                field.clean(typed)

    def test_persian_arabic_indic_and_grouped_numbers_are_read(self) -> None:
        field = PersianIntegerField(label="تعداد")
        self.assertEqual(field.clean("۱۲٬۵۰۰"), 12500)
        self.assertEqual(field.clean("١٢,٥٠٠"), 12500)
        self.assertEqual(field.clean(" 12 "), 12)
        self.assertEqual(field.clean("۱۲٫۰"), 12)
        self.assertEqual(field.clean(7), 7)

    def test_bounds_are_said_with_the_label_in_persian_digits(self) -> None:
        field = PersianIntegerField(label="مساحت", min_value=10, max_value=2000)
        with self.assertRaisesMessage(ValidationError, "«مساحت» باید ۱۰ یا بیشتر باشد."):
            field.clean("-5")
        with self.assertRaisesMessage(ValidationError, "«مساحت» باید ۲٬۰۰۰ یا کمتر باشد."):
            field.clean("۲۰۰۱")

    def test_a_percent_sign_in_the_label_does_not_break_the_message(self) -> None:
        field = PersianIntegerField(label="سهم (%)", min_value=0)
        with self.assertRaisesMessage(ValidationError, "«سهم (%)» باید ۰ یا بیشتر باشد."):
            field.clean("-1")

    def test_a_forms_own_bound_messages_are_kept(self) -> None:
        field = PersianIntegerField(
            label="مهلت", min_value=1, error_messages={"min_value": "حداقل ۱ روز."}
        )
        with self.assertRaisesMessage(ValidationError, "حداقل ۱ روز."):
            field.clean("0")


class RequiredTextTests(SimpleTestCase):
    def test_invisible_characters_alone_are_an_empty_answer(self) -> None:
        field = NormalizedCharField(error_messages={"required": "نشانی را وارد کنید."})
        for typed in ("\u200c", "\u200f\u200e", "\ufeff\u200b", "\u202e\u202c", " \u2066\u2069 "):
            message = "نشانی را وارد کنید."
            with (
                self.subTest(typed=repr(typed)),
                self.assertRaisesMessage(ValidationError, message),
            ):
                field.clean(typed)

    def test_an_optional_answer_of_invisible_characters_is_stored_empty(self) -> None:
        self.assertEqual(NormalizedCharField(required=False).clean("\u200c\u200f"), "")
        self.assertIsInstance(NormalizedCharField(), forms.CharField)
