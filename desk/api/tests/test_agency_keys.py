"""Agencies' systems with an API key: within its scopes and its own agency only."""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from desk.api.tests.base import ApiTestCase, agency_key, new_key
from desk.integrations.models import ApiKey, Scope
from desk.integrations.services import api_key_revoke
from desk.submissions.models import Channel, Submission
from desk.submissions.services import submission_create
from desk.test import PDF_BYTES, create_citizen, create_service


class AgencyKeyTest(ApiTestCase):
    def on_behalf(self, key: str, **extra: object) -> object:
        data = {
            "service": "building-permit",
            "national_code": "0084575948",
            "mobile": "09121234567",
            "address": "تهران",
            "deed": SimpleUploadedFile("deed.pdf", PDF_BYTES, "application/pdf"),
            **extra,
        }
        with self.captureOnCommitCallbacks(execute=True):
            return self.call(
                "post", "/api/v1/agency/requests/", key, data, key=new_key(), multipart=True
            )

    def test_a_key_files_a_request_for_a_citizen_on_the_api_channel(self) -> None:
        got = self.on_behalf(agency_key(self.agency))
        self.assertEqual(got.status_code, 201, got.content)  # type: ignore[attr-defined]
        submission = Submission.objects.get()
        self.assertEqual(submission.channel, Channel.API)
        self.assertEqual(submission.applicant_national_code, "0084575948")
        self.assertEqual(submission.applicant, self.citizen)

    def test_a_key_files_only_for_its_own_agencys_services(self) -> None:
        create_service(self.other_agency, slug="gas-connection")
        got = self.on_behalf(agency_key(self.agency), service="gas-connection")
        self.assertEqual(got.status_code, 400)  # type: ignore[attr-defined]
        self.assertFalse(Submission.objects.exists())

    def test_a_key_without_the_scope_is_refused(self) -> None:
        key = agency_key(self.agency, Scope.CATALOG_READ)
        self.assertEqual(self.on_behalf(key).status_code, 403)  # type: ignore[attr-defined]
        self.assertEqual(self.call("get", "/api/v1/agency/services/", key).status_code, 200)

    def test_status_of_the_agencys_own_requests_only(self) -> None:
        own = submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران"},
            files={},
            idempotency_key=uuid.uuid4(),
        )
        other_service = create_service(self.other_agency, slug="gas-connection")
        other = submission_create(
            service=other_service,
            applicant=create_citizen("0499370899", "+989121111111"),
            answers={"address": "تهران"},
            files={},
            idempotency_key=uuid.uuid4(),
        )
        key = agency_key(self.agency)
        mine = self.call("get", f"/api/v1/agency/requests/{own.tracking_code}/", key)
        self.assertEqual(mine.json()["status"], "submitted")
        theirs = self.call("get", f"/api/v1/agency/requests/{other.tracking_code}/", key)
        self.assertEqual(theirs.status_code, 404)
        card = self.call("get", "/api/v1/agency/services/gas-connection/", key)
        self.assertEqual(card.status_code, 404)

    def test_a_revoked_key_is_refused(self) -> None:
        key = agency_key(self.agency)
        api_key_revoke(key=ApiKey.objects.get(), actor=None)
        got = self.call("get", "/api/v1/agency/services/", key)
        self.assertEqual(got.status_code, 401)
        self.assertEqual(got.json()["type"], "urn:mizkhedmat:problem:not-authenticated")

    def test_a_key_is_not_a_person(self) -> None:
        key = agency_key(self.agency)
        self.assertEqual(self.call("get", "/api/v1/me/requests/", key).status_code, 403)
        self.assertEqual(self.call("get", "/api/v1/staff/inbox/", key).status_code, 403)
