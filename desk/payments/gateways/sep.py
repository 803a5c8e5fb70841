"""Saman Electronic Payment (SEP), the REST "OnlinePG" interface.

onlinepg/onlinepg {action: token} → {"status": 1, "token"} → the citizen's browser POSTs Token to
OnlinePG/OnlinePG → back at our callback (POST: State, Status, RefNum, ResNum, RRN, TraceNo,
Amount, SecurePan) → VerifyTransaction {RefNum, TerminalNumber}: ResultCode 0 and the original
amount; a repeated verify answers ResultCode 2 ("verified before") with the same details.
ReverseTransaction within the bank's window gives the money back. Verify needs RefNum from the
return; an unverified payment is returned by the bank after its timeout.
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

TOKEN_URL = "https://sep.shaparak.ir/onlinepg/onlinepg"
START_URL = "https://sep.shaparak.ir/OnlinePG/OnlinePG"
VERIFY_URL = "https://sep.shaparak.ir/verifyTxnRandomSessionkey/ipg/VerifyTransaction"
REVERSE_URL = "https://sep.shaparak.ir/verifyTxnRandomSessionkey/ipg/ReverseTransaction"
VERIFIED_BEFORE = 2


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


class SepGateway:
    name: ClassVar[str] = "sep"
    verifies_without_return: ClassVar[bool] = False

    def __init__(self, *, credentials: Credentials, transport: Transport) -> None:
        if not credentials.terminal_id:
            raise GatewayError("sep: terminal_id is not configured", code="config")
        self.terminal = credentials.terminal_id
        self.transport = transport

    def _post(self, url: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        return post_json(self.transport, url, payload, gateway="sep")

    def start(
        self, *, order_id: int, amount: int, callback_url: str, description: str, mobile: str
    ) -> Started:
        body = self._post(
            TOKEN_URL,
            {
                "action": "token",
                "TerminalId": self.terminal,
                "Amount": amount,
                "ResNum": str(order_id),
                "RedirectUrl": callback_url,
                "CellNumber": mobile,
            },
        )
        token = str(body.get("token") or "")
        if _int(body.get("status")) != 1 or not token:
            code = str(body.get("errorCode", ""))
            raise GatewayError(f"sep token: {code} {body.get('errorDesc', '')}", code=code)
        return Started(token, Redirect(START_URL, "POST", {"Token": token}))

    def parse_return(self, params: Mapping[str, str]) -> Returned:
        return Returned(
            ok=params.get("State", "") == "OK" and params.get("Status", "") == "2",
            order_id=params.get("ResNum", ""),
            token=params.get("Token", ""),
            reference=params.get("RefNum", ""),
            trace=params.get("TraceNo", ""),
            amount=_int(params.get("Amount")),
            card=params.get("SecurePan", ""),
            extra={k: params[k] for k in ("State", "Status", "RRN", "MID") if k in params},
        )

    def verify(
        self, *, order_id: int, token: str, amount: int, returned: Returned | None
    ) -> Verified:
        if returned is None or not returned.reference:
            return Verified(Outcome.NOT_PAID, raw={"reason": "no RefNum"})
        body = self._post(
            VERIFY_URL, {"RefNum": returned.reference, "TerminalNumber": int(self.terminal)}
        )
        result = _int(body.get("ResultCode"))
        if result is None:
            raise GatewayUnavailable("sep verify: no ResultCode", code="unreadable")
        detail = body.get("TransactionDetail") or {}
        if result in (0, VERIFIED_BEFORE) and detail:
            return Verified(
                Outcome.PAID,
                amount=_int(detail.get("OrginalAmount")),
                reference=str(detail.get("RRN", "")),
                trace=str(detail.get("StraceNo", "")),
                card=str(detail.get("MaskedPan", "")),
                raw=body,
            )
        return Verified(Outcome.NOT_PAID, raw=body)

    def settle(self, *, order_id: int, token: str, returned: Returned | None) -> None:
        """A verified SEP payment is settled by the bank."""

    def reverse(self, *, order_id: int, token: str, returned: Returned | None) -> bool:
        if returned is None or not returned.reference:
            return False
        body = self._post(
            REVERSE_URL, {"RefNum": returned.reference, "TerminalNumber": int(self.terminal)}
        )
        return _int(body.get("ResultCode")) == 0 and bool(body.get("Success", True))
