"""What a citizen types into a service's own form (ApplicationForm, built from its FormField
rows): digits of other scripts, numbers out of bounds, answers of invisible characters, postal
codes the post never gives. Each is refused beside its question in Persian, what was typed
kept; never a 500, never stored."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from desk.catalog.forms import ApplicationForm
from desk.catalog.models import FieldKind, FormField
from desk.submissions.models import Submission
from desk.test import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

FIELDS: list[tuple[str, str, str]] = [
    ("address", "نشانی", FieldKind.TEXT),
    ("description", "شرح درخواست", FieldKind.TEXTAREA),
    ("count", "تعداد واحدها", FieldKind.NUMBER),
    ("postal_code", "کد پستی ملک", FieldKind.POSTAL_CODE),
    ("birth_date", "تاریخ تولد", FieldKind.DATE),
]

RLM, LRM, ZWNJ, ZWJ, ZWSP, BOM = "\u200f", "\u200e", "\u200c", "\u200d", "\u200b", "\ufeff"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


class HostileAnswerTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.service.form_fields.all().delete()
        for order, (name, label, kind) in enumerate(FIELDS, start=1):
            FormField.objects.create(
                service=self.service, order=order, name=name, label=label, kind=kind
            )
        self.url = reverse("submissions:apply", args=[self.service.slug])

    def valid_data(self, **changes: str) -> dict[str, str]:
        return {
            "idempotency_key": str(uuid.uuid4()),
            "address": "تهران، خیابان آزادی، پلاک ۱۲",
            "description": "ساختمان دو طبقه",
            "count": "۲",
            "postal_code": "۱۴۳۳۸۱۳۱۱۷",
            "birth_date_0": "۲۱",
            "birth_date_1": "۶",
            "birth_date_2": "۱۳۶۸",
            **changes,
        }

    def post(self, **changes: str) -> Response:
        self.client.force_login(self.citizen)
        return self.client.post(self.url, self.valid_data(**changes))

    def assert_refused(self, r: Response, field: str, message: str, typed: str = "") -> None:
        self.assertEqual(r.status_code, 200)
        self.assertIn(message, r.context["form"].errors[field])
        self.assertContains(r, message)
        if typed:
            self.assertContains(r, typed, msg_prefix="what was typed is kept")
        self.assertFalse(Submission.objects.exists())

    def assert_accepted(self, r: Response) -> None:
        check = reverse("submissions:apply_check", args=[self.service.slug])
        errors = r.context["form"].errors if r.context else None
        self.assertRedirects(r, check, fetch_redirect_response=False, msg_prefix=str(errors))

    def answers(self, **changes: str) -> dict[str, Any]:
        form = ApplicationForm(self.valid_data(**changes), service=self.service)
        self.assertTrue(form.is_valid(), form.errors)
        return form.answers()


class DigitsOfOtherScriptsTests(HostileAnswerTestCase):
    def test_a_date_year_in_superscript_digits_is_refused_not_a_500(self) -> None:
        r = self.post(birth_date_2="²²²²")
        self.assert_refused(r, "birth_date", "روز، ماه و سال را با رقم بنویسید.", "²²²²")

    def test_a_date_in_devanagari_or_fullwidth_digits_is_refused(self) -> None:
        for day, month, year in (
            ("१", "१", "१३६८"),
            ("２１", "６", "１３６８"),
            ("21", "6", "١٣٦٨²"),
        ):
            with self.subTest(year=year):
                r = self.post(birth_date_0=day, birth_date_1=month, birth_date_2=year)
                self.assert_refused(r, "birth_date", "روز، ماه و سال را با رقم بنویسید.", year)

    def test_a_date_in_persian_arabic_indic_or_ascii_digits_is_accepted(self) -> None:
        for day, month, year in (("۲۱", "۶", "۱۳۶۸"), ("٢١", "٦", "١٣٦٨"), ("21", "06", "1368")):
            with self.subTest(year=year):
                self.assertEqual(
                    str(
                        self.answers(birth_date_0=day, birth_date_1=month, birth_date_2=year)[
                            "birth_date"
                        ]
                    ),
                    "1989-09-12",
                )

    def test_a_number_in_other_scripts_digits_is_refused(self) -> None:
        for typed in ("²", "१२", "１２", "1_000"):
            with self.subTest(typed=typed):
                self.assert_refused(
                    self.post(count=typed),
                    "count",
                    "«تعداد واحدها» را فقط با رقم بنویسید؛ مثلاً ۲.",
                    typed,
                )


class NumberBoundsTests(HostileAnswerTestCase):
    def test_a_negative_number_is_refused_in_persian(self) -> None:
        r = self.post(count="-5")
        self.assert_refused(r, "count", "«تعداد واحدها» باید ۰ یا بیشتر باشد.", "-5")

    def test_a_number_past_a_thousand_trillion_is_refused_in_persian_digits(self) -> None:
        r = self.post(count="99999999999999999999999")
        self.assert_refused(
            r,
            "count",
            "«تعداد واحدها» باید ۱٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰ یا کمتر باشد.",
            "99999999999999999999999",
        )

    def test_thousands_of_digits_are_refused_not_a_500(self) -> None:
        self.assert_refused(
            self.post(count="9" * 5000), "count", "«تعداد واحدها» را فقط با رقم بنویسید؛ مثلاً ۲."
        )

    def test_zero_and_the_largest_number_are_accepted(self) -> None:
        self.assertEqual(self.answers(count="۰")["count"], 0)
        self.assertEqual(self.answers(count="۱٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰")["count"], 10**15)
        self.assert_accepted(self.post(count="۱۲,۵۰۰"))


class InvisibleTextTests(HostileAnswerTestCase):
    def test_a_required_text_of_only_invisible_characters_is_empty(self) -> None:
        for typed in (ZWNJ, ZWJ, RLM + LRM, ZWSP + BOM, BIDI_CONTROLS, f" {ZWNJ} {RLM} ", "\u2060"):
            with self.subTest(typed=repr(typed)):
                r = self.post(address=typed)
                self.assert_refused(r, "address", "«نشانی» را وارد کنید.")

    def test_a_required_long_answer_of_only_invisible_lines_is_empty(self) -> None:
        r = self.post(description=f"{ZWNJ}\n{RLM}{BOM}\n\u202e")
        self.assert_refused(r, "description", "«شرح درخواست» را وارد کنید.")

    def test_invisible_characters_at_the_ends_go_and_a_zwnj_inside_a_word_stays(self) -> None:
        answers = self.answers(
            address=f"{RLM}{ZWNJ} نشانی می{ZWNJ}شود {ZWSP}{BOM}",
            description=f"{LRM}خط اول{ZWNJ}\n{ZWJ}خط دوم{RLM}",
        )
        self.assertEqual(answers["address"], f"نشانی می{ZWNJ}شود")
        self.assertEqual(answers["description"], "خط اول\nخط دوم")

    def test_bidi_overrides_and_isolates_are_never_stored(self) -> None:
        answers = self.answers(
            address="پلاک \u202e۲۱\u202c واحد \u2067ب\u2069",
            description="شرح \u202dabc\u202c\n\u2066متن\u2069",
        )
        self.assertEqual(answers["address"], "پلاک 21 واحد ب")
        self.assertEqual(answers["description"], "شرح abc\nمتن")

    def test_a_text_with_invisible_ends_is_accepted(self) -> None:
        self.assert_accepted(self.post(address=f"{RLM}خیابان آزادی{ZWNJ}"))


class PostalCodeTests(HostileAnswerTestCase):
    def test_postal_codes_the_post_never_gives_are_refused(self) -> None:
        for typed in ("0000000000", "1111111111", "۱۲۳۴۵-۶۷۸۹۰", "1433013117", "1423813117"):
            with self.subTest(typed=typed):
                r = self.post(postal_code=typed)
                self.assert_refused(
                    r,
                    "postal_code",
                    "کد پستی واردشده معتبر نیست؛ آن را از روی قبض آب، برق یا گاز بنویسید.",
                    typed,
                )

    def test_a_postal_code_of_the_posts_form_is_accepted(self) -> None:
        self.assertEqual(self.answers(postal_code="۱۴۳۹۸-۱۳۱۱۷")["postal_code"], "1439813117")
