"""The fake gateway for the demo and the tests: a payment page inside this installation where a
person can pay, fail, or walk away, and a ledger (FakeGatewayTransaction) standing in for the
bank's side. It speaks the same interface as the real clients; ``verify_timeouts`` on a row makes
the next verifications time out, as a bank that does not answer."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db.models import F
from django.urls import reverse

from desk.lib.persian import is_ascii_number
from desk.payments.gateways.base import (
    GatewayUnavailable,
    Outcome,
    Redirect,
    Returned,
    Started,
    Verified,
)
from desk.payments.models import FakeGatewayTransaction


class FakeGateway:
    name: ClassVar[str] = "fake"
    verifies_without_return: ClassVar[bool] = True

    def start(
        self, *, order_id: int, amount: int, callback_url: str, description: str, mobile: str
    ) -> Started:
        token = secrets.token_urlsafe(24)
        FakeGatewayTransaction.objects.create(
            token=token, order_id=order_id, amount=amount, callback_url=callback_url
        )
        url = settings.SITE_URL.rstrip("/") + reverse("payments:fake_gateway", args=[token])
        return Started(token, Redirect(url))

    def parse_return(self, params: Mapping[str, str]) -> Returned:
        return Returned(
            ok=params.get("status") == "OK",
            order_id=params.get("order", ""),
            token=params.get("token", ""),
            reference=params.get("reference", ""),
            amount=int(params["amount"]) if is_ascii_number(params.get("amount", "")) else None,
        )

    def _row(self, token: str) -> FakeGatewayTransaction | None:
        return FakeGatewayTransaction.objects.filter(token=token).first()

    def verify(
        self, *, order_id: int, token: str, amount: int, returned: Returned | None
    ) -> Verified:
        row = self._row(token)
        if row is None or row.order_id != order_id:
            return Verified(Outcome.NOT_PAID, raw={"reason": "unknown token"})
        if row.verify_timeouts:
            FakeGatewayTransaction.objects.filter(pk=row.pk).update(
                verify_timeouts=F("verify_timeouts") - 1
            )
            raise GatewayUnavailable("fake: verify timed out", code="timeout")
        FakeGatewayTransaction.objects.filter(pk=row.pk).update(verify_count=F("verify_count") + 1)
        if row.state != "paid":
            return Verified(Outcome.NOT_PAID, raw={"state": row.state})
        return Verified(
            Outcome.PAID,
            amount=row.amount,
            reference=row.reference,
            trace=row.reference[-6:],
            card="6037-99**-****-1234",
            raw={"state": row.state},
        )

    def settle(self, *, order_id: int, token: str, returned: Returned | None) -> None:
        """Settled on verify, as Zarinpal does."""

    def reverse(self, *, order_id: int, token: str, returned: Returned | None) -> bool:
        return bool(
            FakeGatewayTransaction.objects.filter(token=token, state="paid").update(
                state="reversed"
            )
        )
