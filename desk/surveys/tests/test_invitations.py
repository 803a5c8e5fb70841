"""A request that ends invites its citizen once: by SMS with a short link, and on the page."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.core.events import SubmissionCompleted
from desk.notifications.models import OutboundMessage
from desk.surveys.models import FormKind, Invitation, ServiceSurvey, SurveyForm
from desk.surveys.services import (
    invitation_create,
    invitations_text,
    on_submission_completed,
    reminders_send,
)
from desk.surveys.tests.base import ESERVICE_ANSWERS, SurveyTestCase


@override_settings(SITE_URL="https://desk.example.ir")
class InvitationTests(SurveyTestCase):
    def text_later(self, **delta: float) -> int:
        """The invitation job, an hour (or ``delta``) after the requests ended."""
        return invitations_text(now=timezone.now() + datetime.timedelta(**(delta or {"hours": 1})))

    def test_a_completed_request_invites_its_citizen_by_sms_with_a_short_link(self) -> None:
        submission = self.end()
        invitation = self.invitation(submission)
        self.assertEqual(self.sms("survey_invitation"), [])  # the result's own SMS goes first
        self.assertEqual(invitations_text(), 0)
        self.assertEqual(self.text_later(), 1)
        self.assertEqual(self.text_later(), 0)  # once
        [sms] = self.sms("survey_invitation")
        self.assertEqual(sms.to, "+989121234567")
        self.assertIn(f"https://desk.example.ir/s/{invitation.token}/", sms.body)
        self.assertIn("۱ خیلی بد تا ۵ خیلی خوب", sms.body)  # the SMS answer is offered
        self.assertEqual(invitation.outcome, "completed")
        self.assertEqual(len(invitation.token), 12)
        r = self.client.get(f"/s/{invitation.token}/")
        self.assertRedirects(r, reverse("surveys:start", args=[invitation.token]))

    def test_a_rejected_request_invites_its_citizen_too(self) -> None:
        submission = self.end(rejected=True)
        self.assertEqual(self.invitation(submission).outcome, "rejected")
        self.text_later()
        self.assertEqual(len(self.sms("survey_invitation")), 1)

    def test_a_request_is_invited_once_whatever_announces_its_end_again(self) -> None:
        submission = self.end()
        event = SubmissionCompleted(
            submission_id=submission.pk, agency_id=submission.agency_id, actor_id=None
        )
        on_submission_completed(event)
        self.text_later()
        self.assertEqual(Invitation.objects.filter(submission=submission).count(), 1)
        self.assertEqual(len(self.sms("survey_invitation")), 1)

    def test_an_open_request_is_not_invited(self) -> None:
        submission = self.create_submission()
        self.assertIsNone(invitation_create(submission_id=submission.pk))

    def test_the_service_chooses_its_form_and_may_ask_none(self) -> None:
        # Default: no visit needed, the short e-service form.
        self.assertEqual(self.invitation(self.end()).form_version.form.kind, FormKind.ESERVICE)
        takrim = SurveyForm.objects.get(kind=FormKind.TAKRIM)
        setting = ServiceSurvey.objects.create(
            service=self.service, agency=self.agency, form=takrim
        )
        invitation = self.invitation(self.end())
        self.assertEqual(invitation.form_version.form.kind, FormKind.TAKRIM)
        self.assertEqual(invitation.form_version.questions.filter(kind="scale").count(), 16)
        setting.enabled = False
        setting.save()
        self.assertFalse(Invitation.objects.filter(submission=self.end()).exists())

    def test_the_citizens_request_page_offers_the_survey_and_then_thanks(self) -> None:
        submission = self.end()
        invitation = self.invitation(submission)
        self.client.force_login(self.citizen)
        page = reverse("submissions:my_request", args=[submission.tracking_code])
        r = self.client.get(page)
        self.assertContains(r, reverse("surveys:start", args=[invitation.token]))
        self.assertContains(r, "شرکت در نظرسنجی")
        self.answer_on_web(invitation.token, ESERVICE_ANSWERS)
        r = self.client.get(page)
        self.assertContains(r, "نظر شما در")
        self.assertContains(r, "تغییر نظر")

    def test_an_invitation_answered_before_its_sms_is_not_texted(self) -> None:
        invitation = self.invitation(self.end())
        self.answer_on_web(invitation.token, ESERVICE_ANSWERS)  # from the request page
        self.assertEqual(self.text_later(), 0)

    def test_an_unanswered_invitation_is_reminded_once(self) -> None:
        invitation = self.invitation(self.end())
        texted = timezone.now() + datetime.timedelta(hours=1)
        invitations_text(now=texted)
        later = texted + datetime.timedelta(days=3, minutes=1)
        self.assertEqual(reminders_send(now=texted + datetime.timedelta(days=2)), 0)  # too soon
        self.assertEqual(reminders_send(now=later), 1)
        self.assertEqual(reminders_send(now=later + datetime.timedelta(days=1)), 0)
        [reminder] = self.sms("survey_reminder")
        self.assertIn(invitation.token, reminder.body)
        invitation.refresh_from_db()
        self.assertEqual(invitation.reminded_at, later)

    def test_an_answered_or_expired_invitation_is_not_reminded(self) -> None:
        answered = self.invitation(self.end())
        self.invitation(self.end())
        self.text_later()
        self.answer_on_web(answered.token, ESERVICE_ANSWERS)
        after_expiry = timezone.now() + datetime.timedelta(days=31)
        self.assertEqual(reminders_send(now=after_expiry), 0)
        self.assertEqual(reminders_send(now=timezone.now() + datetime.timedelta(days=4)), 1)
        self.assertEqual(OutboundMessage.objects.filter(kind="survey_reminder").count(), 1)
