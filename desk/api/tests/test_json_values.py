"""JSON bodies: a list or an object where a form field takes one value is refused by field in
Persian, and nothing is stored; it was stored as its Python text («['a', 'b']»)."""

from __future__ import annotations

from desk.api.tests.base import ApiTestCase, new_key, token_for
from desk.letters.models import Letter, Register


class JsonValuesTests(ApiTestCase):
    def test_a_list_or_object_for_a_name_is_refused_and_the_name_kept(self) -> None:
        token = token_for(self.citizen)
        before = (self.citizen.first_name, self.citizen.last_name)
        for body in (
            {"first_name": {"a": 1}, "last_name": "رضایی"},
            {"first_name": "مریم", "last_name": ["رضایی", "x"]},
        ):
            with self.subTest(body=body):
                r = self.call("post", "/api/v1/me/", token, body)
                self.assertEqual(r.status_code, 400, r.content)
                problem = r.json()
                self.assertIn("نه", str(problem))
        self.citizen.refresh_from_db()
        self.assertEqual((self.citizen.first_name, self.citizen.last_name), before)

    def test_a_letter_whose_subject_is_a_list_is_not_registered(self) -> None:
        Register.objects.create(agency=self.agency)
        token = token_for(self.citizen)
        r = self.call(
            "post",
            "/api/v1/me/letters/",
            token,
            {"agency": self.agency.slug, "subject": ["a", "b"], "body": {"x": 1}},
            key=new_key(),
        )
        self.assertEqual(r.status_code, 400, r.content)
        fields = r.json()
        self.assertIn("subject", str(fields))
        self.assertIn("body", str(fields))
        self.assertFalse(Letter.objects.exists())

    def test_plain_values_still_arrive_as_the_form_reads_them(self) -> None:
        token = token_for(self.citizen)
        r = self.call("post", "/api/v1/me/", token, {"first_name": "مریم", "last_name": "رضایی"})
        self.assertEqual(r.status_code, 200, r.content)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.first_name, "مریم")
