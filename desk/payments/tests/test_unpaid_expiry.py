"""A request filed for a service paid at application whose fee is never paid expires: the
job closes it after the service's time (or the default), texts the citizen, and the request
and tracking pages say what to do next. A payment settled or still at the bank keeps it."""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.notifications.backends import MemoryBackend
from desk.payments import services
from desk.payments.models import (
    Charge,
    ChargeState,
    FakeGatewayTransaction,
    Payment,
    PaymentState,
)
from desk.payments.tasks import expire_unpaid_requests
from desk.payments.tests.test_pay_at_application import PayAtApplicationCase
from desk.submissions.models import EventKind, Status, Submission


def filed_hours_ago(submission: Submission, hours: int) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=hours)
    )


class UnpaidExpiryCase(PayAtApplicationCase):
    def setUp(self) -> None:
        super().setUp()
        self.service.unpaid_expiry_hours = 24
        self.service.save()

    def run_job(self, now: datetime.datetime | None = None) -> dict[str, int]:
        with self.captureOnCommitCallbacks(execute=True):
            return services.unpaid_expire(now=now)

    def status_of(self, submission: Submission) -> str:
        submission.refresh_from_db()
        return submission.status


class ExpiryTests(UnpaidExpiryCase):
    def test_past_the_services_time_it_expires_and_the_citizen_is_texted(self) -> None:
        submission, _landed = self.file()
        filed_hours_ago(submission, 25)
        MemoryBackend.outbox.clear()
        self.assertEqual(self.run_job(), {"expired": 1, "kept": 0})
        self.assertEqual(self.status_of(submission), Status.EXPIRED)
        event = submission.events.get(kind=EventKind.EXPIRED)
        self.assertIsNone(event.actor_id)
        self.assertIn("در مهلت پرداخت نشد", event.message)
        self.assertEqual(Charge.objects.get(submission=submission).state, ChargeState.CANCELLED)
        (sms,) = MemoryBackend.outbox
        self.assertIn("در مهلت پرداخت نشد و درخواست بسته شد", sms["body"])
        self.assertIn(f"/r/{submission.tracking_code}", sms["body"])

    def test_before_its_time_it_keeps_waiting(self) -> None:
        submission, _landed = self.file()
        filed_hours_ago(submission, 23)
        self.assertEqual(self.run_job(), {"expired": 0, "kept": 0})
        self.assertEqual(self.status_of(submission), Status.AWAITING_PAYMENT)

    @override_settings(PAYMENT_UNPAID_EXPIRY_HOURS=48)
    def test_a_service_without_its_own_time_uses_the_default(self) -> None:
        self.service.unpaid_expiry_hours = None
        self.service.save()
        submission, _landed = self.file()
        filed_hours_ago(submission, 47)
        self.run_job()
        self.assertEqual(self.status_of(submission), Status.AWAITING_PAYMENT)
        filed_hours_ago(submission, 49)
        self.run_job()
        self.assertEqual(self.status_of(submission), Status.EXPIRED)

    def test_running_it_again_changes_nothing(self) -> None:
        submission, _landed = self.file()
        filed_hours_ago(submission, 30)
        self.run_job()
        MemoryBackend.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            expire_unpaid_requests.call_local()
        self.assertEqual(submission.events.filter(kind=EventKind.EXPIRED).count(), 1)
        self.assertEqual(MemoryBackend.outbox, [])

    def test_the_command_runs_the_same_job(self) -> None:
        submission, _landed = self.file()
        filed_hours_ago(submission, 30)
        with self.captureOnCommitCallbacks(execute=True):
            call_command("expire_unpaid", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.assertEqual(self.status_of(submission), Status.EXPIRED)


class WhatTheCitizenSeesTests(UnpaidExpiryCase):
    def expired(self) -> Submission:
        submission, _landed = self.file()
        filed_hours_ago(submission, 25)
        self.run_job()
        return submission

    def test_the_request_page_says_it_expired_and_how_to_apply_again(self) -> None:
        submission = self.expired()
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertContains(page, "منقضی‌شده؛ هزینه پرداخت نشد")
        self.assertContains(page, "درخواست تازه‌ای ثبت کنید")
        self.assertContains(page, reverse("catalog:service_detail", args=[self.service.slug]))
        self.assertContains(page, "مهلت پرداخت هزینه گذشت و درخواست بسته شد")  # the timeline
        self.assertNotContains(page, "موعد پاسخ نهایی")
        self.assertNotContains(page, reverse("payments:request", args=[submission.tracking_code]))
        receipt = self.client.get(reverse("submissions:receipt", args=[submission.tracking_code]))
        self.assertRedirects(
            receipt, reverse("submissions:my_request", args=[submission.tracking_code])
        )

    def test_the_tracking_page_says_the_same(self) -> None:
        submission = self.expired()
        self.client.logout()
        page = self.client.post(
            reverse("submissions:track"),
            {"code": submission.tracking_code, "national_code": self.citizen.national_code},
        )
        self.assertContains(page, "منقضی‌شده؛ هزینه پرداخت نشد")
        self.assertContains(page, "درخواست دوباره این خدمت")
        self.assertNotContains(page, "(پس از ورود)")
        self.assertNotContains(page, "موعد پاسخ نهایی")

    def test_it_can_no_longer_be_paid(self) -> None:
        submission = self.expired()
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("payments:request", args=[submission.tracking_code]))
        self.assertContains(page, "دیگر نمی‌توانید برای آن پرداخت کنید")
        self.assertNotContains(page, 'id="pay"')
        charge = Charge.objects.get(submission=submission)
        refused = self.client.post(f"/payments/charges/{charge.public_id}/pay/", follow=True)
        self.assertContains(refused, "این مبلغ دیگر قابل پرداخت نیست")
        self.assertFalse(Payment.objects.exists())

    def test_staff_cannot_act_on_it(self) -> None:
        submission = self.expired()
        self.assertNotIn(submission.tracking_code, self.inbox_codes())
        refused = self.client.post(
            reverse("submissions:staff_act", args=[submission.tracking_code]),
            {"action": "accept", "message": ""},
        )
        self.assertContains(refused, "هرگز برای دستگاه فرستاده نشد", status_code=400)
        self.assertEqual(self.status_of(submission), Status.EXPIRED)


class PaymentsAtTheBankTests(UnpaidExpiryCase):
    def test_a_payment_the_bank_confirmed_releases_it_instead(self) -> None:
        submission, _landed = self.file()
        payment = self.start(Charge.objects.get(submission=submission))
        self.bank(payment)  # paid at the bank; the browser never came back
        filed_hours_ago(submission, 25)
        later = timezone.now() + datetime.timedelta(hours=1)
        self.assertEqual(self.run_job(now=later), {"expired": 0, "kept": 1})
        payment.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.SETTLED)
        self.assertEqual(self.status_of(submission), Status.SUBMITTED)
        self.assertFalse(submission.events.filter(kind=EventKind.EXPIRED).exists())
        self.assertIn(submission.tracking_code, self.inbox_codes())

    def test_a_payment_started_minutes_ago_keeps_it_waiting(self) -> None:
        submission, _landed = self.file()
        payment = self.start(Charge.objects.get(submission=submission))
        filed_hours_ago(submission, 25)
        self.assertEqual(self.run_job(), {"expired": 0, "kept": 1})
        self.assertEqual(self.status_of(submission), Status.AWAITING_PAYMENT)
        payment.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.PENDING)
        # The citizen pays and comes back: the request goes to the agency as usual.
        self.come_back(self.bank(payment))
        self.assertEqual(self.status_of(submission), Status.SUBMITTED)

    def test_a_payment_the_bank_does_not_answer_for_keeps_it_waiting(self) -> None:
        submission, _landed = self.file()
        payment = self.start(Charge.objects.get(submission=submission))
        self.bank(payment)
        FakeGatewayTransaction.objects.filter(token=payment.token).update(verify_timeouts=5)
        filed_hours_ago(submission, 25)
        later = timezone.now() + datetime.timedelta(hours=1)
        self.assertEqual(self.run_job(now=later), {"expired": 0, "kept": 1})
        payment.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.UNKNOWN)
        self.assertEqual(self.status_of(submission), Status.AWAITING_PAYMENT)

    def test_an_abandoned_payment_is_closed_and_the_request_expires(self) -> None:
        submission, _landed = self.file()
        payment = self.start(Charge.objects.get(submission=submission))  # left the bank's page
        filed_hours_ago(submission, 25)
        later = timezone.now() + datetime.timedelta(hours=1)
        self.assertEqual(self.run_job(now=later), {"expired": 1, "kept": 0})
        payment.refresh_from_db()
        self.assertIn(payment.state, (PaymentState.FAILED, PaymentState.EXPIRED))
        self.assertEqual(self.status_of(submission), Status.EXPIRED)
