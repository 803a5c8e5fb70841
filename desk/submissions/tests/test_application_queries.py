"""The application's form and «send», as the citizen's browser sends them (the file staged on
its own request first): what they file and how many statements each costs. The counts pin the
signed-in request's fixed part (the session, the user read with their staff record in one
statement) and the filing's (the audit chain's three statements); see docs/benchmarks.md."""

from __future__ import annotations

import re
import uuid

from django.test import override_settings
from django.urls import reverse

from desk.audit.models import AuditChain, AuditEntry
from desk.audit.selectors import audit_chain_verify
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Submission
from desk.submissions.tests.base import SubmissionTestCase, upload

_STAGED = re.compile(r'name="deed__staged" value="([0-9a-f-]{36})"')


@override_settings(SESSION_ENGINE="desk.core.sessions_db")  # sessions in the database: counted
class ApplicationQueriesTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.citizen)
        self.form_url = reverse("submissions:apply", args=[self.service.slug])
        self.check_url = reverse("submissions:apply_check", args=[self.service.slug])
        self.form = self.staged_form()

    def staged_form(self) -> dict[str, str]:
        """The form's answers, its document staged on its own request (htmx) first."""
        file_url = reverse("submissions:apply_file", args=[self.service.slug, "deed"])
        r = self.client.post(file_url, {"deed": upload("sanad.pdf")}, HTTP_HX_REQUEST="true")
        match = _STAGED.search(r.content.decode())
        assert match is not None
        return {
            "idempotency_key": str(uuid.uuid4()),
            "address": "تهران، خیابان آزادی",
            "deed__staged": match.group(1),
        }

    def file(self) -> None:
        self.client.post(self.form_url, self.staged_form())
        self.client.post(self.check_url)

    def test_the_form_costs_four_statements(self) -> None:
        # The session; the user with their staff record (none: a citizen); the staged file;
        # the session written with the draft.
        with self.assertNumQueries(4):
            r = self.client.post(self.form_url, self.form)
        self.assertRedirects(r, self.check_url, fetch_redirect_response=False)

    def test_send_files_once_and_the_audit_chain_verifies(self) -> None:
        self.file()  # the first filing starts the service's workflow and the audit chain
        self.client.post(self.form_url, self.form)
        with self.assertNumQueries(SEND_QUERIES):
            r = self.client.post(self.check_url)
        submission = Submission.objects.latest("pk")
        receipt = reverse("submissions:receipt", args=[submission.tracking_code])
        self.assertRedirects(r, receipt, fetch_redirect_response=False)
        self.assertEqual(submission.attachments.get().original_name, "sanad.pdf")
        self.assertTrue(OutboundMessage.objects.filter(reference=submission.tracking_code))
        entry = AuditEntry.objects.filter(action="request.submitted").latest("pk")
        self.assertEqual(entry.object_id, str(submission.pk))
        self.assertEqual(entry.actor_id, self.citizen.pk)
        # «send» tapped again: the same receipt, one request, one entry.
        again = self.client.post(self.check_url)
        self.assertRedirects(again, receipt, fetch_redirect_response=False)
        self.assertEqual(Submission.objects.count(), 2)
        self.assertEqual(AuditEntry.objects.filter(action="request.submitted").count(), 2)
        for chain in AuditChain.objects.all():
            self.assertTrue(audit_chain_verify(chain).ok, chain.scope)

    def test_the_audit_chain_verifies_after_many_filings(self) -> None:
        for _ in range(3):
            self.file()
        self.assertEqual(Submission.objects.count(), 3)
        chain = AuditChain.objects.get(agency=self.agency)
        self.assertEqual(chain.last_sequence, chain.entries.count())
        self.assertEqual(chain.last_hash, chain.entries.order_by("-sequence")[0].hash)
        self.assertTrue(audit_chain_verify(chain).ok)


# The session; the user with their staff record; whether the key was filed already; the
# transaction (a savepoint in tests, two statements) with the workflow's start (two: in the
# cache on a server), the staged file claimed, the request, its document, its timeline entry,
# the audit chain's head locked, the entry, the head moved, the SMS; the session written.
SEND_QUERIES = 16
