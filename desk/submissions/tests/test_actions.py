"""Staff actions on a request: each one a status change, a timeline event and an SMS."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.core.errors import ApplicationError
from desk.lib.persian import to_persian_digits
from desk.notifications.backends import MemoryBackend
from desk.notifications.models import OutboundMessage
from desk.submissions import services
from desk.submissions.models import AttachmentKind, EventKind, Status, Submission, TimelineEvent
from desk.submissions.tests.base import SubmissionTestCase, upload
from desk.test import PDF_BYTES, create_staff

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


class ActionTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.submission = self.create_submission()
        self.code = self.submission.tracking_code
        self.url = reverse("submissions:staff_act", args=[self.code])
        self.page = reverse("submissions:staff_request", args=[self.code])
        # What submitting left behind, so each test counts only what its action adds.
        self.events_before = TimelineEvent.objects.count()
        self.sms_before = OutboundMessage.objects.count()
        MemoryBackend.clear()

    def act(self, action: str, user: Any = None, **data: Any) -> Response:
        """Post one action; completing ticks the confirmation on its form, as staff must."""
        if action == "complete":
            data.setdefault("confirmed", "1")
        self.client.force_login(user or self.expert)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, {"action": action, **data})

    def assert_recorded(self, kind: EventKind, status: Status, sms_words: str) -> TimelineEvent:
        """One new event by the expert, one new SMS with the code, sent through the backend."""
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, status)
        self.assertEqual(TimelineEvent.objects.count(), self.events_before + 1)
        event = self.submission.events.last()
        assert event is not None
        self.assertEqual(event.kind, kind)
        self.assertEqual(event.status_after, status)
        self.assertEqual(event.actor, self.expert)
        self.assertLess(abs((timezone.now() - event.created_at).total_seconds()), 60)
        self.assertEqual(OutboundMessage.objects.count(), self.sms_before + 1)
        message = OutboundMessage.objects.latest("pk")
        self.assertEqual(message.to, "+989121234567")
        self.assertEqual(message.reference, self.code)
        self.assertIn(to_persian_digits(self.code), message.body)
        self.assertIn(sms_words, message.body)
        self.assertEqual([m["body"] for m in MemoryBackend.outbox], [message.body])
        return event

    def assert_unchanged(self, status: Status = Status.SUBMITTED) -> None:
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, status)
        self.assertEqual(TimelineEvent.objects.count(), self.events_before)
        self.assertEqual(OutboundMessage.objects.count(), self.sms_before)
        self.assertEqual(MemoryBackend.outbox, [])

    def move_to(self, *actions: str) -> None:
        for action in actions:
            files = [upload("permit.pdf")] if action == "complete" else None
            self.transition(self.submission, action, message="توضیح", files=files)
        self.events_before = TimelineEvent.objects.count()
        self.sms_before = OutboundMessage.objects.count()

    def test_it_offers_the_actions_of_the_current_status(self) -> None:
        self.client.force_login(self.expert)
        r = self.client.get(self.page)
        self.assertEqual(
            [a.name for a in r.context["actions"]], ["start_review", "request_info", "reject"]
        )
        self.move_to("start_review")
        r = self.client.get(self.page)
        self.assertEqual(
            [a.name for a in r.context["actions"]], ["request_info", "reject", "complete"]
        )

    def test_it_starts_the_review(self) -> None:
        r = self.act("start_review")
        self.assertRedirects(r, self.page)
        self.assert_recorded(EventKind.REVIEW_STARTED, Status.IN_REVIEW, "در حال بررسی است")

    def test_it_asks_the_citizen_for_information(self) -> None:
        r = self.act("request_info", message="اصل سند را\nبارگذاری کنید.")
        self.assertRedirects(r, self.page)
        event = self.assert_recorded(
            EventKind.INFO_REQUESTED, Status.NEEDS_INFO, "اطلاعات یا مدرک بیشتری لازم است"
        )
        self.assertEqual(event.message, "اصل سند را\nبارگذاری کنید.")
        # Staff read the status badge in their own words, not the citizen's «…از سوی شما».
        page = self.client.get(self.page)
        self.assertContains(
            page,
            '<span class="badge status-needs_info">در انتظار تکمیل اطلاعات از سوی متقاضی</span>',
            html=True,
        )

    def test_it_requires_a_message_to_ask_for_information(self) -> None:
        r = self.act("request_info", message="  ")
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "نوشتن توضیح برای متقاضی الزامی است.", status_code=400)
        self.assert_unchanged()

    def test_it_keeps_the_text_of_a_refused_question(self) -> None:
        text = "لطفاً " + "مدرک " * 400
        r = self.act("request_info", message=text)
        self.assertEqual(r.status_code, 400)
        self.assertIn("حداکثر", r.context["form"].errors["message"][0])
        self.assertContains(r, text.strip(), status_code=400)
        self.assert_unchanged()

    def test_it_asks_to_confirm_a_rejection_with_its_reason_before_taking_it(self) -> None:
        self.move_to("start_review")
        r = self.act("reject", message="ملک در طرح تعریض خیابان است.")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "بله، درخواست را رد کن")
        self.assertContains(r, "ملک در طرح تعریض خیابان است.")
        self.assertContains(r, 'name="confirmed" value="1"')
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Status.IN_REVIEW)
        # «نه، برگرد»: the request's page, the reason still in the reject box to change.
        back = self.act("reject", message="ملک در طرح تعریض خیابان است.", confirmed="1", change="1")
        self.assertEqual(back.status_code, 200)
        self.assertContains(back, "ملک در طرح تعریض خیابان است.</textarea>", html=False)
        self.assertNotContains(back, "<title>خطا", html=False)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Status.IN_REVIEW)

    def test_it_labels_the_reject_box_apart_from_the_question_box(self) -> None:
        self.move_to("start_review")
        self.client.force_login(self.expert)
        r = self.client.get(self.page)
        self.assertContains(r, "دلیل رد (به متقاضی اعلام می‌شود)")
        self.assertContains(r, "اطلاعات یا مدرکی که از متقاضی می‌خواهید")
        self.assertContains(r, "رد درخواست و اعلام دلیل به متقاضی")

    def test_it_rejects_with_a_reason(self) -> None:
        self.move_to("start_review")
        r = self.act("reject", message="ملک در طرح تعریض خیابان است.", confirmed="1")
        self.assertRedirects(r, self.page)
        event = self.assert_recorded(EventKind.REJECTED, Status.REJECTED, "رد شد")
        self.assertEqual(event.message, "ملک در طرح تعریض خیابان است.")
        self.submission.refresh_from_db()
        self.assertIsNotNone(self.submission.closed_at)

    def test_it_requires_a_reason_to_reject(self) -> None:
        r = self.act("reject", message="")
        self.assertContains(r, "نوشتن توضیح برای متقاضی الزامی است.", status_code=400)
        self.assert_unchanged()

    def test_it_completes_with_a_result_file(self) -> None:
        self.move_to("start_review")
        r = self.act("complete", message="پروانه صادر شد.", documents=upload("permit.pdf"))
        self.assertRedirects(r, self.page)
        self.assert_recorded(EventKind.COMPLETED, Status.COMPLETED, "انجام شد")
        result = self.result_of(self.submission)
        self.assertEqual(result.uploaded_by, self.expert)
        self.assertEqual(result.content_type, "application/pdf")
        self.submission.refresh_from_db()
        self.assertIsNotNone(self.submission.closed_at)

    def test_completing_asks_for_the_confirming_tick_and_keeps_the_text(self) -> None:
        self.move_to("start_review")
        r = self.act("complete", message="پروانه صادر شد.", documents=upload("p.pdf"), confirmed="")
        self.assertContains(r, "تأیید کنید که نتیجه درست است", status_code=400)
        self.assertContains(r, "پروانه صادر شد.</textarea>", status_code=400)
        self.assert_unchanged(Status.IN_REVIEW)
        page = self.client.get(self.page)
        self.assertContains(page, "درخواست با این اقدام پایان می‌یابد")

    def test_it_requires_a_result_file_to_complete_and_keeps_the_text(self) -> None:
        self.move_to("start_review")
        r = self.act("complete", message="پروانه صادر شد.")
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "پرونده نتیجه را بارگذاری کنید.", status_code=400)
        self.assertContains(r, "پروانه صادر شد.</textarea>", status_code=400)
        self.assert_unchanged(Status.IN_REVIEW)
        self.assertFalse(self.submission.attachments.filter(kind=AttachmentKind.RESULT).exists())

    def test_it_hands_the_result_to_the_citizen(self) -> None:
        self.move_to("start_review")
        self.act("complete", documents=upload("permit.pdf"))
        result = self.result_of(self.submission)
        download = self.download_url(result)

        self.client.logout()
        r = self.track(self.code)
        self.assertContains(r, download)
        r = self.client.get(self.link_on(r, download))  # with the lookup's download proof
        self.assertEqual(b"".join(r.streaming_content), PDF_BYTES)  # type: ignore[attr-defined]

        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:my_request", args=[self.code]))
        self.assertContains(r, download)
        self.assertEqual(self.client.get(download).status_code, 200)

    def test_it_refuses_to_complete_a_request_not_in_review(self) -> None:
        r = self.act("complete", documents=upload("permit.pdf"))
        self.assertContains(
            r, "این اقدام در وضعیت «ثبت‌شده، در انتظار بررسی» ممکن نیست.", status_code=400
        )
        self.assert_unchanged()
        self.assertFalse(self.submission.attachments.filter(kind=AttachmentKind.RESULT).exists())

    def test_it_refuses_any_action_on_a_completed_request(self) -> None:
        self.move_to("start_review", "complete")
        for action in ("start_review", "request_info", "reject", "complete"):
            r = self.act(action, message="دوباره", documents=upload("again.pdf"))
            self.assertContains(
                r, "این اقدام در وضعیت «انجام‌شده» ممکن نیست.", status_code=400, msg_prefix=action
            )
            self.assert_unchanged(Status.COMPLETED)
        self.assertEqual(self.submission.attachments.filter(kind=AttachmentKind.RESULT).count(), 1)

    def test_it_refuses_any_action_on_a_rejected_request(self) -> None:
        self.move_to("reject")
        r = self.act("start_review")
        self.assertContains(r, "این اقدام در وضعیت «ردشده» ممکن نیست.", status_code=400)
        self.assert_unchanged(Status.REJECTED)

    def test_it_refuses_to_start_a_review_twice(self) -> None:
        self.move_to("start_review")
        r = self.act("start_review")
        self.assertContains(r, "ممکن نیست.", status_code=400)
        self.assert_unchanged(Status.IN_REVIEW)

    def test_it_refuses_an_unknown_action(self) -> None:
        r = self.act("delete")
        self.assertContains(r, "این اقدام شناخته‌شده نیست.", status_code=400)
        self.assert_unchanged()

    def test_it_does_not_let_staff_answer_for_the_citizen(self) -> None:
        self.move_to("request_info")
        r = self.act("provide_info", message="پاسخ از طرف کارمند")
        self.assertContains(r, "فقط متقاضی می‌تواند این اقدام را انجام دهد.", status_code=400)
        self.assert_unchanged(Status.NEEDS_INFO)

    def test_it_404s_for_outsider_staff_and_changes_nothing(self) -> None:
        r = self.act("start_review", user=self.outsider)
        self.assertEqual(r.status_code, 404)
        self.assert_unchanged()

    def test_it_404s_for_a_citizen(self) -> None:
        r = self.act("start_review", user=self.citizen)
        self.assertEqual(r.status_code, 404)
        self.assert_unchanged()

    def test_it_sends_anonymous_visitors_to_the_staff_sign_in(self) -> None:
        self.client.logout()
        r = self.client.post(self.url, {"action": "start_review"})
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith(reverse("accounts:staff_login")))
        self.assert_unchanged()

    def test_it_only_accepts_post(self) -> None:
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_the_service_refuses_outsider_staff(self) -> None:
        with self.assertRaises(ApplicationError) as caught:
            services.submission_transition(
                submission_id=self.submission.pk, actor=self.outsider, action="start_review"
            )
        self.assertEqual(caught.exception.message, "شما اجازه این اقدام را ندارید.")
        self.assert_unchanged()

    def test_the_service_refuses_a_citizen_acting_as_staff(self) -> None:
        with self.assertRaises(ApplicationError):
            services.submission_transition(
                submission_id=self.submission.pk, actor=self.citizen, action="reject", message="x"
            )
        self.assert_unchanged()

    def test_the_service_refuses_another_citizen_answering(self) -> None:
        self.move_to("request_info")
        with self.assertRaises(ApplicationError):
            services.submission_transition(
                submission_id=self.submission.pk,
                actor=self.other_citizen,
                action="provide_info",
                message="پاسخ",
            )
        self.assert_unchanged(Status.NEEDS_INFO)

    def test_it_shows_staff_who_did_what(self) -> None:
        self.act("start_review")
        self.client.force_login(self.manager)
        r = self.client.get(self.page)
        self.assertContains(r, "بررسی آغاز شد")
        self.assertContains(r, self.expert.get_full_name())
        self.assertEqual(Submission.objects.get().status, Status.IN_REVIEW)


class ClerkTests(SubmissionTestCase):
    def test_it_shows_a_clerk_the_request_without_decision_buttons(self) -> None:
        clerk = create_staff(self.agency, "clerk", Role.CLERK)
        submission = self.create_submission()
        self.client.force_login(clerk)
        r = self.client.get(reverse("submissions:staff_request", args=[submission.tracking_code]))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["actions"], [])
        r = self.client.post(
            reverse("submissions:staff_act", args=[submission.tracking_code]),
            {"action": "start_review"},
        )
        self.assertContains(r, "شما اجازه این اقدام را ندارید.", status_code=400)
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.SUBMITTED)
