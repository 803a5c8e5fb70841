"""Status by SMS: a citizen texts a tracking code to an agency's line and gets the status back,
but only to the mobile number registered on the request."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.urls import reverse

from desk.lib import tracking
from desk.lib.persian import to_persian_digits
from desk.notifications.backends import MemoryBackend
from desk.notifications.backends.base import Inbound
from desk.notifications.models import InboundMessage, InboundStatus, OutboundMessage
from desk.notifications.services import InboundReply, inbound_poll, template_edit
from desk.notifications.tests.helpers import Clock
from desk.submissions.inbound import tracking_code_in
from desk.submissions.models import Status, Submission
from desk.test import BaseTestCase

TOKEN = "inbound-secret-0123456789abcdef"
OWNER = "09121234567"
STRANGER = "09351112233"
LINE = "30004505"


def dashed_persian(code: str) -> str:
    """How people type it: Persian digits in groups of four."""
    return to_persian_digits("-".join(code[i : i + 4] for i in range(0, 12, 4)))


def echo_handler(*, sender: str, line: str, text: str) -> InboundReply:
    return InboundReply("inbound_help", {"url": f"{line}:{text}"})


@override_settings(SMS_WEBHOOK_TOKEN=TOKEN, SITE_URL="https://desk.example.ir")
class StatusBySmsTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency.sms_line = LINE
        self.agency.save()
        self.submission = Submission.objects.create(
            tracking_code=tracking.generate(),
            service=self.service,
            agency=self.agency,
            applicant=self.citizen,
            applicant_name="مریم رضایی",
            applicant_national_code="0084575948",
            applicant_mobile="+989121234567",
            due_on=datetime.date(2025, 4, 7),
            status=Status.IN_REVIEW,
        )
        self.next_id = 35850000

    def text(self, sender: str, message: str, line: str = LINE) -> OutboundMessage | None:
        """The citizen's SMS arrives through Kavenegar's webhook; returns our reply, if any."""
        self.next_id += 1
        return self.deliver(self.next_id, sender, message, line)

    def deliver(
        self, message_id: int, sender: str, message: str, line: str = LINE
    ) -> OutboundMessage | None:
        url = reverse("notifications:inbound_webhook", args=["kavenegar", TOKEN])
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                url, {"messageid": message_id, "from": sender, "to": line, "message": message}
            )
        self.assertEqual(r.status_code, 200)
        inbound = InboundMessage.objects.get(provider="kavenegar", provider_message_id=message_id)
        return inbound.reply

    def test_the_applicant_gets_the_status_of_their_request(self) -> None:
        reply = self.text(OWNER, "سلام " + dashed_persian(self.submission.tracking_code))
        assert reply is not None
        self.assertEqual(reply.to, "+989121234567")
        self.assertEqual(reply.sender, LINE)  # from the line the citizen texted
        self.assertTrue(reply.urgent)
        self.assertEqual(reply.kind, "inbound_status")
        self.assertEqual(reply.reference, self.submission.tracking_code)
        self.assertEqual(reply.agency_id, self.agency.pk)
        self.assertIn(to_persian_digits(self.submission.tracking_code), reply.body)
        self.assertIn("در حال بررسی", reply.body)
        self.assertIn("۱۴۰۴/۰۱/۱۸", reply.body)
        self.assertEqual(MemoryBackend.outbox[-1]["body"], reply.body)

    def test_latin_digits_and_spaces_work_too(self) -> None:
        code = self.submission.tracking_code
        reply = self.text(OWNER, f"{code[:4]} {code[4:8]} {code[8:]}")
        assert reply is not None
        self.assertEqual(reply.kind, "inbound_status")

    def test_a_stranger_and_an_unknown_code_get_the_same_neutral_answer(self) -> None:
        to_stranger = self.text(STRANGER, self.submission.tracking_code)
        unknown = tracking.generate()
        to_owner_unknown = self.text(OWNER, unknown)
        assert to_stranger is not None and to_owner_unknown is not None
        self.assertEqual(to_stranger.kind, "inbound_neutral")
        self.assertEqual(to_stranger.body, to_owner_unknown.body)
        self.assertEqual(to_stranger.agency_id, to_owner_unknown.agency_id)
        self.assertNotIn("بررسی", to_stranger.body)
        self.assertNotIn(self.service.title, to_stranger.body)
        self.assertIn(f"https://desk.example.ir{reverse('submissions:track')}", to_stranger.body)
        self.assertEqual(to_stranger.reference, "")  # nothing shows on the request's page

    def test_a_mistyped_code_gets_help(self) -> None:
        code = self.submission.tracking_code
        wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
        for text in (wrong, "سلام", ""):
            with self.subTest(text):
                reply = self.text(OWNER, text)
                assert reply is not None
                self.assertEqual(reply.kind, "inbound_help")

    def test_the_same_sms_delivered_twice_is_answered_once(self) -> None:
        self.deliver(777, OWNER, self.submission.tracking_code)
        self.deliver(777, OWNER, self.submission.tracking_code)
        self.assertEqual(InboundMessage.objects.count(), 1)
        self.assertEqual(OutboundMessage.objects.filter(kind="inbound_status").count(), 1)

    def test_it_limits_replies_per_number(self) -> None:
        clock = Clock()
        with clock.patch(), self.settings(SMS_INBOUND_REPLIES_PER_HOUR=3):
            replies = [self.text(OWNER, self.submission.tracking_code) for _ in range(5)]
            self.assertEqual([r is not None for r in replies], [True, True, True, False, False])
            statuses = list(InboundMessage.objects.order_by("pk").values_list("status", flat=True))
            self.assertEqual(statuses[-1], InboundStatus.RATE_LIMITED)
            self.assertIsNotNone(self.text(STRANGER, "سلام"))  # other numbers are not affected
            clock.advance(hours=1, minutes=1)
            self.assertIsNotNone(self.text(OWNER, self.submission.tracking_code))

    def test_it_does_not_answer_a_short_code(self) -> None:
        self.assertIsNone(self.text("1000", self.submission.tracking_code))
        self.assertEqual(InboundMessage.objects.get().status, InboundStatus.IGNORED)

    def test_the_reply_uses_the_agencys_own_wording(self) -> None:
        template_edit(
            event="inbound_status",
            agency_id=self.agency.pk,
            body="{دستگاه} — درخواست {کد_رهگیری}: {وضعیت}",
        )
        reply = self.text(OWNER, self.submission.tracking_code)
        assert reply is not None
        self.assertEqual(
            reply.body,
            f"شهرداری نمونه — درخواست {to_persian_digits(self.submission.tracking_code)}: "
            "در حال بررسی",
        )

    def test_the_staff_page_lists_the_reply(self) -> None:
        self.text(OWNER, self.submission.tracking_code)
        self.client.force_login(self.expert)
        r = self.client.get(
            reverse("submissions:staff_request", args=[self.submission.tracking_code])
        )
        self.assertContains(r, "پاسخ پیامکی وضعیت")

    @override_settings(INBOUND_SMS_HANDLER="desk.notifications.tests.test_inbound.echo_handler")
    def test_the_handler_is_the_one_the_setting_names(self) -> None:
        reply = self.text(OWNER, "hi")
        assert reply is not None
        self.assertIn(f"{LINE}:hi", reply.body)

    def test_the_webhook_refuses_a_wrong_token(self) -> None:
        url = reverse(
            "notifications:inbound_webhook", args=["kavenegar", "wrong-token-0123456789abcdef"]
        )
        with self.assertLogs("desk.notifications.views", "WARNING"):
            r = self.client.post(url, {"messageid": 1, "from": OWNER, "to": LINE, "message": "x"})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(InboundMessage.objects.exists())


class InboxPollingTests(BaseTestCase):
    """For lines without a working webhook, the provider's inbox is fetched every minute."""

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
            status=Status.NEEDS_INFO,
        )

    def test_it_answers_messages_fetched_from_the_inbox_once(self) -> None:
        item = Inbound("m-1", OWNER, LINE, self.submission.tracking_code)
        MemoryBackend.inbox.append(item)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(inbound_poll(), 1)
        MemoryBackend.inbox.append(item)  # the webhook, late, brings the same message
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(inbound_poll(), 0)
        reply = InboundMessage.objects.get().reply
        assert reply is not None
        self.assertIn("در انتظار تکمیل اطلاعات", reply.body)
        self.assertEqual(OutboundMessage.objects.filter(kind="inbound_status").count(), 1)


class TrackingCodeInTextTests(BaseTestCase):
    def test_it_finds_a_code_however_it_is_typed(self) -> None:
        code = tracking.generate()
        for text in (
            code,
            to_persian_digits(code),
            "کد " + dashed_persian(code) + " لطفا",
            f"{code[:4]} {code[4:8]} {code[8:]}",
            code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
        ):
            with self.subTest(text):
                self.assertEqual(tracking_code_in(text), (code, True))
        self.assertIsNone(tracking_code_in("کد ملی 0084575948"))
        self.assertIsNone(tracking_code_in(code + "5"))
