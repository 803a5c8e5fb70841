"""Inquiries inside one installation: sent on entering the step, seen by the asked agency
(only what is shared), answered with files or declined, the request moved on; several
agencies (all or first); deadlines in the asked agency's working days; escalation."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Role
from desk.calendars.models import Closure
from desk.calendars.selectors import calendar_for_agency
from desk.inquiries.models import AppendOnlyError, Inquiry, InquiryLog, LogKind, State, WaitFor
from desk.inquiries.services import inquiries_remind_and_escalate
from desk.lib.jalali import format_date, today_tehran
from desk.notifications.models import OutboundMessage
from desk.submissions import services as submissions
from desk.test import PDF_BYTES, create_staff

from .base import ADDRESS, QUESTION, InquiryTestCase


def answer_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("answer.pdf", PDF_BYTES, content_type="application/pdf")


class SendingTests(InquiryTestCase):
    def test_it_sends_the_inquiry_when_the_request_enters_the_step(self) -> None:
        self.rule(self.other_agency)
        submission = self.at_inquiry()
        inquiry = Inquiry.objects.get(submission=submission)
        self.assertEqual(inquiry.to_agency, self.other_agency)
        self.assertEqual(inquiry.state, State.SENT)
        self.assertEqual(inquiry.fields, ["address"])
        self.assertEqual(inquiry.attachment_ids, [])
        # B's staff are told, by SMS, with a link to the inquiry.
        texts = OutboundMessage.objects.filter(kind="inquiry_received")
        self.assertEqual(
            sorted(texts.values_list("to", flat=True)), ["+989121110000", "+989121110001"]
        )
        self.assertIn(str(inquiry.public_id), texts.first().body)  # type: ignore[union-attr]

    def test_the_citizen_timeline_says_whom_the_request_waits_for_and_until_when(self) -> None:
        self.rule(self.other_agency)
        submission = self.at_inquiry()
        inquiry = Inquiry.objects.get(submission=submission)
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertContains(page, f"در انتظار پاسخ استعلام از {self.other_agency.name}")
        self.assertContains(page, format_date(inquiry.due_on))

    def test_the_deadline_counts_the_asked_agencys_working_days(self) -> None:
        today = today_tehran()
        Closure.objects.create(
            scope="agency",
            agency=self.other_agency,
            starts_on=today,
            ends_on=today + datetime.timedelta(days=20),
            kind="energy",
            reason="تعطیلی ب",
            created_by=self.b_manager,
        )
        self.rule(self.other_agency)
        inquiry = Inquiry.objects.get(submission=self.at_inquiry())
        b_calendar = calendar_for_agency(self.other_agency)
        self.assertEqual(inquiry.due_on, b_calendar.add_working_days(today, 5))
        a_due = calendar_for_agency(self.agency).add_working_days(today, 5)
        self.assertGreater(inquiry.due_on, a_due)

    def test_a_rule_without_targets_lets_the_expert_choose(self) -> None:
        self.rule()
        submission = self.at_inquiry()
        self.assertFalse(Inquiry.objects.exists())
        self.client.force_login(self.expert)
        page = self.client.get(
            reverse("submissions:staff_request", args=[submission.tracking_code])
        )
        self.assertContains(page, "فرستادن استعلام به دستگاه دیگر")
        url = reverse("inquiries:send", args=[submission.tracking_code])
        refused = self.client.post(url, {"to_agency": "", "question": "پرسش"})
        self.assertContains(refused, "دستگاه طرف استعلام را انتخاب کنید.", status_code=400)
        self.assertContains(refused, "پرسش", status_code=400)  # what was typed is kept
        sent = self.client.post(
            url, {"to_agency": self.third_agency.pk, "question": "پرسش", "shared": ["address"]}
        )
        self.assertRedirects(
            sent, reverse("submissions:staff_request", args=[submission.tracking_code])
        )
        inquiry = Inquiry.objects.get()
        self.assertEqual((inquiry.to_agency, inquiry.sent_by), (self.third_agency, self.expert))

    def test_the_expert_cannot_ask_their_own_agency(self) -> None:
        self.rule()
        submission = self.at_inquiry()
        self.client.force_login(self.expert)
        url = reverse("inquiries:send", args=[submission.tracking_code])
        refused = self.client.post(url, {"to_agency": self.agency.pk, "question": "پرسش"})
        self.assertEqual(refused.status_code, 400)
        self.assertFalse(Inquiry.objects.exists())

    def test_only_who_works_the_step_sends_the_citizens_data_to_another_agency(self) -> None:
        # Any staff member of the agency could share the citizen's national code with any
        # agency: a clerk, the agency's admin, an expert the request is not assigned to.
        self.rule()
        submission = self.at_inquiry()
        clerk = create_staff(self.agency, "desk-clerk", Role.CLERK)
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        colleague = create_staff(self.agency, "colleague")
        submissions.submission_assign(
            submission_id=submission.pk, actor=self.manager, assignee=self.expert
        )
        url = reverse("inquiries:send", args=[submission.tracking_code])
        page_url = reverse("submissions:staff_request", args=[submission.tracking_code])
        body = {
            "to_agency": self.third_agency.pk,
            "question": "پرسش",
            "shared": ["applicant_national_code", "applicant_name"],
        }
        for person in (clerk, admin, colleague):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                page = self.client.get(page_url)
                if page.status_code == 200:
                    self.assertNotContains(page, "فرستادن استعلام به دستگاه دیگر")
                refused = self.client.post(url, body)
                self.assertIn(refused.status_code, (400, 404))
                self.assertFalse(Inquiry.objects.exists())
        self.client.force_login(self.expert)  # the assigned expert still asks
        self.assertContains(self.client.get(page_url), "فرستادن استعلام به دستگاه دیگر")
        self.assertEqual(self.client.post(url, body).status_code, 302)
        self.assertEqual(Inquiry.objects.get().sent_by, self.expert)


class AnsweringTests(InquiryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rule(self.other_agency)
        self.submission = self.at_inquiry()
        self.inquiry = Inquiry.objects.get(submission=self.submission)
        self.url = reverse("inquiries:respond", args=[self.inquiry.public_id])

    def test_the_asked_agency_sees_the_inquiry_in_its_own_inbox(self) -> None:
        self.client.force_login(self.outsider)
        inbox = self.client.get(reverse("inquiries:inbox"))
        self.assertContains(inbox, self.url)
        self.client.force_login(self.c_expert)
        self.assertNotContains(self.client.get(reverse("inquiries:inbox")), self.url)
        self.client.force_login(self.expert)  # the asker follows it on its request's page
        self.assertNotContains(self.client.get(reverse("inquiries:inbox")), self.url)

    def test_the_asked_agency_sees_only_the_shared_fields_and_its_view_is_logged(self) -> None:
        self.client.force_login(self.outsider)
        page = self.client.get(self.url)
        self.assertContains(page, ADDRESS)
        self.assertContains(page, QUESTION)
        self.assertNotContains(page, self.submission.applicant_national_code)
        self.assertNotContains(page, "تصویر سند")
        deed = self.submission.attachments.get()
        self.assertEqual(
            self.client.get(reverse("submissions:download", args=[deed.public_id])).status_code, 404
        )
        self.assertEqual(
            self.client.get(
                reverse("submissions:staff_request", args=[self.submission.tracking_code])
            ).status_code,
            404,
        )
        viewed = InquiryLog.objects.get(kind=LogKind.VIEWED)
        self.assertEqual((viewed.agency, viewed.actor), (self.other_agency, self.outsider))

    def test_a_third_agency_and_the_asker_get_404(self) -> None:
        for user in (self.c_expert, self.expert, self.citizen):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.client.post(self.url, {"answer": "x"}).status_code, 404)
        self.assertEqual(Inquiry.objects.get().state, State.SENT)

    def test_an_answer_with_a_file_moves_the_request_on_and_ends_the_grant(self) -> None:
        self.client.force_login(self.outsider)
        with self.captureOnCommitCallbacks(execute=True):
            done = self.client.post(
                self.url, {"answer": "بدهی ندارد.", "documents": [answer_upload()]}
            )
        self.assertRedirects(done, self.url)
        self.inquiry.refresh_from_db()
        self.assertEqual(self.inquiry.state, State.ANSWERED)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.current_step.key, "decision")  # type: ignore[union-attr]
        self.assertEqual(access.submission_access(self.outsider, self.submission), access.NO_ACCESS)
        self.assertNotContains(self.client.get(self.url), ADDRESS)
        # The asking expert reads the answer and its file on the request's page.
        self.client.force_login(self.expert)
        page = self.client.get(
            reverse("submissions:staff_request", args=[self.submission.tracking_code])
        )
        self.assertContains(page, "بدهی ندارد.")
        file = self.inquiry.files.get()
        self.assertContains(page, reverse("inquiries:answer_file", args=[file.public_id]))
        got = self.client.get(reverse("inquiries:answer_file", args=[file.public_id]))
        self.assertEqual(got.status_code, 200)
        self.client.force_login(self.c_expert)
        got = self.client.get(reverse("inquiries:answer_file", args=[file.public_id]))
        self.assertEqual(got.status_code, 404)

    def test_an_answer_without_text_is_refused_and_keeps_nothing(self) -> None:
        self.client.force_login(self.outsider)
        refused = self.client.post(self.url, {"answer": " "})
        self.assertContains(refused, "متن پاسخ را بنویسید.", status_code=400)
        self.assertEqual(Inquiry.objects.get().state, State.SENT)

    def test_a_decline_with_a_reason_leaves_the_request_at_the_step_for_the_expert(self) -> None:
        self.client.force_login(self.outsider)
        decline = reverse("inquiries:decline", args=[self.inquiry.public_id])
        self.assertContains(self.client.get(decline), "برگشت‌پذیر نیست")
        refused = self.client.post(decline, {"reason": ""})
        self.assertContains(refused, "دلیل پاسخ ندادن را بنویسید.", status_code=400)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(decline, {"reason": "این ملک در حوزه ما نیست."})
        self.inquiry.refresh_from_db()
        self.assertEqual(self.inquiry.state, State.DECLINED)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.current_step.key, "inquiry")  # type: ignore[union-attr]
        self.client.force_login(self.expert)
        page = self.client.get(
            reverse("submissions:staff_request", args=[self.submission.tracking_code])
        )
        self.assertContains(page, "این ملک در حوزه ما نیست.")
        self.assertEqual(access.submission_access(self.outsider, self.submission), access.NO_ACCESS)

    def test_moving_the_request_on_by_hand_withdraws_the_inquiry(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            submissions.submission_transition(
                submission_id=self.submission.pk, actor=self.expert, action="go_on"
            )
        self.inquiry.refresh_from_db()
        self.assertEqual(self.inquiry.state, State.WITHDRAWN)
        self.assertEqual(access.submission_access(self.outsider, self.submission), access.NO_ACCESS)

    def test_the_citizen_sees_who_looked_at_their_data_and_why(self) -> None:
        self.client.force_login(self.outsider)
        self.client.get(self.url)
        self.client.force_login(self.citizen)
        page = self.client.get(
            reverse("submissions:my_request", args=[self.submission.tracking_code])
        )
        self.assertContains(page, "چه کسانی داده‌های من را دیدند")
        self.assertContains(page, self.other_agency.name)
        self.assertContains(page, "داده‌های فرستاده‌شده دیده شد")
        self.assertContains(page, QUESTION)

    def test_the_log_is_append_only(self) -> None:
        row = InquiryLog.objects.first()
        assert row is not None
        with self.assertRaises(AppendOnlyError):
            row.save()
        with self.assertRaises(AppendOnlyError):
            row.delete()


class SeveralAgenciesTests(InquiryTestCase):
    def answer(self, inquiry: Inquiry, user: User) -> None:
        self.client.force_login(user)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("inquiries:respond", args=[inquiry.public_id]), {"answer": "پاسخ"}
            )

    def test_waiting_for_all_moves_on_after_the_last_answer(self) -> None:
        self.rule(self.other_agency, self.third_agency, wait_for=WaitFor.ALL)
        submission = self.at_inquiry()
        to_b, to_c = Inquiry.objects.filter(submission=submission).order_by("pk")
        self.answer(to_b, self.outsider)
        submission.refresh_from_db()
        self.assertEqual(submission.current_step.key, "inquiry")  # type: ignore[union-attr]
        self.answer(to_c, self.c_expert)
        submission.refresh_from_db()
        self.assertEqual(submission.current_step.key, "decision")  # type: ignore[union-attr]

    def test_waiting_for_the_first_moves_on_and_withdraws_the_others(self) -> None:
        self.rule(self.other_agency, self.third_agency, wait_for=WaitFor.FIRST)
        submission = self.at_inquiry()
        to_b, to_c = Inquiry.objects.filter(submission=submission).order_by("pk")
        self.answer(to_c, self.c_expert)
        submission.refresh_from_db()
        self.assertEqual(submission.current_step.key, "decision")  # type: ignore[union-attr]
        to_b.refresh_from_db()
        self.assertEqual(to_b.state, State.WITHDRAWN)
        self.assertEqual(access.submission_access(self.outsider, submission), access.NO_ACCESS)

    def test_a_decline_among_several_leaves_the_decision_to_the_expert(self) -> None:
        self.rule(self.other_agency, self.third_agency, wait_for=WaitFor.ALL)
        submission = self.at_inquiry()
        to_b, to_c = Inquiry.objects.filter(submission=submission).order_by("pk")
        self.client.force_login(self.outsider)
        self.client.post(reverse("inquiries:decline", args=[to_b.public_id]), {"reason": "نه"})
        self.answer(to_c, self.c_expert)
        submission.refresh_from_db()
        self.assertEqual(submission.current_step.key, "inquiry")  # type: ignore[union-attr]


class OverdueTests(InquiryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rule(self.other_agency)
        self.submission = self.at_inquiry()
        self.inquiry = Inquiry.objects.get()

    def test_the_asked_agency_is_reminded_on_the_last_day_once(self) -> None:
        self.assertEqual(inquiries_remind_and_escalate(today=self.inquiry.due_on), (1, 0))
        self.assertEqual(inquiries_remind_and_escalate(today=self.inquiry.due_on), (0, 0))
        reminders = OutboundMessage.objects.filter(kind="inquiry_reminder")
        self.assertEqual(reminders.count(), 2)  # B's manager and expert

    def test_an_overdue_inquiry_escalates_on_both_sides_once(self) -> None:
        create_staff(self.other_agency, "b-manager-2", "manager")  # no mobile: not texted
        late = self.inquiry.due_on + datetime.timedelta(days=1)
        self.assertEqual(inquiries_remind_and_escalate(today=late), (0, 1))
        self.assertEqual(inquiries_remind_and_escalate(today=late), (0, 0))
        to_managers = OutboundMessage.objects.filter(kind="inquiry_overdue")
        self.assertEqual(list(to_managers.values_list("to", flat=True)), ["+989121110000"])
        event = self.submission.events.filter(kind="inquiry", is_public=False).get()
        self.assertIn("از مهلت", event.message)
        # The asking expert sees the delay on the request and in the inbox.
        self.inquiry.due_on = today_tehran() - datetime.timedelta(days=1)
        self.inquiry.save(update_fields=["due_on"])
        self.client.force_login(self.expert)
        page = self.client.get(
            reverse("submissions:staff_request", args=[self.submission.tracking_code])
        )
        self.assertContains(page, "گذشته از مهلت پاسخ")
        inbox = self.client.get(reverse("submissions:inbox"))
        self.assertContains(inbox, "استعلام‌های ما که پاسخشان دیر شده است")
        self.assertContains(inbox, self.other_agency.name)
        # And the asked agency sees it first in its own inbox, marked.
        self.client.force_login(self.outsider)
        self.assertContains(self.client.get(reverse("inquiries:inbox")), "overdue table-danger")


class DataTrackerTests(InquiryTestCase):
    def test_national_system_calls_are_listed_with_the_inquiries(self) -> None:
        from desk.registries.models import Adapter, AdapterCall, CallStatus

        self.rule(self.other_agency)
        submission = self.at_inquiry()
        AdapterCall.objects.create(
            adapter=Adapter.CIVIL_REGISTRY,
            purpose="تطبیق نام متقاضی با ثبت احوال",
            status=CallStatus.OK,
            submission_id=submission.pk,
        )
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        tracker = page.content.decode().split('id="data-tracker"')[1]
        self.assertIn("ثبت احوال", tracker)
        self.assertIn("تطبیق نام متقاضی با ثبت احوال", tracker)
        self.assertIn(self.other_agency.name, tracker)
