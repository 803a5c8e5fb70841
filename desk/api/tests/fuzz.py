"""Schemathesis against the OpenAPI document, in-process through the WSGI app (``make
api-fuzz``; not part of ``manage.py test desk``: the module's name is not test_*).

Every operation of /api/v1/schema/ gets generated calls (FUZZ_EXAMPLES each, at least 1,000
in all) with the credentials its path asks for (a citizen's token, a staff token, an agency
key) over a small world: an agency, its service with a workflow and a fee, a filed request.
Each answer is checked: no 5xx, a status code, content type, headers and body the document
describes. An operation stops at its first failure; all are listed together (no shrinking,
derandomized)."""

from __future__ import annotations

import os
import uuid
from typing import Any

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from desk.api.tests.base import ApiTestCase, agency_key, token_for
from desk.payments.models import FeeKind, GatewayAccount, Provider, ServiceFee
from desk.submissions.services import submission_create
from desk.test import define_permit_workflow, give_position

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
MINIMUM_CALLS = int(os.environ.get("FUZZ_MINIMUM_CALLS", "1000"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
PLENTY = 10**6


@override_settings(
    API_REQUESTS_PER_IP_PER_MINUTE=PLENTY,
    API_REQUESTS_PER_TOKEN_PER_MINUTE=PLENTY,
    API_REQUESTS_PER_KEY_PER_MINUTE=PLENTY,
    TRACKING_LOOKUPS_PER_IP_PER_HOUR=PLENTY,
    OTP_MAX_PER_IP_PER_HOUR=PLENTY,
    SUBMISSIONS_PER_ADDRESS_PER_HOUR=PLENTY,
    SUBMISSIONS_PER_ADDRESS_PER_DAY=PLENTY,
    PAYMENT_FAKE_ALLOWED=True,
)
class ApiFuzz(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The raw WSGI application closes "old" connections at each request's start and end;
        # inside the test's transaction that closes PostgreSQL's connection (SQLite's in-memory
        # one survives): do what Django's test client does, so the fuzz also runs on PostgreSQL.
        for signal in (signals.request_started, signals.request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        define_permit_workflow(self.service)
        give_position(self.expert, "پذیرش")
        ServiceFee.objects.create(
            service=self.service, kind=FeeKind.FIXED, amount=1_000_000, purpose="عوارض"
        )
        GatewayAccount.objects.create(agency=self.agency, provider=Provider.FAKE)
        self.submission = submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران"},
            files={},
            idempotency_key=uuid.uuid4(),
        )
        self.credentials = {
            "/api/v1/me/": {"Authorization": f"Bearer {token_for(self.citizen)}"},
            "/api/v1/staff/": {"Authorization": f"Bearer {token_for(self.expert)}"},
            "/api/v1/agency/": {"Authorization": f"ApiKey {agency_key(self.agency)}"},
        }

    def headers_for(self, path: str) -> dict[str, str]:
        if path == "/api/v1/auth/sign-out/":
            return {"Authorization": f"Bearer {token_for(self.citizen)}"}
        for prefix, headers in self.credentials.items():
            if path.startswith(prefix) and not path.startswith("/api/v1/staff/auth/"):
                return headers
        return {}

    calls = 0

    def fuzz(self, operation: Any, headers: dict[str, str]) -> None:
        """Generated calls of one operation, each answer checked (counted in ``calls``)."""

        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            self.calls += 1
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        run()

    def test_generated_calls_get_only_answers_the_document_describes(self) -> None:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
        failures: list[str] = []
        for result in schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]
            try:
                self.fuzz(operation, self.headers_for(operation.path))
            except Exception as exc:  # the operation's first failure; the others still run
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
        print(f"\napi-fuzz: {self.calls} generated calls, {len(failures)} failures")
        self.assertEqual(failures, [], "\n\n".join(failures[:20]))
        self.assertGreaterEqual(self.calls, MINIMUM_CALLS)
