"""The result document follows the completion of a request, whatever path completed it."""

from __future__ import annotations

from desk.delivery.models import IssuedDocument
from desk.delivery.services import result_document_issue
from desk.submissions.models import Status
from desk.submissions.tests.base import SubmissionTestCase, checked_upload


class ResultOnCompletionTests(SubmissionTestCase):
    def complete(self, message: str = "") -> None:
        submission = self.create_submission()
        self.transition(submission, "start_review")
        with self.captureOnCommitCallbacks(execute=True):
            self.submission = self.transition(
                submission, "complete", message=message, files=[checked_upload("permit.pdf")]
            )

    def test_it_issues_the_document_when_the_service_layer_alone_completes_a_request(
        self,
    ) -> None:
        self.complete(message="پروانه ساخت برای ۳ طبقه صادر شد.")
        document = IssuedDocument.objects.get(submission=self.submission)
        self.assertEqual(document.issued_by, self.expert)
        self.assertEqual(document.body, "پروانه ساخت برای ۳ طبقه صادر شد.")
        self.assertEqual(document.title, "نتیجه درخواست صدور پروانه ساختمانی")
        with document.file.open("rb") as f:
            self.assertTrue(f.read(5) == b"%PDF-")

    def test_it_words_the_document_itself_when_staff_wrote_nothing(self) -> None:
        self.complete()
        document = IssuedDocument.objects.get(submission=self.submission)
        self.assertIn("بررسی و انجام شد", document.body)

    def test_it_issues_nothing_before_the_completion_commits(self) -> None:
        submission = self.create_submission()
        self.transition(submission, "start_review")
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.transition(submission, "complete", files=[checked_upload("permit.pdf")])
            self.assertFalse(IssuedDocument.objects.exists())
        # The SMS job, the document subscriber, the survey's invitation subscriber, the
        # inquiries' (open ones withdrawn) and the agency's webhooks.
        self.assertEqual(len(callbacks), 5)

    def test_it_issues_nothing_on_rejection(self) -> None:
        submission = self.create_submission()
        with self.captureOnCommitCallbacks(execute=True):
            self.transition(submission, "reject", message="سند ناقص است.")
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.REJECTED)
        self.assertFalse(IssuedDocument.objects.exists())

    def test_it_issues_one_document_when_the_job_runs_twice(self) -> None:
        self.complete()
        again = result_document_issue(
            submission_id=self.submission.pk, issued_by_id=self.expert.pk, message=""
        )
        self.assertIsNone(again)
        self.assertEqual(IssuedDocument.objects.filter(submission=self.submission).count(), 1)
