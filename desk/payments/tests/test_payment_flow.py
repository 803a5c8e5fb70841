"""Paying the fee of a payment step: every way a payment can go, each ending in a checked
database state with at most one settlement."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.notifications.backends import MemoryBackend
from desk.payments import services
from desk.payments.gateways.base import GatewayUnavailable
from desk.payments.gateways.fake import FakeGateway
from desk.payments.models import (
    Charge,
    ChargeState,
    FakeGatewayTransaction,
    GatewayAccount,
    Payment,
    PaymentState,
)
from desk.payments.tests.base import FEE, PaymentTestCase, last_note, step_of
from desk.submissions.models import Status
from desk.workflow.services import workflow_define


class ChargeTests(PaymentTestCase):
    def test_it_bills_a_request_when_it_reaches_the_payment_step(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        self.assertEqual(charge.amount, FEE)
        self.assertEqual(charge.state, ChargeState.DUE)
        self.assertEqual(charge.step, submission.current_step)
        texts = [m["body"] for m in MemoryBackend.outbox]
        self.assertTrue(any("۱۲۰٬۰۰۰ تومان" in t for t in texts), texts)

    def test_a_workflow_that_starts_with_payment_bills_the_request_when_it_is_filed(self) -> None:
        workflow_define(
            service=self.service,
            steps=[
                {
                    "key": "fee",
                    "kind": "payment",
                    "is_start": True,
                    "role": Role.EXPERT,
                    "department": "درآمد",
                    "citizen_label": "پرداخت عوارض",
                    "staff_label": "تأیید پرداخت",
                    "duration_days": 1,
                },
                {"key": "done", "kind": "end_completed", "citizen_label": "صادر شد"},
            ],
            actions=[{"source": "fee", "target": "done", "key": "confirm", "label": "تأیید"}],
        )
        submission = self.file_request()
        charge = Charge.objects.get(submission=submission)
        self.assertEqual((charge.amount, charge.state), (FEE, ChargeState.DUE))
        self.assertEqual(charge.step, submission.current_step)

    def test_a_request_filed_at_a_review_step_is_not_billed_yet(self) -> None:
        submission = self.file_request()
        self.assertEqual(step_of(submission), "intake")
        self.assertFalse(Charge.objects.filter(submission=submission).exists())

    def test_the_request_page_shows_the_amount_and_a_pay_button(self) -> None:
        submission = self.submission_at_payment()
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertContains(page, "۱۲۰٬۰۰۰ تومان")
        self.assertContains(page, f"/payments/requests/{submission.tracking_code}/")
        pay = self.client.get(f"/payments/requests/{submission.tracking_code}/")
        self.assertContains(pay, "عوارض صدور پروانه")
        self.assertContains(pay, "۱٬۲۰۰٬۰۰۰ ریال")
        self.assertContains(pay, 'id="pay"')

    def test_without_online_payment_the_citizen_is_told_how_to_pay_at_the_agency(self) -> None:
        submission = self.submission_at_payment()
        GatewayAccount.objects.filter(agency=self.agency).update(is_active=False)
        self.agency.phone = "021-88776655"
        self.agency.save(update_fields=["phone"])
        self.client.force_login(self.citizen)
        pay = self.client.get(f"/payments/requests/{submission.tracking_code}/")
        self.assertContains(pay, "پرداخت برخط برای")
        self.assertContains(pay, "۰۲۱-۸۸۷۷۶۶۵۵")
        self.assertContains(pay, "درخواست شما محفوظ است و منتظر پرداخت می‌ماند.")
        self.assertNotContains(pay, 'id="pay"')

    def test_another_citizen_cannot_see_or_pay_the_bill(self) -> None:
        from desk.test import create_citizen

        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        self.client.force_login(create_citizen("0013542419", "+989351112233"))
        self.assertEqual(
            self.client.get(f"/payments/requests/{submission.tracking_code}/").status_code, 404
        )
        self.assertEqual(
            self.client.post(f"/payments/charges/{charge.public_id}/pay/").status_code, 404
        )
        self.assertFalse(Payment.objects.exists())


class SettlementTests(PaymentTestCase):
    def test_a_paid_fee_settles_once_and_moves_the_request_on(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        payment = self.start(charge)
        self.come_back(self.bank(payment))
        payment.refresh_from_db()
        charge.refresh_from_db()
        submission.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.SETTLED)
        self.assertTrue(payment.reference)
        self.assertEqual(charge.state, ChargeState.PAID)
        self.assertEqual(step_of(submission), "decision")
        self.assertEqual(submission.status, Status.IN_REVIEW)
        self.assertEqual(self.ledger(payment).verify_count, 1)
        receipt = self.client.get(f"/payments/{payment.public_id}/receipt/")
        self.assertContains(receipt, "۱٬۲۰۰٬۰۰۰ ریال")
        self.assertContains(receipt, "شماره مرجع")
        # Not a dead end: the request and its next step are one tap away.
        self.assertContains(
            receipt, reverse("submissions:my_request", args=[submission.tracking_code])
        )
        texts = [m["body"] for m in MemoryBackend.outbox]
        self.assertTrue(any("دریافت شد" in t for t in texts), texts)

    def test_a_double_or_replayed_callback_changes_nothing(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        payment = self.start(charge)
        back = self.bank(payment)
        self.come_back(back)
        self.come_back(back)  # the browser sends the return twice
        self.come_back(back)  # and someone replays it later
        payment.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.SETTLED)
        self.assertEqual(self.ledger(payment).verify_count, 1)
        submission.refresh_from_db()
        self.assertEqual(step_of(submission), "decision")
        self.assertEqual(
            Payment.objects.filter(charge=charge, state=PaymentState.SETTLED).count(), 1
        )

    def test_a_tampered_amount_is_reversed_not_settled(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        payment = self.start(charge)
        back = self.bank(payment)
        # The bank says 1,000 rials were paid, not the fee.
        FakeGatewayTransaction.objects.filter(token=payment.token).update(amount=1000)
        self.come_back(back)
        payment.refresh_from_db()
        charge.refresh_from_db()
        submission.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.REVERSED)
        self.assertEqual(self.ledger(payment).state, "reversed")
        self.assertEqual(charge.state, ChargeState.DUE)
        self.assertEqual(step_of(submission), "payment")
        self.assertIn("amount mismatch", last_note(payment))

    def test_a_return_naming_another_order_is_refused(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        mine = self.start(charge)
        # Another agency's order, paid at the bank: its return is replayed at my payment.
        other = FakeGateway().start(
            order_id=999999999999999,
            amount=FEE,
            callback_url="http://x/",
            description="",
            mobile="",
        )
        FakeGatewayTransaction.objects.filter(token=other.token).update(
            state="paid", reference="77"
        )
        self.come_back(
            f"/payments/return/{mine.public_id}/?token={other.token}&status=OK"
            f"&order=999999999999999&reference=77&amount={FEE}"
        )
        mine.refresh_from_db()
        self.assertEqual(mine.state, PaymentState.PENDING)
        self.assertEqual(Charge.objects.get(pk=charge.pk).state, ChargeState.DUE)
        self.assertIn("does not match", last_note(mine))

    def test_paying_twice_in_two_tabs_reverses_the_second(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        first = self.start(charge)
        second = self.start(charge)  # a second tab, before the first came back
        first_back = self.bank(first)
        second_back = self.bank(second)
        self.come_back(first_back)
        self.come_back(second_back)
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual(first.state, PaymentState.SETTLED)
        self.assertEqual(second.state, PaymentState.REVERSED)
        self.assertEqual(self.ledger(second).state, "reversed")
        self.assertEqual(
            Payment.objects.filter(charge=charge, state=PaymentState.SETTLED).count(), 1
        )

    def test_the_database_refuses_a_second_settlement_of_one_charge(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        Payment.objects.create(
            charge=charge, agency=self.agency, provider="fake", amount=FEE, state="settled"
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            Payment.objects.create(
                charge=charge, agency=self.agency, provider="fake", amount=FEE, state="settled"
            )


class FailureTests(PaymentTestCase):
    def test_a_failed_payment_can_be_tried_again(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        payment = self.start(charge)
        self.come_back(self.bank(payment, "fail"))
        payment.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.FAILED)
        page = self.client.get(f"/payments/{payment.public_id}/")
        self.assertContains(page, "پرداخت انجام نشد")
        self.assertContains(page, 'id="retry"')
        again = self.start(charge)
        self.come_back(self.bank(again))
        again.refresh_from_db()
        self.assertEqual(again.state, PaymentState.SETTLED)
        submission.refresh_from_db()
        self.assertEqual(step_of(submission), "decision")

    def test_a_verify_timeout_waits_for_reconciliation_then_settles(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        payment = self.start(charge)
        back = self.bank(payment)
        FakeGatewayTransaction.objects.filter(token=payment.token).update(verify_timeouts=1)
        self.come_back(back)
        payment.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.UNKNOWN)
        page = self.client.get(f"/payments/{payment.public_id}/")
        self.assertContains(page, "دوباره پرداخت نکنید")
        later = timezone.now() + datetime.timedelta(hours=1)
        with self.captureOnCommitCallbacks(execute=True):
            counts = services.payments_reconcile(now=later)
        self.assertEqual(counts["settled"], 1)
        payment.refresh_from_db()
        submission.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.SETTLED)
        self.assertEqual(step_of(submission), "decision")

    def test_a_citizen_who_closes_the_tab_after_paying_is_settled_by_the_job(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        payment = self.start(charge)
        self.bank(payment)  # paid, but the browser never comes back
        later = timezone.now() + datetime.timedelta(hours=1)
        with self.captureOnCommitCallbacks(execute=True):
            services.payments_reconcile(now=later)
        payment.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.SETTLED)
        self.assertEqual(Charge.objects.get(pk=charge.pk).state, ChargeState.PAID)

    def test_an_abandoned_payment_fails_and_the_fee_stays_due(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        payment = self.start(charge)  # the citizen leaves the bank's page without paying
        later = timezone.now() + datetime.timedelta(hours=1)
        services.payments_reconcile(now=later)
        payment.refresh_from_db()
        self.assertIn(payment.state, (PaymentState.FAILED, PaymentState.EXPIRED))
        self.assertEqual(Charge.objects.get(pk=charge.pk).state, ChargeState.DUE)
        self.assertEqual(self.ledger(payment).state, "pending")

    def test_a_gateway_that_does_not_answer_at_start_keeps_the_fee_due(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        self.client.force_login(self.citizen)
        with mock.patch.object(FakeGateway, "start", side_effect=GatewayUnavailable("down")):
            response = self.client.post(f"/payments/charges/{charge.public_id}/pay/", follow=True)
        self.assertContains(response, "درگاه بانک اکنون پاسخ نمی‌دهد")
        self.assertEqual(Payment.objects.get().state, PaymentState.FAILED)
        self.assertEqual(Charge.objects.get(pk=charge.pk).state, ChargeState.DUE)


class RefundTests(PaymentTestCase):
    def _settled(self) -> Payment:
        submission = self.submission_at_payment()
        payment = self.start(Charge.objects.get(submission=submission))
        self.come_back(self.bank(payment))
        payment.refresh_from_db()
        return payment

    def test_a_refund_is_recorded_only_after_the_are_you_sure_page(self) -> None:
        payment = self._settled()
        self.client.force_login(self.manager)
        url = f"/payments/staff/{payment.public_id}/refund/"
        asked = self.client.post(url, {"amount": "۲۰۰۰۰۰", "reason": "محاسبه نادرست"})
        self.assertContains(asked, "آیا مطمئن هستید")
        self.assertContains(asked, "۲۰۰٬۰۰۰ ریال")
        self.assertContains(asked, "محاسبه نادرست")
        self.assertContains(asked, 'name="confirmed" value="1"')
        self.assertContains(asked, 'name="refunded_before" value="0"')
        payment.refresh_from_db()
        self.assertEqual((payment.refunded_amount, payment.refunds.count()), (0, 0))
        self.assertFalse(any("برمی‌گردد" in m["body"] for m in MemoryBackend.outbox))
        edit = self.client.post(
            url, {"amount": "200000", "reason": "محاسبه نادرست", "confirmed": "1", "edit": "1"}
        )
        self.assertContains(edit, 'value="200000"')  # «change»: the form keeps what was typed
        self.assertContains(edit, "محاسبه نادرست")
        self.assertEqual(payment.refunds.count(), 0)
        back = self.client.get(
            reverse("submissions:staff_request", args=[payment.charge.submission.tracking_code])
        )
        self.assertEqual(back.status_code, 200)  # «نه، برگرد»: nothing was recorded
        with self.captureOnCommitCallbacks(execute=True):
            sure = {
                "amount": "200000",
                "reason": "محاسبه نادرست",
                "confirmed": "1",
                "refunded_before": "0",
            }
            done = self.client.post(url, sure)
            again = self.client.post(url, sure)  # a double click, or the page sent again
        self.assertEqual(done.status_code, 302)
        self.assertContains(again, "این استرداد دوباره ثبت نشد", status_code=400)
        payment.refresh_from_db()
        self.assertEqual((payment.refunded_amount, payment.refunds.count()), (200_000, 1))
        texted = [m for m in MemoryBackend.outbox if "برمی‌گردد" in m["body"]]
        self.assertEqual(len(texted), 1)

    def test_an_amount_over_what_is_left_is_refused_before_the_are_you_sure_page(self) -> None:
        payment = self._settled()
        self.client.force_login(self.manager)
        url = f"/payments/staff/{payment.public_id}/refund/"
        response = self.client.post(url, {"amount": str(FEE + 1), "reason": "بیشتر از پرداخت"})
        self.assertContains(response, "حداکثر", status_code=400)
        self.assertNotContains(response, "آیا مطمئن هستید", status_code=400)

    def confirm_refund(self, url: str, data: dict[str, str]) -> Any:
        """«بله» on the «are you sure» page, which carries what was refunded when it was shown."""
        asked = self.client.post(url, data)
        before = asked.context["payment"].refunded_amount if asked.status_code == 200 else 0
        return self.client.post(url, {**data, "confirmed": "1", "refunded_before": str(before)})

    def test_a_manager_records_a_partial_then_full_refund_and_the_citizen_is_texted(self) -> None:
        payment = self._settled()
        self.client.force_login(self.manager)
        url = f"/payments/staff/{payment.public_id}/refund/"
        response = self.confirm_refund(url, {"amount": "۲۰۰۰۰۰", "reason": "محاسبه نادرست"})
        self.assertEqual(response.status_code, 302)
        payment.refresh_from_db()
        self.assertEqual(payment.refunded_amount, 200_000)
        self.assertEqual(payment.state, PaymentState.SETTLED)
        response = self.client.post(url, {"amount": "2000000", "reason": "بیشتر از پرداخت"})
        self.assertContains(response, "حداکثر", status_code=400)
        self.assertContains(response, "2000000", status_code=400)  # what was typed is kept
        with self.captureOnCommitCallbacks(execute=True):
            self.confirm_refund(url, {"amount": str(FEE - 200_000), "reason": "رد درخواست"})
        payment.refresh_from_db()
        self.assertEqual(payment.state, PaymentState.REFUNDED)
        self.assertEqual(payment.refunds.count(), 2)
        self.assertTrue(any("برمی‌گردد" in m["body"] for m in MemoryBackend.outbox))

    def test_an_expert_or_another_agency_cannot_refund(self) -> None:
        payment = self._settled()
        url = f"/payments/staff/{payment.public_id}/refund/"
        self.client.force_login(self.expert)
        response = self.client.post(url, {"amount": "1000", "reason": "x"})
        self.assertContains(response, "فقط مدیر", status_code=400)
        response = self.confirm_refund(url, {"amount": "1000", "reason": "x"})
        self.assertContains(response, "فقط مدیر", status_code=400)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.post(url, {"amount": "1000", "reason": "x"}).status_code, 404)
        payment.refresh_from_db()
        self.assertEqual(payment.refunded_amount, 0)


class InboxPaymentStateTests(PaymentTestCase):
    """Staff see each request's payment state in the inbox, read for the whole page at once."""

    def file_with_charge(self, state: str | None) -> str:
        submission = self.file_request()
        if state is not None:
            Charge.objects.create(
                submission=submission,
                agency=self.agency,
                amount=FEE,
                purpose="عوارض",
                state=state,
            )
        return submission.tracking_code

    def inbox(self) -> tuple[Any, list[str]]:
        self.client.force_login(self.intake)
        # Once before counting: the search's list of the agency's services is read once and
        # cached until a card changes (catalog.selectors.agency_service_choices).
        self.client.get(reverse("submissions:inbox"))
        with CaptureQueriesContext(connection) as queries:
            page = self.client.get(reverse("submissions:inbox"))
        self.assertEqual(page.status_code, 200)
        return page, [q["sql"] for q in queries.captured_queries]

    def test_the_inbox_shows_due_and_paid_badges(self) -> None:
        self.file_with_charge(ChargeState.DUE)
        self.file_with_charge(ChargeState.PAID)
        self.file_with_charge(None)
        page, _count = self.inbox()
        html = page.content.decode()
        self.assertEqual(html.count("payment-badge"), 2)
        self.assertInHTML(
            '<span class="badge text-bg-warning payment-badge">در انتظار پرداخت</span>', html
        )
        self.assertInHTML(
            '<span class="badge text-bg-success payment-badge">پرداخت‌شده</span>', html
        )

    def test_the_payment_column_costs_one_query_whatever_the_page_holds(self) -> None:
        for state in (ChargeState.DUE, ChargeState.PAID, None):
            self.file_with_charge(state)
        _page, with_three = self.inbox()
        for _ in range(3):
            for state in (ChargeState.DUE, ChargeState.PAID, None):
                self.file_with_charge(state)
        page, with_twelve = self.inbox()
        self.assertEqual(page.content.decode().count("payment-badge"), 8)
        self.assertEqual(len(with_three), len(with_twelve))
        self.assertEqual(sum('"payments_charge"' in sql for sql in with_twelve), 1)
