"""The OpenAPI document says what the API does: each operation's credentials are the ones its
view lets through, ``Idempotency-Key`` is listed where it is honoured, ``Retry-After`` and
``Location`` where they are sent, and survey answers have the types they are sent with."""

from __future__ import annotations

import re
import uuid
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import override_settings

from desk.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from desk.api.tests.base import ApiTestCase, agency_key, bearer, key_header, new_key, token_for
from desk.api.tests.conformance import (
    api_document,
    assert_documented,
    operations,
    takes_idempotency_key,
    validator,
)
from desk.core.errors import ApplicationError
from desk.surveys.tests.base import ESERVICE_ANSWERS, SurveyTestCase
from desk.test import PDF_BYTES

PLENTY = 10**6
UNLIMITED = override_settings(
    API_REQUESTS_PER_IP_PER_MINUTE=PLENTY,
    API_REQUESTS_PER_TOKEN_PER_MINUTE=PLENTY,
    API_REQUESTS_PER_KEY_PER_MINUTE=PLENTY,
)
# A value for each path parameter (ids are UUIDs): nothing is there, but whether the
# credential is let in is decided before anything is looked up.
SAMPLES = {"code": "123456789012", "slug": "no-such-service"}
REFUSED = (401, 403)


def deed() -> SimpleUploadedFile:
    return SimpleUploadedFile("deed.pdf", PDF_BYTES, "application/pdf")


def sample_path(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(uuid.uuid4()) if name.endswith("_id") else SAMPLES[name]

    return re.sub(r"\{(\w+)\}", value, path)


@UNLIMITED
class CredentialsTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.key = agency_key(self.agency)

    def headers(self, scheme: str | None) -> dict[str, str]:
        """A fresh credential of ``scheme`` (sign-out revokes the token it is called with)."""
        if scheme == "citizenToken":
            return bearer(token_for(self.citizen))
        if scheme == "staffToken":
            return bearer(token_for(self.expert))
        if scheme == "agencyKey":
            return key_header(self.key)
        return {}

    def send(self, method: str, path: str, scheme: str | None, **extra: str) -> Any:
        headers: dict[str, Any] = {**extra, **self.headers(scheme)}
        if method == "GET":
            return self.client.get(sample_path(path), **headers)
        return self.client.generic(
            method, sample_path(path), "{}", content_type="application/json", **headers
        )

    def test_each_operation_lets_in_exactly_the_credentials_it_lists(self) -> None:
        wrong = []
        with self.assertLogs("django.request", "WARNING"):  # the refusals, not to print
            for path, method, operation in operations():
                listed = [next(iter(r), None) for r in operation["security"]]
                for scheme in ("citizenToken", "staffToken", "agencyKey", None):
                    got = self.send(method, path, scheme)
                    if (got.status_code not in REFUSED) != (scheme in listed):
                        wrong.append(f"{method} {path} {scheme or 'anyone'}: {got.status_code}")
        self.assertEqual(wrong, [])

    def test_citizen_staff_and_agency_routes_each_list_their_one_credential(self) -> None:
        paths = api_document()["paths"]
        self.assertEqual(paths["/api/v1/me/requests/"]["get"]["security"], [{"citizenToken": []}])
        self.assertEqual(paths["/api/v1/staff/inbox/"]["get"]["security"], [{"staffToken": []}])
        self.assertEqual(paths["/api/v1/agency/services/"]["get"]["security"], [{"agencyKey": []}])
        public = paths["/api/v1/catalog/services/"]["get"]["security"]
        self.assertIn({}, public)  # anyone; a credential sent is checked

    def test_idempotency_key_is_listed_exactly_where_it_is_honoured(self) -> None:
        wrong = []
        with self.assertLogs("django.request", "WARNING"):
            for path, method, operation in operations():
                if method != "POST":
                    continue
                scheme = next(iter(operation["security"][0]), None)
                got = self.send(method, path, scheme, HTTP_IDEMPOTENCY_KEY="x" * 300)
                errors = got.json().get("errors", {})
                honoured = got.status_code == 400 and IDEMPOTENCY_HEADER in errors
                if honoured != takes_idempotency_key(operation):
                    wrong.append(f"{path}: honoured {honoured}")
        self.assertEqual(wrong, [])
        tokens = api_document()["paths"]["/api/v1/auth/token/"]["post"]
        self.assertFalse(takes_idempotency_key(tokens))
        self.assertNotIn("409", tokens["responses"])  # in-progress: only with a key


class RetryAfterTest(ApiTestCase):
    def test_every_operation_lists_retry_after_on_its_429_and_503(self) -> None:
        missing = [
            f"{method} {path} {status}"
            for path, method, operation in operations()
            for status in ("429", "503")
            if "Retry-After" not in operation["responses"].get(status, {}).get("headers", {})
        ]
        self.assertEqual(missing, [])

    @override_settings(API_REQUESTS_PER_IP_PER_MINUTE=1)
    def test_the_apis_rate_limit_is_a_documented_429(self) -> None:
        self.assertEqual(self.client.get("/api/v1/catalog/services/").status_code, 200)
        again = self.client.get("/api/v1/catalog/services/")
        self.assertEqual(again.status_code, 429)
        assert_documented(again)

    def test_an_outside_system_not_answering_is_a_documented_503(self) -> None:
        shahkar = ApplicationError("شاهکار پاسخ نداد.", retry_after=120)
        with mock.patch("desk.accounts.services.otp_request", side_effect=shahkar):
            got = self.call(
                "post",
                "/api/v1/auth/code/",
                data={"national_code": "0084575948", "mobile": "09121234567"},
            )
        self.assertEqual(got.status_code, 503)
        self.assertEqual(got["Retry-After"], "120")
        assert_documented(got)

    def test_an_outage_is_a_documented_503(self) -> None:
        lost = OperationalError("connection lost")
        with (
            mock.patch("desk.catalog.selectors.agencies_with_counts", side_effect=lost),
            self.assertLogs("desk.core.outage", "ERROR"),
        ):
            got = self.client.get("/api/v1/catalog/agencies/")
        self.assertEqual(got.status_code, 503)
        assert_documented(got)


class LocationTest(ApiTestCase):
    def test_a_filed_request_is_a_documented_201_with_its_location(self) -> None:
        token = token_for(self.citizen)
        data = {"service": self.service.slug, "address": "تهران", "deed": deed()}
        with self.captureOnCommitCallbacks(execute=True):
            filed = self.call(
                "post", "/api/v1/me/requests/", token, data, key=new_key(), multipart=True
            )
        self.assertEqual(filed.status_code, 201, filed.content)
        self.assertEqual(filed["Location"], f"/api/v1/me/requests/{filed.json()['tracking_code']}/")
        assert_documented(filed)

    def test_an_agencys_filing_is_a_documented_201_with_its_location(self) -> None:
        data = {
            "service": self.service.slug,
            "national_code": "0084575948",
            "mobile": "09121234567",
            "address": "تهران",
            "deed": deed(),
        }
        with self.captureOnCommitCallbacks(execute=True):
            filed = self.call(
                "post",
                "/api/v1/agency/requests/",
                agency_key(self.agency),
                data,
                key=new_key(),
                multipart=True,
            )
        self.assertEqual(filed.status_code, 201, filed.content)
        assert_documented(filed)

    def test_a_token_is_a_201_without_a_location(self) -> None:
        got = self.call(
            "post",
            "/api/v1/staff/auth/token/",
            data={"username": "expert", "password": "a-Strong-pass-1404"},
        )
        self.assertEqual(got.status_code, 201, got.content)
        self.assertFalse(got.has_header("Location"))
        assert_documented(got)


class SurveyAnswersTest(ApiTestCase, SurveyTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.code = self.end().tracking_code
        self.url = f"/api/v1/me/requests/{self.code}/survey/"
        self.token = token_for(self.citizen)

    def test_a_survey_read_answered_and_read_again_is_what_the_document_says(self) -> None:
        empty = self.call("get", self.url, self.token)
        self.assertEqual(empty.status_code, 200, empty.content)
        assert_documented(empty)
        # A client sends the answers as the document describes them: scores are integers.
        sent = {"answers": ESERVICE_ANSWERS}
        validator("SurveyInRequest").validate(sent)
        answered = self.call("post", self.url, self.token, sent, key=new_key())
        self.assertEqual(answered.status_code, 200, answered.content)
        assert_documented(answered)
        again = self.call("get", self.url, self.token)
        assert_documented(again)
        self.assertEqual(again.json()["answers"]["overall"], 4)
        # ...and may send back what it read to change it (within the days allowed).
        validator("SurveyInRequest").validate({"answers": again.json()["answers"]})

    def test_scores_sent_as_digits_are_still_taken(self) -> None:
        answers = {k: str(v) for k, v in ESERVICE_ANSWERS.items()}
        got = self.call("post", self.url, self.token, {"answers": answers}, key=new_key())
        self.assertEqual(got.status_code, 200, got.content)
        self.assertEqual(got.json()["answers"]["speed"], 3)

    def test_the_document_says_an_answer_is_a_score_or_a_text(self) -> None:
        answers = validator("SurveyOut")
        self.assertTrue(answers.is_valid({"open": True, "questions": [], "answers": {"a": 5}}))
        self.assertTrue(answers.is_valid({"open": True, "questions": [], "answers": {"a": "…"}}))
        for wrong in (True, 6, [5], None):
            with self.subTest(answer=wrong):
                body = {"open": True, "questions": [], "answers": {"a": wrong}}
                self.assertFalse(answers.is_valid(body))
