"""A fee with options is chosen and paid through the API as on the page: the pay endpoint
refused it («choose an option first») and nothing let a client choose."""

from __future__ import annotations

from typing import Any

from desk.api.tests.base import new_key, token_for
from desk.payments.models import Charge, FeeKind, FeeOption, Payment
from desk.payments.tests.base import PaymentTestCase


class FeeOptionsApiTests(PaymentTestCase):
    def test_a_client_chooses_an_option_then_starts_paying_its_amount(self) -> None:
        self.fee.kind = FeeKind.OPTIONS
        self.fee.save()
        FeeOption.objects.create(fee=self.fee, label="مسکونی", amount=1_000_000, order=1)
        FeeOption.objects.create(fee=self.fee, label="تجاری", amount=5_000_000, order=2)
        self.submission_at_payment()
        charge = Charge.objects.get()
        auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token_for(self.citizen)}"}
        url = f"/api/v1/me/charges/{charge.public_id}/"
        refused = self.client.post(url + "pay/", HTTP_IDEMPOTENCY_KEY=new_key(), **auth)
        self.assertEqual(refused.status_code, 422)
        bad = self.client.post(
            url + "choose/",
            {"option": 7},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=new_key(),
            **auth,
        )
        self.assertEqual(bad.status_code, 422)
        self.assertIn("option", bad.json()["errors"])
        chosen = self.client.post(
            url + "choose/",
            {"option": 1},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=new_key(),
            **auth,
        )
        self.assertEqual(chosen.status_code, 200, chosen.content)
        self.assertEqual(
            (chosen.json()["amount"], chosen.json()["option_label"]), (5_000_000, "تجاری")
        )
        started = self.client.post(url + "pay/", HTTP_IDEMPOTENCY_KEY=new_key(), **auth)
        self.assertEqual(started.status_code, 201, started.content)
        self.assertEqual(Payment.objects.get().amount, 5_000_000)

    def test_another_citizens_charge_is_not_found(self) -> None:
        self.submission_at_payment()
        charge = Charge.objects.get()
        from desk.test import create_citizen

        other = create_citizen("0013542419", "+989351112233")
        r = self.client.post(
            f"/api/v1/me/charges/{charge.public_id}/choose/",
            {"option": 0},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=new_key(),
            HTTP_AUTHORIZATION=f"Bearer {token_for(other)}",
        )
        self.assertEqual(r.status_code, 404)
