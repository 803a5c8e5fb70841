"""The receipt (رسید): the tracking code and the promised final-answer date."""

from __future__ import annotations

import datetime
from unittest import mock

from django.urls import reverse

from desk.lib import tracking
from desk.lib.persian import to_persian_digits
from desk.submissions.tests.base import SubmissionTestCase

# 1404/01/10, a Sunday; the next working days skip Nowruz and Eid al-Fitr holidays, Thursdays
# and Fridays: 1404/01/16, 01/17 and 01/18.
SUNDAY_10_FARVARDIN_1404 = datetime.date(2025, 3, 30)


class ReceiptTests(SubmissionTestCase):
    def receipt_url(self, code: str) -> str:
        return reverse("submissions:receipt", args=[code])

    def test_it_shows_the_tracking_code_in_persian_digits(self) -> None:
        submission = self.create_submission()
        self.client.force_login(self.citizen)
        r = self.client.get(self.receipt_url(submission.tracking_code))
        grouped = to_persian_digits(tracking.format_code(submission.tracking_code))
        self.assertContains(r, grouped)
        self.assertNotContains(r, f">{submission.tracking_code}<")

    def test_it_promises_a_date_in_working_days(self) -> None:
        with mock.patch(
            "desk.submissions.services.today_tehran", return_value=SUNDAY_10_FARVARDIN_1404
        ):
            submission = self.create_submission()
        self.assertEqual(submission.due_on, datetime.date(2025, 4, 7))
        self.client.force_login(self.citizen)
        r = self.client.get(self.receipt_url(submission.tracking_code))
        self.assertContains(r, "۱۸ فروردین ۱۴۰۴")
        self.assertContains(r, "۳ روز کاری")

    def test_it_counts_the_services_own_duration(self) -> None:
        self.service.duration_working_days = 10
        self.service.save()
        with mock.patch(
            "desk.submissions.services.today_tehran", return_value=datetime.date(2025, 5, 3)
        ):
            submission = self.create_submission()
        # Saturday 1404/02/13 + 10 working days (no holidays; Thu/Fri off) = Saturday 1404/02/27.
        self.assertEqual(submission.due_on, datetime.date(2025, 5, 17))
        self.client.force_login(self.citizen)
        r = self.client.get(self.receipt_url(submission.tracking_code))
        self.assertContains(r, "شنبه ۲۷ اردیبهشت ۱۴۰۴")

    def test_it_shows_the_answers_given(self) -> None:
        submission = self.create_submission(address="اصفهان، خیابان چهارباغ")
        self.client.force_login(self.citizen)
        r = self.client.get(self.receipt_url(submission.tracking_code))
        self.assertContains(r, "اصفهان، خیابان چهارباغ")
        self.assertContains(r, "deed.pdf")
        self.assertContains(r, "۰۰۸۴۵۷۵۹۴۸")

    def test_it_404s_for_another_citizen(self) -> None:
        submission = self.create_submission()
        self.client.force_login(self.other_citizen)
        self.assertEqual(
            self.client.get(self.receipt_url(submission.tracking_code)).status_code, 404
        )

    def test_it_404s_for_staff(self) -> None:
        submission = self.create_submission()
        for user in (self.expert, self.outsider):
            self.client.force_login(user)
            r = self.client.get(self.receipt_url(submission.tracking_code))
            self.assertEqual(r.status_code, 404)

    def test_it_sends_anonymous_visitors_to_sign_in(self) -> None:
        submission = self.create_submission()
        r = self.client.get(self.receipt_url(submission.tracking_code))
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith(reverse("accounts:citizen_login")))

    def test_it_404s_for_an_unknown_code(self) -> None:
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(self.receipt_url(tracking.generate())).status_code, 404)

    def test_it_issues_valid_twelve_digit_codes(self) -> None:
        first = self.create_submission().tracking_code
        second = self.create_submission().tracking_code
        for code in (first, second):
            self.assertRegex(code, r"^[1-9]\d{11}$")
            self.assertTrue(tracking.is_valid(code))
        # Random, not counted: the second code is not the first plus one (nor close to it).
        self.assertGreater(abs(int(second[:11]) - int(first[:11])), 1)

    def test_it_texts_the_code_and_due_date_to_the_applicant(self) -> None:
        from desk.notifications.backends import MemoryBackend

        with (
            mock.patch(
                "desk.submissions.services.today_tehran", return_value=SUNDAY_10_FARVARDIN_1404
            ),
            self.captureOnCommitCallbacks(execute=True),
        ):
            submission = self.create_submission()
        sms = MemoryBackend.outbox[-1]
        self.assertEqual(sms["to"], "+989121234567")
        self.assertIn(to_persian_digits(submission.tracking_code), sms["body"])
        self.assertIn("۱۴۰۴/۰۱/۱۸", sms["body"])
