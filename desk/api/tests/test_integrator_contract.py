"""What an integrator builds against: an outside system that did not answer is «try again»
(503, Retry-After, never replayed under the Idempotency-Key), not a refusal; a body that is not
JSON is said in Persian; pages past the last are empty and a page that is no number is refused."""

from __future__ import annotations

from django.test import SimpleTestCase

from desk.accounts.identity import shahkar_waiting_message
from desk.api.problems import exception_handler
from desk.api.tests.base import ApiTestCase
from desk.api.tests.conformance import assert_documented
from desk.core.errors import ApplicationError


class OutsideSystemsTests(SimpleTestCase):
    def test_an_outside_system_not_answering_is_503_with_retry_after(self) -> None:
        response = exception_handler(
            ApplicationError(shahkar_waiting_message(), retry_after=120), {}
        )
        assert response is not None
        self.assertEqual(response.status_code, 503)  # not kept for replay (idempotency: ≥ 500)
        self.assertEqual(response["Retry-After"], "120")
        self.assertEqual(response.data["detail"], shahkar_waiting_message())

    def test_a_refusal_stays_422(self) -> None:
        response = exception_handler(ApplicationError("نه", field="x"), {})
        assert response is not None
        self.assertEqual(response.status_code, 422)


class BodiesAndPagesTests(ApiTestCase):
    def test_a_body_that_is_not_json_is_said_in_persian(self) -> None:
        r = self.client.post("/api/v1/track/", data="{bad", content_type="application/json")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(
            r.json()["errors"]["non_field_errors"], ["بدنه JSON درست نیست؛ آن را بررسی کنید."]
        )

    def test_a_page_past_the_last_is_empty_and_a_bad_page_is_refused(self) -> None:
        first = self.client.get("/api/v1/catalog/services/").json()
        self.assertEqual(first["page"], 1)
        self.assertTrue(first["results"])
        past = self.client.get("/api/v1/catalog/services/", {"page": first["pages"] + 1})
        self.assertEqual(past.status_code, 200)
        self.assertEqual(past.json()["results"], [])
        self.assertEqual(past.json()["count"], first["count"])
        for bad in ("abc", "-1", "0", "²"):
            with self.subTest(page=bad):
                r = self.client.get("/api/v1/catalog/services/", {"page": bad})
                self.assertEqual(r.status_code, 400)
                self.assertIn("page", r.json()["errors"])


class SmsCodeLimitsTests(ApiTestCase):
    def test_a_second_code_too_soon_is_429_with_retry_after(self) -> None:
        data = {"national_code": "0084575948", "mobile": "09121234567"}
        first = self.call("post", "/api/v1/auth/code/", data=data)
        self.assertEqual(first.status_code, 202, first.content)
        again = self.call("post", "/api/v1/auth/code/", data=data)
        self.assertEqual(again.status_code, 429, again.content)
        self.assertGreater(int(again["Retry-After"]), 0)
        assert_documented(again)
        self.assertIn("کد قبلی هنوز معتبر است", again.json()["detail"])
