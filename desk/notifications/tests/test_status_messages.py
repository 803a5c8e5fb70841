"""The callers' side: a request's status SMS come from the agency's templates, go from its
line, reach the applicant's email too when they gave one, and never hold up the request."""

from __future__ import annotations

from django.core import mail

from desk.notifications.backends import MemoryBackend
from desk.notifications.models import Channel, MessageStatus, OutboundMessage
from desk.notifications.services import template_edit
from desk.submissions.tests.base import SubmissionTestCase


class StatusMessageTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency.sms_line = "30004505"
        self.agency.save()

    def test_the_receipt_sms_is_the_agencys_template_from_its_line(self) -> None:
        template_edit(
            event="status_submitted",
            agency_id=self.agency.pk,
            body="{دستگاه}: درخواست «{خدمت}» با کد {کد_رهگیری} ثبت شد؛ پاسخ تا {موعد}.",
        )
        with self.captureOnCommitCallbacks(execute=True):
            submission = self.create_submission()
        message = OutboundMessage.objects.get(reference=submission.tracking_code)
        self.assertEqual(message.kind, "status_submitted")
        self.assertEqual(message.agency_id, self.agency.pk)
        self.assertEqual(message.sender, "30004505")
        assert message.template_version is not None
        self.assertEqual(message.template_version.template.agency_id, self.agency.pk)
        self.assertTrue(message.body.startswith("شهرداری نمونه: درخواست «صدور پروانه ساختمانی»"))
        self.assertEqual(MemoryBackend.outbox[-1]["sender"], "30004505")

    def test_a_citizen_with_an_email_gets_the_message_by_email_too(self) -> None:
        self.citizen.email = "maryam@example.ir"
        self.citizen.save()
        with self.captureOnCommitCallbacks(execute=True):
            submission = self.create_submission()
        channels = set(
            OutboundMessage.objects.filter(reference=submission.tracking_code).values_list(
                "channel", flat=True
            )
        )
        self.assertEqual(channels, {Channel.SMS, Channel.EMAIL})
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["maryam@example.ir"])
        self.assertEqual(mail.outbox[0].subject, "ثبت درخواست")

    def test_the_more_information_sms_can_carry_the_experts_note(self) -> None:
        template_edit(
            event="status_needs_info",
            agency_id=self.agency.pk,
            body="درخواست {کد_رهگیری}: {توضیح}",
        )
        submission = self.create_submission()
        with self.captureOnCommitCallbacks(execute=True):
            self.transition(submission, "request_info", message="اصل سند را بارگذاری کنید.")
        self.assertTrue(MemoryBackend.outbox[-1]["body"].endswith(": اصل سند را بارگذاری کنید."))

    def test_submitting_does_not_wait_for_a_gateway_that_is_down(self) -> None:
        MemoryBackend.fail("timeout")
        with (
            self.assertLogs("desk.notifications", "WARNING"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            submission = self.create_submission()
        submission.refresh_from_db()  # the request is there, with its receipt
        message = OutboundMessage.objects.get(reference=submission.tracking_code)
        self.assertEqual(message.status, MessageStatus.TEMPORARY_FAILURE)
        self.assertTrue(message.will_retry)
        self.assertTrue(message.in_doubt)
