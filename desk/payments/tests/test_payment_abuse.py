"""A citizen who plays with the bank's return: a transaction already verified for one payment
shown at another, and a cheaper option's payment completed after a dearer option was chosen.
Neither pays a charge; neither gives money back on a charge that stays paid."""

from __future__ import annotations

from typing import Any
from unittest import mock

from desk.payments import services
from desk.payments.gateways.sep import SepGateway
from desk.payments.models import (
    Charge,
    ChargeState,
    FakeGatewayTransaction,
    FeeKind,
    FeeOption,
    GatewayAccount,
    Payment,
    PaymentState,
    Provider,
)
from desk.payments.tests.base import FEE, PaymentTestCase, last_note
from desk.payments.tests.test_gateways import SEP, SEP_PAID, Recorded, ok


class SepReferenceTests(PaymentTestCase):
    def setUp(self) -> None:
        super().setUp()
        GatewayAccount.objects.filter(agency=self.agency).update(provider=Provider.SEP)
        # The bank's answers, in order; a call past them fails the test.
        self.sep = Recorded(ok(SEP_PAID))
        gateway = SepGateway(credentials=SEP, transport=self.sep)
        patcher = mock.patch.object(services, "gateway_for", return_value=gateway)
        patcher.start()
        self.addCleanup(patcher.stop)

    def pending(self, charge: Charge, token: str) -> Payment:
        """A payment sent to SEP's page (its token), not back yet."""
        return Payment.objects.create(
            charge=charge,
            agency=self.agency,
            provider=Provider.SEP,
            amount=charge.amount,
            state=PaymentState.PENDING,
            token=token,
        )

    def sep_returns(self, payment: Payment, **params: Any) -> None:
        """SEP's page posts the browser back (the citizen controls every field)."""
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/payments/return/{payment.public_id}/", params)
        self.assertEqual(response.status_code, 302)

    def test_a_transaction_verified_for_one_payment_never_pays_another(self) -> None:
        first = Charge.objects.get(submission=self.submission_at_payment())
        second = Charge.objects.get(submission=self.submission_at_payment())
        paid = self.pending(first, "tok-1")
        self.sep_returns(
            paid, State="OK", Status="2", RefNum="50", ResNum=str(paid.order_id), Token="tok-1"
        )
        paid.refresh_from_db()
        self.assertEqual((paid.state, paid.gateway_reference), (PaymentState.SETTLED, "50"))
        # The same RefNum at another request's payment, without the fields that name an
        # order: SEP would answer «verified before» for it, with the same amount.
        other = self.pending(second, "tok-2")
        self.sep_returns(other, State="OK", Status="2", RefNum="50")
        other.refresh_from_db()
        self.assertEqual(other.state, PaymentState.PENDING)
        self.assertEqual(Charge.objects.get(pk=second.pk).state, ChargeState.DUE)
        self.assertIn("belongs to another payment", last_note(other))
        self.assertEqual(len(self.sep.requests), 1)  # the bank was not asked about it again

    def test_a_second_payment_of_a_paid_charge_cannot_reverse_the_first(self) -> None:
        charge = Charge.objects.get(submission=self.submission_at_payment())
        paid = self.pending(charge, "tok-1")
        tab = self.pending(charge, "tok-2")  # a second tab opened before paying
        self.sep_returns(
            paid, State="OK", Status="2", RefNum="50", ResNum=str(paid.order_id), Token="tok-1"
        )
        self.sep_returns(tab, State="OK", Status="2", RefNum="50")
        paid.refresh_from_db()
        tab.refresh_from_db()
        self.assertEqual(paid.state, PaymentState.SETTLED)
        self.assertEqual(tab.state, PaymentState.PENDING)  # no ReverseTransaction of RefNum 50
        self.assertEqual(len(self.sep.requests), 1)
        self.assertEqual(Charge.objects.get(pk=charge.pk).state, ChargeState.PAID)


class OptionSwitchTests(PaymentTestCase):
    def test_a_cheaper_options_payment_finished_after_a_dearer_choice_is_reversed(self) -> None:
        self.fee.kind = FeeKind.OPTIONS
        self.fee.save()
        FeeOption.objects.create(fee=self.fee, label="عادی", amount=FEE, order=1)
        FeeOption.objects.create(fee=self.fee, label="فوری", amount=5 * FEE, order=2)
        self.submission_at_payment()
        charge = Charge.objects.get()
        self.client.force_login(self.citizen)
        choose = f"/payments/charges/{charge.public_id}/choose/"
        self.client.post(choose, {f"c{charge.pk}-option": "0"})
        cheap = self.start(Charge.objects.get(pk=charge.pk))
        # The citizen fails it on purpose (its bank page is still open elsewhere)…
        self.come_back(f"/payments/return/{cheap.public_id}/?token={cheap.token}&status=NOK")
        cheap.refresh_from_db()
        self.assertEqual(cheap.state, PaymentState.FAILED)
        # …picks the dearer option, then pays the cheap amount on that page.
        self.client.post(choose, {f"c{charge.pk}-option": "1"})
        self.assertEqual(Charge.objects.get(pk=charge.pk).amount, 5 * FEE)
        FakeGatewayTransaction.objects.filter(token=cheap.token).update(
            state="paid", reference="777"
        )
        self.come_back(
            f"/payments/return/{cheap.public_id}/?token={cheap.token}&status=OK"
            f"&order={cheap.order_id}&reference=777&amount={FEE}"
        )
        cheap.refresh_from_db()
        charge.refresh_from_db()
        self.assertEqual(cheap.state, PaymentState.REVERSED)
        self.assertEqual(self.ledger(cheap).state, "reversed")  # the money goes back
        self.assertEqual((charge.state, charge.amount), (ChargeState.DUE, 5 * FEE))
        self.assertIn("since this payment began", last_note(cheap))
