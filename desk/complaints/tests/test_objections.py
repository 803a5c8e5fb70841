from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from desk.complaints import services
from desk.complaints.models import Complaint, ComplaintPolicy, Kind, Outcome, State
from desk.complaints.tests.base import ComplaintTestCase
from desk.core.errors import ApplicationError
from desk.lib.jalali import TEHRAN
from desk.notifications.models import OutboundMessage
from desk.submissions.models import EventKind, Status


class ObjectionTests(ComplaintTestCase):
    def test_it_offers_an_objection_on_the_page_of_a_rejected_request(self) -> None:
        submission = self.rejected_submission()
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertContains(page, "اعتراض به این تصمیم")
        self.assertContains(
            page, reverse("complaints:new_objection", args=[submission.tracking_code])
        )

    def test_it_offers_no_objection_for_a_request_that_is_not_rejected(self) -> None:
        submission = self.create_submission()
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertNotContains(page, "اعتراض به این تصمیم")
        refused = self.client.get(
            reverse("complaints:new_objection", args=[submission.tracking_code])
        )
        self.assertEqual(refused.status_code, 403)

    def test_an_upheld_objection_reopens_the_request_to_another_expert(self) -> None:
        submission = self.rejected_submission()
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_objection", args=[submission.tracking_code])
        sent = self.post_twice(url, {"text": "نقشه کامل پیوست شده بود."})
        objection = self.last_complaint()
        self.assertRedirects(sent, reverse("complaints:receipt", args=[objection.tracking_code]))
        self.assertEqual((objection.kind, objection.submission_id), (Kind.OBJECTION, submission.pk))
        self.assertTrue(
            OutboundMessage.objects.filter(kind="complaint_filed", to=self.citizen.mobile)
        )

        self.client.force_login(self.handler)
        answer = {"outcome": Outcome.UPHELD, "answer": "اعتراض وارد است؛ دوباره بررسی می‌شود."}
        act = reverse("complaints:staff_answer", args=[objection.tracking_code])
        confirm = self.client.post(act, answer)
        self.assertContains(confirm, "کم‌کارترین کارشناس مجاز (نه ردکننده)")
        self.client.post(act, {**answer, "confirm": "1"})

        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.IN_REVIEW)
        self.assertEqual(submission.assigned_to, self.second_expert)
        self.assertEqual(getattr(submission.current_step, "key", None), "technical")
        self.assertIsNone(submission.closed_at)
        self.assertTrue(submission.events.filter(kind=EventKind.REOPENED).exists())
        objection.refresh_from_db()
        self.assertEqual((objection.state, objection.outcome), (State.ANSWERED, Outcome.UPHELD))
        self.assertTrue(OutboundMessage.objects.filter(kind="complaint_answered"))

    def test_the_expert_who_rejected_it_is_never_offered_or_accepted(self) -> None:
        submission = self.rejected_submission()
        objection = services.complaint_file(
            kind=Kind.OBJECTION,
            about="request",
            citizen=self.citizen,
            submission=submission,
            text="درست نیست",
        ).complaint
        self.client.force_login(self.handler)
        page = self.client.get(reverse("complaints:staff_detail", args=[objection.tracking_code]))
        choices = [u.pk for u in page.context["answer_form"].fields["assignee"].queryset]
        self.assertIn(self.second_expert.pk, choices)
        self.assertNotIn(self.expert.pk, choices)
        refused = self.client.post(
            reverse("complaints:staff_answer", args=[objection.tracking_code]),
            {
                "outcome": Outcome.UPHELD,
                "answer": "وارد است",
                "assignee": self.expert.pk,
                "confirm": "1",
            },
        )
        self.assertEqual(refused.status_code, 400)
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.REJECTED)

    def test_a_dismissed_objection_leaves_the_request_rejected(self) -> None:
        submission = self.rejected_submission()
        objection = services.complaint_file(
            kind=Kind.OBJECTION,
            about="request",
            citizen=self.citizen,
            submission=submission,
            text="درست نیست",
        ).complaint
        services.complaint_answer(
            complaint_id=objection.pk,
            actor=self.handler,
            answer="نقشه ناقص بود.",
            outcome=Outcome.DISMISSED,
        )
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.REJECTED)

    def test_the_objection_window_is_counted_in_the_agencys_working_days(self) -> None:
        submission = self.rejected_submission()
        ComplaintPolicy.objects.create(agency=self.agency, objection_days=3)
        # Rejected on Wednesday 1404/02/17: Thursday and Friday are days off, so the third
        # working day after it is Monday 1404/02/22.
        wednesday = datetime.datetime(2025, 5, 7, 10, 0, tzinfo=TEHRAN)
        type(submission).objects.filter(pk=submission.pk).update(closed_at=wednesday)
        submission.refresh_from_db()
        self.assertEqual(services.objection_deadline(submission), datetime.date(2025, 5, 12))
        self.assertTrue(services.may_object(submission, today=datetime.date(2025, 5, 12)))
        self.assertFalse(services.may_object(submission, today=datetime.date(2025, 5, 13)))

    def test_an_objection_after_the_window_is_refused(self) -> None:
        submission = self.rejected_submission()
        long_ago = timezone.now() - datetime.timedelta(days=60)
        type(submission).objects.filter(pk=submission.pk).update(closed_at=long_ago)
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertNotContains(page, "اعتراض به این تصمیم")
        url = reverse("complaints:new_objection", args=[submission.tracking_code])
        self.assertEqual(self.client.post(url, {"text": "دیر", "confirm": "1"}).status_code, 403)
        self.assertFalse(Complaint.objects.exists())

    def test_one_objection_per_rejection(self) -> None:
        submission = self.rejected_submission()
        services.complaint_file(
            kind=Kind.OBJECTION,
            about="request",
            citizen=self.citizen,
            submission=submission,
            text="یک",
        )
        self.assertFalse(services.may_object(submission))

    def test_another_citizen_cannot_object_to_my_request(self) -> None:
        submission = self.rejected_submission()
        self.client.force_login(self.other_citizen)
        url = reverse("complaints:new_objection", args=[submission.tracking_code])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_rejecting_expert_alone_cannot_take_it_back(self) -> None:
        submission = self.rejected_submission()
        self.second_expert.staff.is_active = False
        self.second_expert.staff.save()
        objection = services.complaint_file(
            kind=Kind.OBJECTION,
            about="request",
            citizen=self.citizen,
            submission=submission,
            text="درست نیست",
        ).complaint
        with self.assertRaisesMessage(ApplicationError, "کارشناس دیگری"):
            services.complaint_answer(
                complaint_id=objection.pk,
                actor=self.handler,
                answer="وارد است",
                outcome=Outcome.UPHELD,
            )
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.REJECTED)
