"""The public part: catalog, service cards with their form, tracking, problem details."""

from __future__ import annotations

import uuid

from django.test import override_settings

from desk.api.problems import PROBLEM_CONTENT_TYPE
from desk.api.tests.conformance import assert_documented
from desk.catalog.models import FieldKind, FormField
from desk.submissions.services import submission_create
from desk.test import BaseTestCase


class PublicApiTest(BaseTestCase):
    def _file(self) -> object:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile("deed.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")

    def test_it_lists_the_catalog_with_either_letter_form(self) -> None:
        response = self.client.get("/api/v1/catalog/services/", {"q": "پروانه ساختماني"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 1)
        self.assertEqual(body["results"][0]["slug"], "building-permit")
        self.assertEqual(body["results"][0]["agency"], "sample-municipality")

    def test_it_shows_a_service_card_with_its_form_schema(self) -> None:
        FormField.objects.create(
            service=self.service,
            order=3,
            name="use",
            label="کاربری",
            kind=FieldKind.CHOICE,
            choices="مسکونی\nتجاری",
        )
        body = self.client.get("/api/v1/catalog/services/building-permit/").json()
        form = {f["name"]: f for f in body["form"]}
        self.assertEqual(form["use"]["choices"], ["مسکونی", "تجاری"])
        self.assertEqual(form["deed"]["kind"], "file")
        self.assertIn("application/pdf", form["deed"]["rules"]["content_types"])
        self.assertEqual(form["address"]["rules"]["max_length"], 200)
        self.assertEqual(body["national_id"], "SRV-building-permit")

    def test_an_unknown_service_is_a_persian_problem_document(self) -> None:
        response = self.client.get("/api/v1/catalog/services/nothing-here/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], PROBLEM_CONTENT_TYPE)
        body = response.json()
        self.assertEqual(body["type"], "urn:mizkhedmat:problem:not-found")
        self.assertEqual(body["title"], "پیدا نشد")
        self.assertEqual(body["status"], 404)

    def _filed(self) -> str:
        submission = submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران، خیابان آزادی"},
            files={},
            idempotency_key=uuid.uuid4(),
        )
        return submission.tracking_code

    def test_it_tracks_a_request_by_code_and_national_code(self) -> None:
        code = self._filed()
        response = self.client.post(
            "/api/v1/track/",
            {"code": code, "national_code": "۰۰۸۴۵۷۵۹۴۸"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["tracking_code"], code)
        self.assertEqual(body["status"], "submitted")
        self.assertTrue(body["next_step"]["now"])
        self.assertEqual(body["timeline"][0]["kind"], "submitted")

    def test_an_unknown_code_and_a_wrong_national_code_get_one_answer(self) -> None:
        code = self._filed()
        wrong = self.client.post(
            "/api/v1/track/",
            {"code": code, "national_code": "1111111111"[:9] + "1"},
            content_type="application/json",
        )
        unknown = self.client.post(
            "/api/v1/track/",
            {"code": "1" * len(code), "national_code": "0084575948"},
            content_type="application/json",
        )
        other_owner = self.client.post(
            "/api/v1/track/",
            {"code": code, "national_code": "0499370899"},
            content_type="application/json",
        )
        self.assertEqual(unknown.status_code, 404)
        self.assertEqual(other_owner.status_code, 404)
        self.assertEqual(unknown.json(), other_owner.json())
        self.assertEqual(wrong.status_code, 400)  # not a national code at all: the field says so
        self.assertIn("national_code", wrong.json()["errors"])

    @override_settings(TRACKING_LOOKUPS_PER_IP_PER_HOUR=2)
    def test_tracking_shares_the_web_pages_limit(self) -> None:
        code = self._filed()
        data = {"code": code, "national_code": "0084575948"}
        self.client.post("/requests/track/", data)
        self.client.post("/requests/track/", data)
        response = self.client.post("/api/v1/track/", data, content_type="application/json")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["type"], "urn:mizkhedmat:problem:throttled")
        self.assertIn("Retry-After", response)
        assert_documented(response)

    @override_settings(TRACKING_LOOKUPS_PER_IP_PER_HOUR=2)
    def test_tracking_counts_an_ipv6_subscribers_whole_network(self) -> None:
        code = self._filed()
        data = {"code": code, "national_code": "0084575948"}
        # Three addresses of one /64, as a phone taking a fresh one for each try.
        self.client.post("/requests/track/", data, REMOTE_ADDR="2001:db8:5:9::1")
        self.client.post("/requests/track/", data, REMOTE_ADDR="2001:db8:5:9:1:2:3:4")
        refused = self.client.post(
            "/api/v1/track/", data, content_type="application/json", REMOTE_ADDR="2001:db8:5:9::7"
        )
        self.assertEqual(refused.status_code, 429)
        other = self.client.post(
            "/api/v1/track/", data, content_type="application/json", REMOTE_ADDR="2001:db8:5:a::1"
        )
        self.assertEqual(other.status_code, 200)

    def test_invalid_json_is_a_problem_document(self) -> None:
        response = self.client.post("/api/v1/track/", "{", content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["type"], "urn:mizkhedmat:problem:invalid-input")

    def test_the_openapi_document_and_its_page_are_served_from_this_site(self) -> None:
        schema = self.client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
        self.assertEqual(schema.status_code, 200)
        self.assertIn("/api/v1/track/", schema.json()["paths"])
        page = self.client.get("/api/v1/docs/")
        self.assertContains(page, "vendor/swagger-ui/swagger-ui-bundle.js")
        self.assertNotContains(page, "cdn")


class CatalogExportApiTest(BaseTestCase):
    """/api/v1/catalog/export/ is the national export of /catalog/export.json, not a copy."""

    def test_the_api_serves_the_same_export_with_the_same_version(self) -> None:
        web = self.client.get("/catalog/export.json")
        api = self.client.get("/api/v1/catalog/export/")
        self.assertEqual(api.status_code, 200)
        self.assertEqual(api["ETag"], web["ETag"])
        body = api.json()
        self.assertEqual(body["export_version"], web.json()["export_version"])
        self.assertEqual(body["services"], web.json()["services"])
        self.assertEqual([s["national_id"] for s in body["services"]], ["SRV-building-permit"])

    def test_a_client_holding_the_version_gets_304(self) -> None:
        etag = self.client.get("/api/v1/catalog/export/")["ETag"]
        again = self.client.get("/api/v1/catalog/export/", HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again["ETag"], etag)

    def test_one_agency_and_an_unknown_one(self) -> None:
        theirs = self.client.get("/api/v1/catalog/export/", {"agency": "sample-gas"}).json()
        self.assertEqual((theirs["agency"], theirs["count"]), ("sample-gas", 0))
        unknown = self.client.get("/api/v1/catalog/export/", {"agency": "nobody"})
        self.assertEqual(unknown.status_code, 404)
        self.assertEqual(unknown["Content-Type"], PROBLEM_CONTENT_TYPE)
