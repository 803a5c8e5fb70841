"""The citizen answers from the SMS link, without signing in: one question a page, check your
answers, confirmation; one response per request, changeable for 7 days; the link expires."""

from __future__ import annotations

import datetime
from typing import Any
from unittest.mock import patch

from django.urls import reverse
from django.utils import timezone

from desk.surveys.models import Answer, FormKind, Response, ServiceSurvey, SurveyForm
from desk.surveys.tests.base import ESERVICE_ANSWERS, SurveyTestCase


class SurveyWebTests(SurveyTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.submission = self.end()
        self.token = self.invitation(self.submission).token

    def later(self, **delta: float) -> Any:
        return patch(
            "django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(**delta)
        )

    def test_a_citizen_answers_every_question_and_sees_the_confirmation(self) -> None:
        r = self.client.get(reverse("surveys:start", args=[self.token]))
        self.assertContains(r, "شروع نظرسنجی")
        self.assertContains(r, "۵ پرسش")  # Persian digits
        r = self.client.get(reverse("surveys:question", args=[self.token, 1]))
        self.assertContains(r, "پرسش ۱ از ۵")
        self.assertContains(r, "خیلی آسان")
        self.assertContains(r, 'type="radio"', count=5)
        self.answer_on_web(self.token, {**ESERVICE_ANSWERS, "comment": "صف شلوغ بود"})
        response = Response.objects.get(invitation__token=self.token)
        self.assertEqual(response.channel, "web")
        self.assertEqual(
            (response.systematic, response.transparency, response.time, response.overall),
            (4.0, 5.0, 3.0, 4.0),
        )
        self.assertIsNone(response.mastery)  # the short form asks nothing on that axis
        self.assertEqual(response.comment, "صف شلوغ بود")
        r = self.client.get(reverse("surveys:done", args=[self.token]))
        self.assertContains(r, "نظر شما ثبت شد")

    def test_no_choice_is_an_error_named_in_the_summary_and_the_title(self) -> None:
        r = self.client.post(reverse("surveys:question", args=[self.token, 1]), {})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "<title>خطا:")
        self.assertContains(r, 'class="error-summary')
        self.assertContains(r, 'href="#id_answer_0"')
        self.assertContains(r, "یکی از گزینه‌ها را انتخاب کنید.")

    def test_check_your_answers_sends_back_to_a_question_left_unanswered(self) -> None:
        self.client.post(reverse("surveys:question", args=[self.token, 1]), {"answer": "4"})
        r = self.client.get(reverse("surveys:check", args=[self.token]))
        self.assertRedirects(r, reverse("surveys:question", args=[self.token, 2]))

    def test_a_change_link_comes_back_to_check_your_answers(self) -> None:
        for number, value in enumerate(("4", "5", "3", "4"), start=1):
            self.client.post(
                reverse("surveys:question", args=[self.token, number]), {"answer": value}
            )
        r = self.client.get(reverse("surveys:check", args=[self.token]))
        self.assertContains(r, "?change=1")
        r = self.client.post(
            reverse("surveys:question", args=[self.token, 2]) + "?change=1", {"answer": "2"}
        )
        self.assertRedirects(r, reverse("surveys:check", args=[self.token]))
        self.assertContains(self.client.get(r["Location"]), "گنگ")

    def test_one_response_per_request_changed_within_seven_days(self) -> None:
        self.answer_on_web(self.token, ESERVICE_ANSWERS)
        with self.later(days=6):
            r = self.client.get(reverse("surveys:start", args=[self.token]))
            self.assertContains(r, "دیدن و تغییر پاسخ‌ها")
            self.answer_on_web(self.token, {**ESERVICE_ANSWERS, "overall": 1})
        response = Response.objects.get(invitation__token=self.token)
        self.assertEqual(response.overall, 1.0)
        self.assertIsNotNone(response.changed_at)
        self.assertEqual(Response.objects.count(), 1)
        self.assertEqual(Answer.objects.filter(response=response).count(), 5)

    def test_a_response_can_no_longer_be_changed_after_seven_days(self) -> None:
        self.answer_on_web(self.token, ESERVICE_ANSWERS)
        with self.later(days=7, minutes=1):
            r = self.client.get(reverse("surveys:check", args=[self.token]))
            self.assertContains(r, "مهلت این نظرسنجی گذشته است")
            r = self.client.post(reverse("surveys:check", args=[self.token]))
            self.assertContains(r, "مهلت این نظرسنجی گذشته است")
        self.assertEqual(Response.objects.get().overall, 4.0)

    def test_an_expired_link_takes_no_answer(self) -> None:
        with self.later(days=30, minutes=1):
            r = self.client.get(reverse("surveys:start", args=[self.token]))
            self.assertContains(r, "مهلت این نظرسنجی گذشته است")
            r = self.client.post(reverse("surveys:question", args=[self.token, 1]), {"answer": "5"})
            self.assertContains(r, "مهلت این نظرسنجی گذشته است")
        self.assertFalse(Response.objects.exists())

    def test_an_unknown_token_is_not_found(self) -> None:
        self.assertEqual(
            self.client.get(reverse("surveys:start", args=["nosuchtoken1"])).status_code, 404
        )
        self.assertEqual(self.client.get("/s/nosuchtoken1/", follow=True).status_code, 404)

    def test_the_takrim_form_offers_not_applicable_where_it_is_allowed(self) -> None:
        takrim = SurveyForm.objects.get(kind=FormKind.TAKRIM)
        ServiceSurvey.objects.create(service=self.service, agency=self.agency, form=takrim)
        token = self.invitation(self.end()).token
        answers = {q.key: 4 for q in takrim.versions.get().questions.filter(kind="scale")}
        answers["complaint_handling"] = 0
        answers["connections"] = 1
        self.answer_on_web(token, answers)
        response = Response.objects.get(invitation__token=token)
        self.assertTrue(response.red_flag)
        # systematic: facilities, ease, documents once, copies (4 each) and connections (1).
        self.assertAlmostEqual(response.systematic or 0, (4 * 4 + 1) / 5)
        self.assertEqual(response.responsiveness, 4.0)  # the complaint item left out, not 0
        r = self.client.get(reverse("surveys:check", args=[token]))
        self.assertContains(r, "موردی نداشت")
