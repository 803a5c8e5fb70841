"""Ended requests, their invitations and answers, for the survey tests."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from desk.accounts.models import User
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Submission
from desk.submissions.tests.base import SubmissionTestCase
from desk.surveys.models import Invitation

# Every answer of the e-service form (the default of the personas' service, which needs no
# visit): ease_of_use (systematic), information (transparency), speed (time), overall.
ESERVICE_ANSWERS: dict[str, Any] = {
    "ease_of_use": 4,
    "information": 5,
    "speed": 3,
    "overall": 4,
    "comment": "",
}


class SurveyTestCase(SubmissionTestCase):
    def end(self, *, rejected: bool = False, applicant: User | None = None) -> Submission:
        """A request completed (or rejected) by the expert, its subscribers run."""
        with self.captureOnCommitCallbacks(execute=True):
            submission = self.create_submission(applicant)
        with self.captureOnCommitCallbacks(execute=True):
            self.transition(submission, "start_review")
        with self.captureOnCommitCallbacks(execute=True):
            if rejected:
                self.transition(submission, "reject", message="مدرک مالکیت معتبر نیست.")
            else:
                self.transition(submission, "complete", files=[self.permit()])
        return submission

    def permit(self) -> Any:
        from desk.submissions.tests.base import checked_upload

        return checked_upload("permit.pdf")

    def invitation(self, submission: Submission) -> Invitation:
        return Invitation.objects.get(submission=submission)

    def sms(self, event: str) -> list[OutboundMessage]:
        return list(OutboundMessage.objects.filter(kind=event).order_by("pk"))

    def answer_on_web(self, token: str, answers: dict[str, Any]) -> None:
        """Every question page in turn, then «فرستادن نظر» on check your answers."""
        invitation = Invitation.objects.get(token=token)
        questions = list(invitation.form_version.questions.all())
        for number, question in enumerate(questions, start=1):
            value = answers.get(question.key, "")
            r = self.client.post(
                reverse("surveys:question", args=[token, number]),
                {"answer": "" if value is None else value},
            )
            self.assertEqual(r.status_code, 302, r.content.decode()[:500])
        r = self.client.post(reverse("surveys:check", args=[token]))
        self.assertRedirects(r, reverse("surveys:done", args=[token]))
