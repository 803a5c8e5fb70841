"""A service whose fee is paid when the request is filed: the request waits, out of the
agency's inbox and off the clock, until the fee is paid; abandoning and retrying included."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from desk.lib.jalali import today_tehran
from desk.notifications.backends import MemoryBackend
from desk.payments import services
from desk.payments.models import Charge, ChargeState, FeeKind, FeeOption, Payment, PaymentState
from desk.payments.tests.base import FEE, PaymentTestCase
from desk.submissions.deadlines import calendar_for_agency
from desk.submissions.models import EventKind, Status, Submission
from desk.test import PDF_BYTES

INBOX = reverse("submissions:inbox")


class PayAtApplicationCase(PaymentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.service.pay_at_application = True
        self.service.save()

    def file(self) -> tuple[Submission, str]:
        """The citizen fills the form and presses «ثبت» on «check your answers»; returns the
        request and where the browser is sent next."""
        self.client.force_login(self.citizen)
        form = self.client.post(
            reverse("submissions:apply", args=[self.service.slug]),
            {
                "idempotency_key": str(uuid.uuid4()),
                "address": "تهران، خیابان انقلاب",
                "deed": SimpleUploadedFile("deed.pdf", PDF_BYTES),
            },
        )
        self.assertEqual(form.status_code, 302)
        with self.captureOnCommitCallbacks(execute=True):  # as at the commit, before the answer
            sent = self.client.post(form["Location"])
        self.assertEqual(sent.status_code, 302)
        shown = self.client.get(sent["Location"], follow=True)
        self.assertEqual(shown.status_code, 200)
        chain = [sent["Location"], *(url for url, _status in shown.redirect_chain)]
        return Submission.objects.get(), chain[-1]

    def inbox_codes(self) -> list[str]:
        self.client.force_login(self.intake)
        page = self.client.get(INBOX)
        self.assertEqual(page.status_code, 200)
        return [s.tracking_code for s in page.context["inbox"]]


class HeldUntilPaidTests(PayAtApplicationCase):
    def test_after_sending_the_citizen_is_taken_to_pay_and_the_agency_sees_nothing(self) -> None:
        submission, landed = self.file()
        self.assertEqual(landed, reverse("payments:request", args=[submission.tracking_code]))
        self.assertEqual(submission.status, Status.AWAITING_PAYMENT)
        charge = Charge.objects.get(submission=submission)
        self.assertEqual((charge.amount, charge.state, charge.step_id), (FEE, "due", None))
        self.assertNotIn(submission.tracking_code, self.inbox_codes())
        self.assertFalse(submission.events.filter(kind=EventKind.SUBMITTED).exists())
        bodies = [m["body"] for m in MemoryBackend.outbox]
        self.assertTrue(any("۱۲۰٬۰۰۰ تومان" in b for b in bodies), bodies)  # the link to pay
        self.assertFalse(any("ثبت شد" in b for b in bodies), bodies)  # not "submitted" yet

    def test_the_request_page_says_awaiting_payment_with_the_pay_button(self) -> None:
        submission, _landed = self.file()
        page = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertContains(page, "در انتظار پرداخت")
        self.assertContains(page, "تا هزینه آن پرداخت نشود برای دستگاه فرستاده نمی‌شود")
        self.assertContains(page, reverse("payments:request", args=[submission.tracking_code]))
        self.assertNotContains(page, "موعد پاسخ نهایی")
        pay_page = self.client.get(reverse("payments:request", args=[submission.tracking_code]))
        self.assertContains(pay_page, "در انتظار پرداخت")
        self.assertContains(pay_page, 'id="pay"')
        self.assertContains(pay_page, "۱۲۰٬۰۰۰ تومان")

    def test_paying_sends_it_to_the_inbox_with_its_clock_starting_that_day(self) -> None:
        submission, _landed = self.file()
        filed_on = submission.submitted_at
        Submission.objects.filter(pk=submission.pk).update(
            submitted_at=filed_on - datetime.timedelta(days=9),
            due_on=today_tehran() - datetime.timedelta(days=2),
        )
        payment = self.start(Charge.objects.get(submission=submission))
        self.come_back(self.bank(payment))
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.SUBMITTED)
        self.assertGreaterEqual(submission.submitted_at, filed_on)
        calendar = calendar_for_agency(self.agency)
        self.assertEqual(
            submission.due_on,
            calendar.add_working_days(today_tehran(), self.service.duration_working_days),
        )
        self.assertEqual(submission.events.filter(kind=EventKind.SUBMITTED).count(), 1)
        self.assertIn(submission.tracking_code, self.inbox_codes())
        self.client.force_login(self.citizen)
        result = self.client.get(f"/payments/{payment.public_id}/")
        self.assertContains(result, "به کارتابل دستگاه فرستاده شد")
        self.assertTrue(any("ثبت شد" in m["body"] for m in MemoryBackend.outbox))

    def test_an_abandoned_payment_keeps_it_held_and_the_citizen_can_pay_again(self) -> None:
        submission, _landed = self.file()
        charge = Charge.objects.get(submission=submission)
        first = self.start(charge)  # leaves the bank's page without paying
        with self.captureOnCommitCallbacks(execute=True):
            services.payments_reconcile(now=timezone.now() + datetime.timedelta(hours=1))
        first.refresh_from_db()
        self.assertIn(first.state, (PaymentState.FAILED, PaymentState.EXPIRED))
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.AWAITING_PAYMENT)
        self.assertNotIn(submission.tracking_code, self.inbox_codes())
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("payments:request", args=[submission.tracking_code]))
        self.assertContains(page, 'id="pay"')
        self.assertContains(page, first.get_state_display())
        failed = self.start(charge)
        self.come_back(self.bank(failed, "fail"))
        again = self.start(charge)
        self.come_back(self.bank(again))
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.SUBMITTED)
        self.assertEqual(Charge.objects.get(pk=charge.pk).state, ChargeState.PAID)
        self.assertEqual(
            list(
                Payment.objects.filter(charge=charge).order_by("pk").values_list("state", flat=True)
            ),
            [first.state, PaymentState.FAILED, PaymentState.SETTLED],
        )

    def test_a_double_return_releases_it_once(self) -> None:
        submission, _landed = self.file()
        payment = self.start(Charge.objects.get(submission=submission))
        back = self.bank(payment)
        self.come_back(back)
        self.come_back(back)
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.SUBMITTED)
        self.assertEqual(submission.events.filter(kind=EventKind.SUBMITTED).count(), 1)
        self.assertEqual(Payment.objects.filter(state=PaymentState.SETTLED).count(), 1)

    def test_staff_cannot_act_on_a_held_request_even_by_its_address(self) -> None:
        submission, _landed = self.file()
        self.client.force_login(self.intake)
        page = self.client.get(
            reverse("submissions:staff_request", args=[submission.tracking_code])
        )
        self.assertNotContains(page, "شروع بررسی")
        refused = self.client.post(
            reverse("submissions:staff_act", args=[submission.tracking_code]),
            {"action": "accept", "message": ""},
        )
        self.assertContains(
            refused, "تا پرداخت هزینه برای دستگاه فرستاده نشده است", status_code=400
        )
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.AWAITING_PAYMENT)

    def test_a_held_request_is_not_counted_by_the_deadline_jobs(self) -> None:
        submission, _landed = self.file()
        Submission.objects.filter(pk=submission.pk).update(
            due_on=today_tehran() - datetime.timedelta(days=30)
        )
        submission.refresh_from_db()
        self.assertFalse(submission.is_overdue())
        self.assertFalse(submission.is_open)

    def test_the_citizen_chooses_an_option_before_paying(self) -> None:
        self.fee.kind = FeeKind.OPTIONS
        self.fee.save()
        FeeOption.objects.create(fee=self.fee, label="تا ۱۰۰ متر", amount=500_000, order=1)
        FeeOption.objects.create(fee=self.fee, label="بیش از ۱۰۰ متر", amount=900_000, order=2)
        submission, _landed = self.file()
        self.assertEqual(submission.status, Status.AWAITING_PAYMENT)
        charge = Charge.objects.get(submission=submission)
        self.client.post(
            f"/payments/charges/{charge.public_id}/choose/", {f"c{charge.pk}-option": "1"}
        )
        charge.refresh_from_db()
        self.assertEqual(charge.amount, 900_000)
        payment = self.start(charge)
        self.come_back(self.bank(payment))
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.SUBMITTED)

    def test_with_nothing_to_pay_the_request_is_not_held(self) -> None:
        self.fee.delete()
        self.service.fee_amount = 0
        self.service.save()
        submission, landed = self.file()
        self.assertEqual(landed, reverse("submissions:receipt", args=[submission.tracking_code]))
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.SUBMITTED)
        self.assertFalse(Charge.objects.exists())
        self.assertIn(submission.tracking_code, self.inbox_codes())
