"""A request at a payment step, a fee, and an agency account at the fake gateway."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from desk.core.forms import check_document
from desk.payments.models import (
    Charge,
    FakeGatewayTransaction,
    FeeKind,
    GatewayAccount,
    Payment,
    Provider,
    ServiceFee,
)
from desk.submissions import services as submissions
from desk.submissions.models import Submission
from desk.test import PDF_BYTES, BaseTestCase, create_staff, define_permit_workflow, give_position

FEE = 1_200_000  # rials: ۱۲۰٬۰۰۰ تومان


def step_of(submission: Submission) -> str:
    submission.refresh_from_db()
    return submission.current_step.key if submission.current_step else ""


def last_note(payment: Payment) -> str:
    event = payment.events.last()
    return event.note if event else ""


@override_settings(PAYMENT_FAKE_ALLOWED=True, SITE_URL="http://testserver")
class PaymentTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        define_permit_workflow(self.service)
        self.intake = create_staff(self.agency, "intake")
        give_position(self.intake, "پذیرش")
        self.engineer = create_staff(self.agency, "engineer")
        give_position(self.engineer, "فنی")
        self.cashier = create_staff(self.agency, "cashier")
        give_position(self.cashier, "درآمد")
        give_position(self.manager, "درآمد", role="manager")
        self.fee = ServiceFee.objects.create(
            service=self.service, kind=FeeKind.FIXED, amount=FEE, purpose="عوارض صدور پروانه"
        )
        GatewayAccount.objects.create(agency=self.agency, provider=Provider.FAKE)

    def file_request(self) -> Submission:
        """The citizen files a request (its announced events run)."""
        upload = SimpleUploadedFile("deed.pdf", PDF_BYTES)
        check_document(upload)
        with self.captureOnCommitCallbacks(execute=True):
            return submissions.submission_create(
                service=self.service,
                applicant=self.citizen,
                answers={"address": "تهران"},
                files={"deed": upload},
                idempotency_key=uuid.uuid4(),
            )

    def submission_at_payment(self) -> Submission:
        submission = self.file_request()
        for actor, action in (
            (self.intake, "start_review"),
            (self.intake, "accept"),
            (self.engineer, "approve"),
        ):
            with self.captureOnCommitCallbacks(execute=True):
                submissions.submission_transition(
                    submission_id=submission.pk, actor=actor, action=action
                )
        submission.refresh_from_db()
        return submission

    def start(self, charge: Charge) -> Payment:
        """The citizen presses «پرداخت»: a payment opens at the fake gateway."""
        self.client.force_login(self.citizen)
        response = self.client.post(f"/payments/charges/{charge.public_id}/pay/")
        self.assertEqual(response.status_code, 302)
        payment = Payment.objects.filter(charge=charge).latest("created_at", "pk")
        self.assertIn(f"/payments/fake-gateway/{payment.token}/", response["Location"])
        return payment

    def bank(self, payment: Payment, outcome: str = "pay") -> str:
        """On the bank's page: pay, fail or cancel; returns the address it sends the browser
        back to (the return is not followed)."""
        response = self.client.post(
            f"/payments/fake-gateway/{payment.token}/", {"outcome": outcome}
        )
        self.assertEqual(response.status_code, 302)
        return response["Location"]

    def come_back(self, location: str) -> None:
        parts = urlsplit(location)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(parts.path, params)
        self.assertEqual(response.status_code, 302)

    def ledger(self, payment: Payment) -> FakeGatewayTransaction:
        return FakeGatewayTransaction.objects.get(token=payment.token)
