"""What staff read and every change of a request's state reach the audit log."""

from __future__ import annotations

from django.urls import reverse

from desk.audit.models import AuditChain, AuditEntry
from desk.audit.selectors import audit_chain_verify
from desk.submissions.tests.base import SubmissionTestCase


class RequestAuditTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.submission = self.create_submission()
        self.code = self.submission.tracking_code

    def entries(self, action: str) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(action=action).order_by("sequence"))

    def test_it_records_the_submission_in_the_agency_chain(self) -> None:
        (entry,) = self.entries("request.submitted")

        self.assertEqual(entry.agency_id, self.agency.pk)
        self.assertEqual(entry.actor_id, self.citizen.pk)
        self.assertEqual(
            (entry.object_type, entry.object_id),
            ("submissions.submission", str(self.submission.pk)),
        )
        self.assertEqual(entry.details["tracking_code"], self.code)
        self.assertEqual(entry.details["status"], "submitted")

    def test_it_records_each_staff_action_without_its_message(self) -> None:
        self.client.force_login(self.expert)
        url = reverse("submissions:staff_act", args=[self.code])
        self.client.post(url, {"action": "start_review"})
        self.client.post(
            url, {"action": "reject", "message": "سند مالکیت خوانا نیست", "confirmed": "1"}
        )

        kinds = [e.action for e in AuditEntry.objects.filter(object_id=str(self.submission.pk))]
        self.assertEqual(kinds, ["request.submitted", "request.review_started", "request.rejected"])
        rejected = self.entries("request.rejected")[0]
        self.assertEqual(rejected.actor_label, "expert")
        self.assertNotIn("خوانا", str(rejected.details))
        chain = AuditChain.objects.get(scope=f"agency:{self.agency.pk}")
        self.assertTrue(audit_chain_verify(chain).ok)

    def test_it_records_staff_opening_the_request_page(self) -> None:
        self.client.force_login(self.expert)

        self.client.get(reverse("submissions:staff_request", args=[self.code]))

        (entry,) = self.entries("read.request")
        self.assertEqual((entry.actor_id, entry.agency_id), (self.expert.pk, self.agency.pk))
        self.assertEqual(entry.details, {"tracking_code": self.code})

    def test_it_records_staff_downloading_a_file_but_not_the_applicant(self) -> None:
        attachment = self.submission.attachments.get()
        url = reverse("submissions:download", args=[attachment.public_id])
        self.client.force_login(self.citizen)
        self.client.get(url)
        self.client.force_login(self.expert)

        response = self.client.get(url)

        self.assertEqual(response.status_code, 200)
        (entry,) = self.entries("read.file")
        self.assertEqual(entry.actor_id, self.expert.pk)
        self.assertEqual(
            (entry.object_type, entry.object_id), ("submissions.attachment", str(attachment.pk))
        )

    def test_an_outsider_reads_nothing_and_leaves_no_entry(self) -> None:
        self.client.force_login(self.outsider)

        response = self.client.get(reverse("submissions:staff_request", args=[self.code]))

        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.entries("read.request"), [])
