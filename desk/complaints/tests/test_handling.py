from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from desk.complaints import selectors, services
from desk.complaints.models import About, Complaint, Kind, Outcome, State
from desk.complaints.tests.base import ComplaintTestCase
from desk.lib.jalali import today_tehran
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Status
from desk.test import create_staff


class HandlingTests(ComplaintTestCase):
    def complaint(self, **extra: object) -> Complaint:
        fields = {
            "kind": Kind.COMPLAINT,
            "about": About.SERVICE,
            "citizen": self.citizen,
            "service": self.service,
            "text": "برخورد بد",
            **extra,
        }
        return services.complaint_file(**fields).complaint  # type: ignore[arg-type]

    def test_handlers_see_complaints_in_their_own_inbox_apart_from_requests(self) -> None:
        complaint = self.complaint()
        self.client.force_login(self.handler)
        inbox = self.client.get(reverse("complaints:inbox"))
        self.assertContains(inbox, complaint.tracking_code[:4])
        self.assertContains(self.client.get(reverse("submissions:inbox")), "کارتابل")
        nav = self.client.get(reverse("submissions:inbox"))
        self.assertContains(nav, reverse("complaints:inbox"))

    def test_an_expert_who_is_not_a_handler_sees_no_complaints(self) -> None:
        complaint = self.complaint()
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(reverse("complaints:inbox")).status_code, 404)
        page = self.client.get(reverse("complaints:staff_detail", args=[complaint.tracking_code]))
        self.assertEqual(page.status_code, 404)
        self.assertNotContains(
            self.client.get(reverse("submissions:inbox")), reverse("complaints:inbox")
        )

    def test_another_agencys_handler_gets_404_and_changes_nothing(self) -> None:
        complaint = self.complaint()
        stranger = create_staff(self.other_agency, "other-handler")
        stranger.staff.handles_complaints = True
        stranger.staff.save()
        self.client.force_login(stranger)
        url = reverse("complaints:staff_answer", args=[complaint.tracking_code])
        got = self.client.post(url, {"outcome": "upheld", "answer": "x", "confirm": "1"})
        self.assertEqual(got.status_code, 404)
        self.assertNotContains(
            self.client.get(reverse("complaints:inbox")), complaint.tracking_code[:4]
        )
        complaint.refresh_from_db()
        self.assertEqual(complaint.state, State.OPEN)

    def test_an_answer_is_confirmed_before_it_is_sent(self) -> None:
        complaint = self.complaint()
        self.client.force_login(self.handler)
        url = reverse("complaints:staff_answer", args=[complaint.tracking_code])
        data = {"outcome": Outcome.DISMISSED, "answer": "رفتار کارمند بررسی شد و درست بود."}
        confirm = self.client.post(url, data)
        self.assertContains(confirm, "برگرداندنی نیست")
        complaint.refresh_from_db()
        self.assertEqual(complaint.state, State.OPEN)
        self.assertRedirects(
            self.client.post(url, {**data, "confirm": "1"}),
            reverse("complaints:staff_detail", args=[complaint.tracking_code]),
        )
        complaint.refresh_from_db()
        self.assertEqual(complaint.state, State.ANSWERED)
        self.assertIsNotNone(complaint.appeal_until)

    def test_a_second_handlers_answer_is_refused_and_kept_for_them_to_copy(self) -> None:
        complaint = self.complaint()
        url = reverse("complaints:staff_answer", args=[complaint.tracking_code])
        first = {"outcome": Outcome.DISMISSED, "answer": "بررسی شد.", "confirm": "1"}
        self.client.force_login(self.handler)
        self.client.post(url, first)
        self.client.force_login(self.manager)  # had the page open, answers a moment later
        late = {"outcome": Outcome.UPHELD, "answer": "پاسخ دیرتر من", "confirm": "1"}
        r = self.client.post(url, late)
        self.assertContains(r, "به این مورد قبلاً پاسخ داده شده است.", status_code=400)
        self.assertContains(r, "پاسخ دیرتر من", status_code=400)
        self.assertContains(r, "<title>خطا: ", status_code=400, html=False)
        complaint.refresh_from_db()
        self.assertEqual(complaint.answer, "بررسی شد.")

    def test_overdue_complaints_escalate_to_the_head_once(self) -> None:
        complaint = self.complaint()
        Complaint.objects.filter(pk=complaint.pk).update(
            due_on=today_tehran() - datetime.timedelta(days=1)
        )
        self.assertEqual(services.complaints_escalate_overdue(), 1)
        self.assertEqual(services.complaints_escalate_overdue(), 0)
        complaint.refresh_from_db()
        self.assertIsNotNone(complaint.escalated_at)
        sms = OutboundMessage.objects.filter(kind="complaint_escalated")
        self.assertEqual([m.to for m in sms], [self.manager.mobile])
        # The head (a manager) sees it in the complaints inbox, first, marked.
        self.client.force_login(self.manager)
        inbox = self.client.get(reverse("complaints:inbox"))
        self.assertContains(inbox, "به مدیر ارجاع شد")
        # And oversight sees it, without being asked to answer it.
        self.client.force_login(self.evaluator)
        oversight = self.client.get(reverse("complaints:inbox"))
        self.assertContains(oversight, complaint.tracking_code[:4])
        page = self.client.get(reverse("complaints:staff_detail", args=[complaint.tracking_code]))
        self.assertEqual(page.status_code, 200)
        self.assertFalse(page.context["may_answer"])

    def test_a_complaint_not_yet_due_is_not_escalated(self) -> None:
        self.complaint()
        self.assertEqual(services.complaints_escalate_overdue(), 0)

    def test_the_escalation_job_runs_the_escalation(self) -> None:
        from desk.complaints.tasks import complaints_escalate

        complaint = self.complaint()
        Complaint.objects.filter(pk=complaint.pk).update(
            due_on=today_tehran() - datetime.timedelta(days=3)
        )
        complaints_escalate.call_local()
        complaint.refresh_from_db()
        self.assertIsNotNone(complaint.escalated_at)


class AppealTests(ComplaintTestCase):
    def answered_objection(self, outcome: str = Outcome.DISMISSED) -> Complaint:
        submission = self.rejected_submission()
        objection = services.complaint_file(
            kind=Kind.OBJECTION,
            about=About.REQUEST,
            citizen=self.citizen,
            submission=submission,
            text="نقشه کامل بود",
        ).complaint
        return services.complaint_answer(
            complaint_id=objection.pk, actor=self.handler, answer="نقشه ناقص بود.", outcome=outcome
        )

    def test_the_citizen_appeals_and_an_evaluator_reopens_the_request(self) -> None:
        objection = self.answered_objection()
        self.client.force_login(self.citizen)
        detail = self.client.get(reverse("complaints:detail", args=[objection.tracking_code]))
        self.assertContains(detail, "درخواست تجدیدنظر از مرجع نظارت")
        url = reverse("complaints:appeal", args=[objection.tracking_code])
        check = self.client.post(url, {"text": "پاسخ درست نیست؛ نقشه پیوست بود."})
        self.assertContains(check, "پیش از فرستادن، بررسی کنید")
        self.client.post(url, {"text": "پاسخ درست نیست؛ نقشه پیوست بود.", "confirm": "1"})
        objection.refresh_from_db()
        self.assertEqual(objection.state, State.APPEALED)
        self.assertTrue(OutboundMessage.objects.filter(kind="complaint_appealed"))

        self.client.force_login(self.evaluator)
        self.assertContains(
            self.client.get(reverse("complaints:inbox")), objection.tracking_code[:4]
        )
        decide = reverse("complaints:staff_decide", args=[objection.tracking_code])
        data = {"outcome": Outcome.UPHELD, "decision": "اعتراض وارد است."}
        self.assertContains(self.client.post(decide, data), "دوباره باز می‌شود")
        self.client.post(decide, {**data, "confirm": "1"})
        objection.refresh_from_db()
        self.assertEqual(
            (objection.state, objection.appeal_outcome), (State.DECIDED, Outcome.UPHELD)
        )
        self.assertEqual(objection.appeal_decided_by, self.evaluator)
        submission = objection.submission
        assert submission is not None
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.IN_REVIEW)
        self.assertEqual(submission.assigned_to, self.second_expert)
        self.assertTrue(OutboundMessage.objects.filter(kind="complaint_appeal_decided"))

    def test_the_agency_itself_cannot_decide_an_appeal(self) -> None:
        objection = self.answered_objection()
        services.complaint_appeal(complaint_id=objection.pk, citizen=self.citizen, text="نه")
        for person in (self.handler, self.manager):
            self.client.force_login(person)
            url = reverse("complaints:staff_decide", args=[objection.tracking_code])
            got = self.client.post(url, {"outcome": "upheld", "decision": "x", "confirm": "1"})
            self.assertEqual(got.status_code, 404)
        objection.refresh_from_db()
        self.assertEqual(objection.state, State.APPEALED)

    def test_a_provincial_evaluator_decides_only_its_provinces_appeals(self) -> None:
        from desk.agencies.models import OversightLevel
        from desk.test import create_agency

        objection = self.answered_objection()
        services.complaint_appeal(complaint_id=objection.pk, citizen=self.citizen, text="نه")
        fars = create_agency("اداره کل فارس", "aeo-fars")
        fars.oversight, fars.province = OversightLevel.PROVINCIAL, "فارس"
        fars.save()
        elsewhere = create_staff(fars, "fars-evaluator")
        self.client.force_login(elsewhere)
        got = self.client.get(reverse("complaints:staff_detail", args=[objection.tracking_code]))
        self.assertEqual(got.status_code, 404)

    def test_an_oversight_agencys_own_overdue_complaints_are_not_open_to_all_its_staff(
        self,
    ) -> None:
        from desk.test import create_service

        service = create_service(self.oversight, slug="aeo-service")
        complaint = services.complaint_file(
            kind=Kind.COMPLAINT,
            about=About.SERVICE,
            citizen=self.citizen,
            service=service,
            text="پاسخی نگرفتم",
        ).complaint
        Complaint.objects.filter(pk=complaint.pk).update(
            due_on=today_tehran() - datetime.timedelta(days=3)
        )
        self.client.force_login(self.evaluator)  # oversight staff, not a complaint handler
        got = self.client.get(reverse("complaints:staff_detail", args=[complaint.tracking_code]))
        self.assertEqual(got.status_code, 404)
        self.assertNotContains(
            self.client.get(reverse("complaints:inbox")), complaint.tracking_code[:4]
        )
        # An overdue complaint of another agency stays in the evaluator's view.
        other = services.complaint_file(
            kind=Kind.COMPLAINT,
            about=About.SERVICE,
            citizen=self.citizen,
            service=self.service,
            text="پاسخی نگرفتم",
        ).complaint
        Complaint.objects.filter(pk=other.pk).update(
            due_on=today_tehran() - datetime.timedelta(days=3)
        )
        got = self.client.get(reverse("complaints:staff_detail", args=[other.tracking_code]))
        self.assertEqual(got.status_code, 200)

    def test_no_appeal_after_its_deadline(self) -> None:
        objection = self.answered_objection()
        Complaint.objects.filter(pk=objection.pk).update(
            appeal_until=today_tehran() - datetime.timedelta(days=1)
        )
        self.client.force_login(self.citizen)
        url = reverse("complaints:appeal", args=[objection.tracking_code])
        self.assertRedirects(
            self.client.get(url), reverse("complaints:detail", args=[objection.tracking_code])
        )
        # Sent after the time ran out (the page was open): said, and the text is kept.
        late = self.client.post(url, {"text": "متن دیر من", "confirm": "1"})
        self.assertContains(late, "مهلت درخواست تجدیدنظر گذشته است", status_code=400)
        self.assertContains(late, "متن دیر من", status_code=400)
        objection.refresh_from_db()
        self.assertEqual(objection.state, State.ANSWERED)


class FiguresTests(ComplaintTestCase):
    def test_oversight_figures_count_per_agency_answer_time_and_overdue(self) -> None:
        first = services.complaint_file(
            kind=Kind.COMPLAINT,
            about=About.SERVICE,
            citizen=self.citizen,
            service=self.service,
            text="۱",
        ).complaint
        late = services.complaint_file(
            kind=Kind.REPORT, about=About.SERVICE, service=self.service, text="۲"
        ).complaint
        Complaint.objects.filter(pk=first.pk).update(
            filed_at=timezone.now() - datetime.timedelta(days=2)
        )
        services.complaint_answer(
            complaint_id=first.pk, actor=self.handler, answer="پاسخ", outcome="upheld"
        )
        Complaint.objects.filter(pk=late.pk).update(
            due_on=today_tehran() - datetime.timedelta(days=1)
        )
        today = today_tehran()
        [row] = selectors.complaint_figures(start=today - datetime.timedelta(days=7), end=today)
        self.assertEqual(
            (row.agency_id, row.filed, row.answered, row.overdue_now), (self.agency.pk, 2, 1, 1)
        )
        self.assertAlmostEqual(row.mean_answer_days or 0, 2.0, places=1)
        self.assertEqual(
            selectors.complaint_figures(start=today, end=today, agency_ids=[self.other_agency.pk]),
            [],
        )


class StaffRequestPageTests(ComplaintTestCase):
    """The staff request page lists the complaints and objections about the request, for the
    staff who may open them (access.complaints_visible_to) and nobody else."""

    def setUp(self) -> None:
        super().setUp()
        self.submission = self.rejected_submission()
        self.objection = services.complaint_file(
            kind=Kind.OBJECTION,
            about=About.REQUEST,
            citizen=self.citizen,
            submission=self.submission,
            text="درست نیست",
        ).complaint
        self.url = reverse("submissions:staff_request", args=[self.submission.tracking_code])

    def test_the_manager_sees_the_objection_its_state_and_a_link(self) -> None:
        self.client.force_login(self.manager)
        page = self.client.get(self.url)
        self.assertContains(page, "شکایت‌ها و اعتراض‌های این درخواست")
        link = reverse("complaints:staff_detail", args=[self.objection.tracking_code])
        self.assertContains(page, f'href="{link}"')
        self.assertContains(page, Kind.OBJECTION.label)
        self.assertContains(page, State.OPEN.label)

    def test_an_expert_who_is_not_a_handler_sees_the_request_but_not_its_complaints(self) -> None:
        self.client.force_login(self.expert)
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "شکایت‌ها و اعتراض‌های این درخواست")
        self.assertNotContains(
            page, reverse("complaints:staff_detail", args=[self.objection.tracking_code])
        )

    def test_a_request_without_complaints_shows_no_box(self) -> None:
        self.objection.delete()
        self.client.force_login(self.manager)
        self.assertNotContains(self.client.get(self.url), "شکایت‌ها و اعتراض‌های این درخواست")
