"""Every state of a request has a next step: what happens now, what the citizen must do and
where, by when, and the steps still ahead — on «my request» and on public tracking."""

from __future__ import annotations

from django.urls import reverse

from desk.notifications.backends import MemoryBackend
from desk.submissions.tests.base import SubmissionTestCase
from desk.test import create_staff, define_permit_workflow, give_position


class NextStepTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        define_permit_workflow(self.service)
        give_position(self.expert, "پذیرش")
        give_position(self.expert, "فنی")
        self.cashier = create_staff(self.agency, "cashier")
        give_position(self.cashier, "درآمد")
        self.submission = self.create_submission()
        self.code = self.submission.tracking_code

    def my_page(self) -> str:
        self.client.force_login(self.citizen)
        return self.client.get(reverse("submissions:my_request", args=[self.code])).content.decode()

    def test_it_lists_the_steps_ahead_by_their_citizen_labels(self) -> None:
        html = self.my_page()
        self.assertIn("اکنون: بررسی مدارک", html)
        ahead = html[html.index("اکنون: بررسی مدارک") :]
        positions = [ahead.index(label) for label in ("بررسی فنی", "تأیید پرداخت", "تصمیم نهایی")]
        self.assertEqual(positions, sorted(positions))
        self.assertNotIn("در انتظار مدارک شما", ahead)  # a side branch, not a step ahead
        self.assertIn("مهلت این مرحله", html)

    def test_a_waiting_request_on_public_tracking_links_to_sign_in_and_answer(self) -> None:
        self.transition(self.submission, "request_info", message="اصل سند را بفرستید.")
        html = self.track(self.code).content.decode()
        my_page = reverse("submissions:my_request", args=[self.code])
        self.assertIn(f'href="{my_page}#reply"', html)
        self.assertIn("پس از ورود", html)
        self.assertIn("کاری که شما باید انجام دهید", html)
        # The link signs the citizen in and brings them back to the page where they answer.
        self.client.logout()
        r = self.client.get(my_page)
        self.assertRedirects(
            r, f"{reverse('accounts:citizen_login')}?next={my_page}", fetch_redirect_response=False
        )

    def test_the_more_information_sms_carries_a_short_link_that_leads_to_the_answer(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.transition(self.submission, "request_info", message="اصل سند را بفرستید.")
        short = reverse("short_link", args=[self.code])
        self.assertIn(short, MemoryBackend.outbox[-1]["body"])
        self.client.force_login(self.citizen)
        r = self.client.get(short)
        self.assertRedirects(r, reverse("submissions:my_request", args=[self.code]))

    def test_a_payment_step_states_the_fee_and_what_to_do(self) -> None:
        self.service.fee_amount = 2_500_000
        self.service.save()
        self.transition(self.submission, "accept")
        self.transition(self.submission, "approve")
        html = self.my_page()
        self.assertIn("مرحله پرداخت هزینه", html)
        self.assertIn("۲٬۵۰۰٬۰۰۰ ریال", html)
        self.assertIn(f"/payments/requests/{self.code}/", html)

    def test_a_rejected_request_points_to_the_complaint_procedure(self) -> None:
        self.transition(self.submission, "accept")
        self.transition(self.submission, "reject", message="نقشه با ضوابط نمی‌خواند.")
        html = self.track(self.code).content.decode()
        self.assertIn("نقشه با ضوابط نمی‌خواند.", html)
        self.assertIn("#complaints", html)
