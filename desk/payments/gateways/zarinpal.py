"""Zarinpal, REST API v4 (payment.zarinpal.com/pg/v4): amounts in rials (IRR, the default).

request.json → authority → the citizen at /pg/StartPay/<authority> → back at our callback with
``Authority`` and ``Status`` (OK / NOK) → verify.json with our amount: code 100 paid now, 101 paid
and already verified (a second verify is harmless), anything else not paid. reverse.json gives
the money back within 30 minutes of payment. Verify needs only the authority, so a citizen who
closed the tab after paying is settled by reconciliation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from desk.payments.gateways.base import (
    Credentials,
    GatewayError,
    GatewayUnavailable,
    Outcome,
    Redirect,
    Returned,
    Started,
    Transport,
    Verified,
    post_json,
)

BASE_URL = "https://payment.zarinpal.com/pg"
SANDBOX_URL = "https://sandbox.zarinpal.com/pg"
PAID_NOW = 100
PAID_BEFORE = 101


class ZarinpalGateway:
    name: ClassVar[str] = "zarinpal"
    verifies_without_return: ClassVar[bool] = True

    def __init__(
        self, *, credentials: Credentials, transport: Transport, base_url: str = BASE_URL
    ) -> None:
        if not credentials.merchant_id:
            raise GatewayError("zarinpal: merchant_id is not configured", code="config")
        self.merchant_id = credentials.merchant_id
        self.transport = transport
        self.base_url = base_url.rstrip("/")

    def _post(self, path: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        return post_json(
            self.transport, f"{self.base_url}/v4/payment/{path}", payload, gateway="zarinpal"
        )

    @staticmethod
    def _code(body: Mapping[str, Any]) -> tuple[int | None, str]:
        data = body.get("data")
        if isinstance(data, dict) and "code" in data:
            return int(data["code"]), str(data.get("message", ""))
        errors = body.get("errors")
        if isinstance(errors, dict) and "code" in errors:
            return int(errors["code"]), str(errors.get("message", ""))
        return None, ""

    def start(
        self, *, order_id: int, amount: int, callback_url: str, description: str, mobile: str
    ) -> Started:
        body = self._post(
            "request.json",
            {
                "merchant_id": self.merchant_id,
                "amount": amount,
                "currency": "IRR",
                "callback_url": callback_url,
                "description": description,
                "metadata": {"mobile": mobile, "order_id": str(order_id)},
            },
        )
        code, message = self._code(body)
        authority = str((body.get("data") or {}).get("authority") or "")
        if code != PAID_NOW or not authority:
            raise GatewayError(f"zarinpal request: {code} {message}", code=str(code))
        return Started(authority, Redirect(f"{self.base_url}/StartPay/{authority}"))

    def parse_return(self, params: Mapping[str, str]) -> Returned:
        return Returned(
            ok=params.get("Status", "") == "OK",
            token=params.get("Authority", ""),
            extra={k: params[k] for k in ("Authority", "Status") if k in params},
        )

    def verify(
        self, *, order_id: int, token: str, amount: int, returned: Returned | None
    ) -> Verified:
        body = self._post(
            "verify.json",
            {"merchant_id": self.merchant_id, "amount": amount, "authority": token},
        )
        code, _message = self._code(body)
        raw_data = body.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        if code in (PAID_NOW, PAID_BEFORE):
            # Zarinpal verifies against the amount we send: code 100/101 means that amount.
            return Verified(
                Outcome.PAID,
                amount=amount,
                reference=str(data.get("ref_id", "")),
                card=str(data.get("card_pan", "")),
                raw=body,
            )
        if code is None:
            raise GatewayUnavailable("zarinpal verify: no code in the answer", code="unreadable")
        return Verified(Outcome.NOT_PAID, raw=body)

    def settle(self, *, order_id: int, token: str, returned: Returned | None) -> None:
        """Verified Zarinpal payments are settled by Zarinpal itself."""

    def reverse(self, *, order_id: int, token: str, returned: Returned | None) -> bool:
        body = self._post("reverse.json", {"merchant_id": self.merchant_id, "authority": token})
        code, _message = self._code(body)
        return code == PAID_NOW
