"""A request at a workflow step of kind «appointment»: invitation, booking on the timeline,
arrival, then staff take the step's action as usual."""

from __future__ import annotations

import uuid

from django.urls import reverse

from desk.appointments.services import appointment_check_in, invitations_send
from desk.appointments.tests.helpers import MONDAY, AppointmentTestCase, at
from desk.notifications.models import OutboundMessage
from desk.submissions.models import EventKind, Submission
from desk.submissions.services import submission_create, submission_transition
from desk.workflow.services import workflow_define


class AppointmentStepTests(AppointmentTestCase):
    def setUp(self) -> None:
        super().setUp()
        workflow_define(
            service=self.service,
            steps=[
                {
                    "key": "intake",
                    "kind": "review",
                    "is_start": True,
                    "role": "expert",
                    "citizen_label": "بررسی مدارک",
                    "staff_label": "بررسی",
                },
                {
                    "key": "visit",
                    "kind": "appointment",
                    "role": "expert",
                    "citizen_label": "مراجعه حضوری",
                    "staff_label": "پذیرش حضوری",
                },
                {
                    "key": "done",
                    "kind": "end_completed",
                    "citizen_label": "انجام شد",
                    "staff_label": "انجام‌شده",
                },
            ],
            actions=[
                {"source": "intake", "target": "visit", "key": "accept", "label": "تأیید"},
                {"source": "visit", "target": "done", "key": "visited", "label": "انجام شد"},
            ],
        )
        self.submission = submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران"},
            files={},
            idempotency_key=uuid.uuid4(),
        )
        submission_transition(
            submission_id=self.submission.pk, actor=self.expert, action="start_review"
        )
        submission_transition(submission_id=self.submission.pk, actor=self.expert, action="accept")

    def test_the_citizen_is_invited_once_per_entry(self) -> None:
        self.assertEqual(invitations_send(), 1)
        self.assertEqual(invitations_send(), 0)
        sms = OutboundMessage.objects.get(kind="appointment_invitation")
        # The short link to the request's page, where the booking is offered.
        link = reverse("short_link", args=[self.submission.tracking_code])
        self.assertIn(link, sms.body)
        self.assertRedirects(
            self.client.get(link),
            reverse("submissions:my_request", args=[self.submission.tracking_code]),
            fetch_redirect_response=False,
        )

    def test_booking_and_arrival_are_on_the_timeline_and_the_step_goes_on(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.get(
            reverse("submissions:my_request", args=[self.submission.tracking_code])
        )
        self.assertContains(response, "دریافت نوبت حضوری")
        url = (
            reverse("appointments:book", args=[self.service.slug])
            + f"?request={self.submission.tracking_code}"
        )
        self.client.post(url, {"slot": at(MONDAY, 8, 0).isoformat(), "confirm": "1"})
        appointment = self.submission.appointments.get()
        response = self.client.get(
            reverse("submissions:my_request", args=[self.submission.tracking_code])
        )
        self.assertNotContains(response, "دریافت نوبت حضوری")
        self.assertContains(response, "نوبت حضوری گرفته شد")

        self.set_now(at(MONDAY, 7, 55))
        appointment_check_in(appointment_id=appointment.pk, actor=self.expert)
        kinds = list(self.submission.events.values_list("kind", flat=True))
        self.assertEqual(kinds.count(EventKind.APPOINTMENT), 2)
        submission_transition(submission_id=self.submission.pk, actor=self.expert, action="visited")
        self.assertEqual(Submission.objects.get().status, "completed")

    def test_a_request_of_someone_else_cannot_be_used(self) -> None:
        other = self.another_citizen("0010000011")
        self.client.force_login(other)
        url = (
            reverse("appointments:book", args=[self.service.slug])
            + f"?request={self.submission.tracking_code}"
        )
        self.assertEqual(self.client.get(url).status_code, 404)
