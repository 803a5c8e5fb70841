"""Answering by SMS: a digit 1–5 in reply to the invitation rates the overall question."""

from __future__ import annotations

import datetime
from unittest.mock import patch

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.notifications.models import InboundMessage, OutboundMessage
from desk.surveys.models import Answer, Response
from desk.surveys.tests.base import ESERVICE_ANSWERS, SurveyTestCase

TOKEN = "inbound-secret-0123456789abcdef"
OWNER = "09121234567"
STRANGER = "09351112233"


@override_settings(SMS_WEBHOOK_TOKEN=TOKEN, SITE_URL="https://desk.example.ir")
class SmsAnswerTests(SurveyTestCase):
    next_id = 4100

    def setUp(self) -> None:
        super().setUp()
        self.submission = self.end()
        self.token = self.invitation(self.submission).token

    def text(self, sender: str, message: str) -> OutboundMessage | None:
        SmsAnswerTests.next_id += 1
        url = reverse("notifications:inbound_webhook", args=["kavenegar", TOKEN])
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                url, {"messageid": self.next_id, "from": sender, "to": "3000", "message": message}
            )
        self.assertEqual(r.status_code, 200)
        return InboundMessage.objects.get(provider_message_id=self.next_id).reply

    def test_a_persian_digit_rates_the_overall_question(self) -> None:
        reply = self.text(OWNER, "۴")
        assert reply is not None
        self.assertEqual(reply.kind, "survey_sms_thanks")
        self.assertIn("۴ از ۵", reply.body)
        self.assertIn(self.token, reply.body)  # the link to say more
        response = Response.objects.get(invitation__token=self.token)
        self.assertEqual((response.channel, response.overall), ("sms", 4.0))
        self.assertEqual(Answer.objects.get(response=response).question.key, "overall")

    def test_the_whole_form_from_the_app_after_a_digit_is_an_api_response(self) -> None:
        """A digit answers one question; the app (the API) answers them all, as the page does:
        the response is then the app's, counted once, and an SMS digit after it keeps that."""
        from desk.surveys.models import Channel
        from desk.surveys.services import response_save

        self.text(OWNER, "۲")
        response_save(token=self.token, answers=ESERVICE_ANSWERS, channel=Channel.API)
        response = Response.objects.get()
        self.assertEqual((response.channel, response.overall), ("api", 4.0))
        self.assertEqual(response.answers.count(), len(ESERVICE_ANSWERS))
        self.text(OWNER, "۵")
        self.assertEqual(Response.objects.get().channel, "api")

    def test_latin_and_arabic_digits_count_too_and_a_second_digit_changes_the_first(self) -> None:
        self.text(OWNER, " 5 ")
        self.assertEqual(Response.objects.get().overall, 5.0)
        self.text(OWNER, "٢")  # Arabic-Indic two
        self.assertEqual(Response.objects.get().overall, 2.0)
        self.assertEqual(Response.objects.count(), 1)

    def test_a_number_out_of_range_is_explained_and_saves_nothing(self) -> None:
        for message in ("0", "7", "۱۰"):
            with self.subTest(message=message):
                reply = self.text(OWNER, message)
                assert reply is not None
                self.assertEqual(reply.kind, "survey_sms_invalid")
                self.assertIn("۱ (خیلی بد) تا ۵ (خیلی خوب)", reply.body)
        self.assertFalse(Response.objects.exists())

    def test_a_digit_from_a_number_nobody_invited_gets_the_ordinary_help(self) -> None:
        reply = self.text(STRANGER, "5")
        assert reply is not None
        self.assertEqual(reply.kind, "inbound_help")
        self.assertFalse(Response.objects.exists())

    def test_a_tracking_code_still_gets_the_status(self) -> None:
        reply = self.text(OWNER, self.submission.tracking_code)
        assert reply is not None
        self.assertEqual(reply.kind, "inbound_status")

    def test_the_latest_open_invitation_is_the_one_answered(self) -> None:
        newer = self.invitation(self.end())
        self.text(OWNER, "3")
        self.assertEqual(Response.objects.get().invitation, newer)

    def test_an_sms_digit_after_a_web_response_changes_only_the_overall_answer(self) -> None:
        self.answer_on_web(self.token, {**ESERVICE_ANSWERS, "comment": "خوب بود"})
        self.text(OWNER, "2")
        response = Response.objects.get()
        self.assertEqual((response.overall, response.systematic), (2.0, 4.0))
        self.assertEqual(response.comment, "خوب بود")
        self.assertEqual(response.channel, "web")

    def test_after_the_change_window_a_digit_is_no_longer_an_answer(self) -> None:
        self.text(OWNER, "4")
        later = timezone.now() + datetime.timedelta(days=8)
        with patch("django.utils.timezone.now", return_value=later):
            reply = self.text(OWNER, "1")
        assert reply is not None
        self.assertEqual(reply.kind, "inbound_help")
        self.assertEqual(Response.objects.get().overall, 4.0)
