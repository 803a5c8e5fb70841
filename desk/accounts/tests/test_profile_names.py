"""A citizen's name on the profile page: at least one Persian or Latin letter; digits,
punctuation or invisible characters alone are refused beside the box, in Persian."""

from __future__ import annotations

from django.urls import reverse

from desk.test import BaseTestCase

PROFILE = reverse("accounts:profile")


class ProfileNameTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.citizen.first_name, self.citizen.last_name = "مریم", "رضایی"
        self.citizen.save()
        self.client.force_login(self.citizen)

    def test_a_first_name_of_digits_or_punctuation_is_refused_and_not_saved(self) -> None:
        for typed in ("-1", "۱۲۳", "...", "-"):
            with self.subTest(typed=typed):
                r = self.client.post(PROFILE, {"first_name": typed, "last_name": "رضایی"})
                self.assertEqual(r.status_code, 200)
                message = "نام را با حروف بنویسید، مثلاً مریم."
                self.assertEqual(r.context["form"].errors["first_name"], [message])
                self.assertContains(r, message)
                self.assertContains(r, "is-invalid")
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.first_name, "مریم")

    def test_a_last_name_without_a_letter_is_refused(self) -> None:
        r = self.client.post(PROFILE, {"first_name": "مریم", "last_name": "0"})
        self.assertEqual(
            r.context["form"].errors["last_name"], ["نام خانوادگی را با حروف بنویسید، مثلاً رضایی."]
        )
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.last_name, "رضایی")

    def test_a_name_of_invisible_characters_is_an_empty_name(self) -> None:
        r = self.client.post(PROFILE, {"first_name": "\u200c\u200f", "last_name": "رضایی"})
        self.assertEqual(r.context["form"].errors["first_name"], ["نام خود را وارد کنید."])

    def test_persian_and_latin_names_are_saved(self) -> None:
        for first, last in (("علی‌اکبر", "O'Neil"), ("Maryam", "رضایی-نیا")):
            with self.subTest(first=first):
                r = self.client.post(PROFILE, {"first_name": first, "last_name": last})
                self.assertEqual(r.status_code, 302)
                self.citizen.refresh_from_db()
                self.assertEqual((self.citizen.first_name, self.citizen.last_name), (first, last))
