"""What staff see: each request's messages and their delivery status, and the agency's failed
messages. Staff of another agency see none of it."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from desk.lib import tracking
from desk.notifications.backends import MemoryBackend
from desk.notifications.models import MessageStatus, OutboundMessage
from desk.notifications.selectors import messages_for_reference
from desk.notifications.services import message_queue
from desk.submissions.models import Status, Submission
from desk.test import BaseTestCase

FAILURES = reverse("notifications:failures")


class StaffMessagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.submission = Submission.objects.create(
            tracking_code=tracking.generate(),
            service=self.service,
            agency=self.agency,
            applicant=self.citizen,
            applicant_national_code="0084575948",
            applicant_mobile="+989121234567",
            due_on=datetime.date(2025, 4, 7),
            status=Status.IN_REVIEW,
        )

    def message(
        self,
        agency_id: int,
        status: str,
        body: str,
        kind: str = "status_in_review",
        **extra: object,
    ) -> OutboundMessage:
        with self.captureOnCommitCallbacks(execute=False):
            message = message_queue(
                to="+989121234567",
                body=body,
                kind=kind,
                agency_id=agency_id,
                reference=extra.pop("reference", self.submission.tracking_code),  # type: ignore[arg-type]
            )
        fields = {"status": status, "attempts": 1, **extra}
        if status != MessageStatus.QUEUED:
            fields.setdefault("next_attempt_at", None)
        OutboundMessage.objects.filter(pk=message.pk).update(**fields)
        return message


class RequestPageMessagesTests(StaffMessagesTestCase):
    def test_staff_see_each_message_and_its_delivery_status(self) -> None:
        self.message(self.agency.pk, MessageStatus.DELIVERED, "پیام رسیده")
        self.message(
            self.agency.pk,
            MessageStatus.PERMANENT_FAILURE,
            "پیام ناموفق",
            last_error="[411] invalid receptor",
        )
        self.client.force_login(self.expert)
        r = self.client.get(
            reverse("submissions:staff_request", args=[self.submission.tracking_code])
        )
        self.assertContains(r, "پیام‌های فرستاده‌شده به متقاضی")
        self.assertContains(r, "پیام رسیده")
        self.assertContains(r, "رسیده به گیرنده")
        self.assertContains(r, "ناموفق (دائم)")
        self.assertContains(r, "شماره همراه گیرنده پذیرفته نشد. شماره را با متقاضی بررسی")
        self.assertNotContains(r, "invalid receptor")

    def test_the_list_is_scoped_to_the_viewers_agency(self) -> None:
        mine = self.message(self.agency.pk, MessageStatus.SENT, "ما")
        self.message(self.other_agency.pk, MessageStatus.SENT, "آنها")
        rows = list(messages_for_reference(self.submission.tracking_code, self.agency.pk))
        self.assertEqual(rows, [mine])
        self.client.force_login(self.outsider)
        r = self.client.get(
            reverse("submissions:staff_request", args=[self.submission.tracking_code])
        )
        self.assertEqual(r.status_code, 404)

    def test_a_request_with_no_messages_says_so(self) -> None:
        self.client.force_login(self.expert)
        r = self.client.get(
            reverse("submissions:staff_request", args=[self.submission.tracking_code])
        )
        self.assertContains(r, "پیامی فرستاده نشده است.")


class FailuresDashboardTests(StaffMessagesTestCase):
    def test_staff_see_their_agencys_failed_messages(self) -> None:
        self.message(self.agency.pk, MessageStatus.PERMANENT_FAILURE, "شماره ما نامعتبر")
        self.message(self.agency.pk, MessageStatus.TEMPORARY_FAILURE, "در انتظار تلاش دوباره")
        self.message(self.agency.pk, MessageStatus.DELIVERED, "رسیده و خوب")
        self.message(self.other_agency.pk, MessageStatus.PERMANENT_FAILURE, "شماره گاز نامعتبر")
        self.client.force_login(self.expert)
        r = self.client.get(FAILURES)
        self.assertContains(r, "شماره ما نامعتبر")
        self.assertContains(r, "در انتظار تلاش دوباره")
        self.assertNotContains(r, "رسیده و خوب")
        self.assertNotContains(r, "شماره گاز نامعتبر")
        self.assertEqual(r.context["counts"][MessageStatus.PERMANENT_FAILURE], 1)
        self.assertEqual(r.context["counts"][MessageStatus.DELIVERED], 1)

    def test_a_gateways_error_is_said_in_persian_with_what_to_do_and_its_words_folded(
        self,
    ) -> None:
        self.message(
            self.agency.pk,
            MessageStatus.TEMPORARY_FAILURE,
            "بی‌اعتبار",
            provider="smsir",
            last_error="[102] 102: credit is not enough",
        )
        self.message(
            self.agency.pk,
            MessageStatus.PERMANENT_FAILURE,
            "فهرست سیاه",
            provider="smsir",
            last_error="[blacklist] the number is on the blacklist",
        )
        self.message(
            self.agency.pk,
            MessageStatus.TEMPORARY_FAILURE,
            "دیر",
            provider="kavenegar",
            last_error="[timeout] timeout: timed out — تلاش دوباره در مهلت ارسال ممکن نبود.",
        )
        self.client.force_login(self.expert)
        r = self.client.get(FAILURES)
        self.assertContains(r, "اعتبار حساب درگاه پیامک تمام شده است؛ به راهبر سامانه خبر دهید.")
        self.assertContains(r, "شماره دیگری از متقاضی بگیرید")
        self.assertContains(r, "پیام در مهلت ارسالش فرستاده نشد و دیگر تلاش نمی‌شود")
        self.assertContains(r, "<summary>جزئیات فنی</summary>", html=False)
        self.assertContains(r, '<bdi dir="ltr">[102] 102: credit is not enough</bdi>', html=False)

    def test_a_message_of_no_known_event_is_named_in_persian_not_by_its_code(self) -> None:
        self.message(self.agency.pk, MessageStatus.PERMANENT_FAILURE, "هشدار", kind="escalation")
        self.message(self.agency.pk, MessageStatus.PERMANENT_FAILURE, "آزمون", kind="smoke_test")
        self.client.force_login(self.expert)
        r = self.client.get(FAILURES)
        self.assertContains(r, "هشدار تأخیر درخواست")
        self.assertContains(r, "پیام دیگر سامانه")
        self.assertNotContains(r, "smoke_test")
        self.assertNotContains(r, ">escalation<")

    def test_staff_of_another_agency_see_nothing_of_ours(self) -> None:
        self.message(self.agency.pk, MessageStatus.PERMANENT_FAILURE, "شماره ما نامعتبر")
        self.client.force_login(self.outsider)
        r = self.client.get(FAILURES)
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "شماره ما نامعتبر")
        self.assertEqual(list(r.context["page"].object_list), [])
        self.assertEqual(sum(r.context["counts"].values()), 0)

    def test_citizens_get_404_and_strangers_the_sign_in_page(self) -> None:
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(FAILURES).status_code, 404)
        self.client.logout()
        r = self.client.get(FAILURES)
        self.assertRedirects(
            r, f"{reverse('accounts:staff_login')}?next={FAILURES}", fetch_redirect_response=False
        )

    def test_it_lists_failures_in_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.expert)
        self.client.get(FAILURES)  # warm the session
        for i in range(3):
            self.message(self.agency.pk, MessageStatus.PERMANENT_FAILURE, f"ناموفق {i}")
        with CaptureQueriesContext(connection) as few:
            self.client.get(FAILURES)
        for i in range(10):
            self.message(self.agency.pk, MessageStatus.PERMANENT_FAILURE, f"باز ناموفق {i}")
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(FAILURES)

    def test_staff_can_send_a_given_up_message_again(self) -> None:
        message = self.message(self.agency.pk, MessageStatus.TEMPORARY_FAILURE, "دوباره بفرست")
        self.client.force_login(self.expert)
        self.assertContains(self.client.get(FAILURES), "ارسال دوباره")
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(reverse("notifications:retry", args=[message.pk]))
        self.assertRedirects(r, FAILURES)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(MemoryBackend.outbox[-1]["body"], "دوباره بفرست")

    def test_staff_of_another_agency_cannot_resend_ours(self) -> None:
        message = self.message(self.agency.pk, MessageStatus.TEMPORARY_FAILURE, "دوباره بفرست")
        self.client.force_login(self.outsider)
        r = self.client.post(reverse("notifications:retry", args=[message.pk]), follow=True)
        self.assertContains(r, "این پیام قابل ارسال دوباره نیست.")
        message.refresh_from_db()
        self.assertIsNone(message.next_attempt_at)
        self.assertEqual(MemoryBackend.outbox, [])
