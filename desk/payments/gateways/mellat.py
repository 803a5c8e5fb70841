"""Behpardakht Mellat, the SOAP service of bpm.shaparak.ir (PaymentGatewayImplService).

bpPayRequest → "0,<RefId>" → the citizen's browser POSTs RefId to startpay.mellat → back at our
callback (POST: RefId, ResCode, SaleOrderId, SaleReferenceId, CardHolderPan, FinalAmount) →
bpVerifyRequest ("0": verified; "43": verified before) → bpSettleRequest ("0"; "45": settled
before). A payment not verified in time is reversed by the bank itself; bpReversalRequest gives
it back at once. Verify needs the SaleReferenceId from the return: a citizen who closed the tab
is never settled here, and the bank returns the money.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import ClassVar
from xml.sax.saxutils import escape

from django.utils import timezone

from desk.lib.persian import is_ascii_number
from desk.payments.gateways.base import (
    Credentials,
    GatewayError,
    GatewayUnavailable,
    HttpRequest,
    Outcome,
    Redirect,
    Returned,
    Started,
    Transport,
    Verified,
    call,
)

SERVICE_URL = "https://bpm.shaparak.ir/pgwchannel/services/pgw"
START_URL = "https://bpm.shaparak.ir/pgwchannel/startpay.mellat"
NAMESPACE = "http://interfaces.core.sw.bps.com/"
VERIFIED_BEFORE = "43"
SETTLED_BEFORE = "45"
_RETURN = re.compile(r"<return>([^<]*)</return>")


def _envelope(method: str, fields: Mapping[str, object]) -> bytes:
    body = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in fields.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
        f' xmlns:ns1="{NAMESPACE}"><soapenv:Body>'
        f"<ns1:{method}>{body}</ns1:{method}></soapenv:Body></soapenv:Envelope>"
    ).encode()


class MellatGateway:
    name: ClassVar[str] = "mellat"
    verifies_without_return: ClassVar[bool] = False

    def __init__(
        self,
        *,
        credentials: Credentials,
        transport: Transport,
        service_url: str = SERVICE_URL,
        start_url: str = START_URL,
    ) -> None:
        if not (credentials.terminal_id and credentials.username and credentials.password):
            raise GatewayError(
                "mellat: terminal, username and password are required", code="config"
            )
        self.credentials = credentials
        self.transport = transport
        self.service_url = service_url
        self.start_url = start_url

    def _auth(self) -> dict[str, object]:
        return {
            "terminalId": self.credentials.terminal_id,
            "userName": self.credentials.username,
            "userPassword": self.credentials.password,
        }

    def _soap(self, method: str, fields: Mapping[str, object]) -> str:
        response = call(
            self.transport,
            HttpRequest(
                "POST",
                self.service_url,
                {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": ""},
                _envelope(method, {**self._auth(), **fields}),
            ),
        )
        match = _RETURN.search(response.body.decode("utf-8", "replace"))
        if match is None:
            raise GatewayUnavailable(f"mellat {method}: no <return>", code="unreadable")
        return match.group(1).strip()

    def start(
        self, *, order_id: int, amount: int, callback_url: str, description: str, mobile: str
    ) -> Started:
        now = timezone.localtime(timezone.now(), datetime.UTC)
        answer = self._soap(
            "bpPayRequest",
            {
                "orderId": order_id,
                "amount": amount,
                "localDate": now.strftime("%Y%m%d"),
                "localTime": now.strftime("%H%M%S"),
                "additionalData": description[:100],
                "callBackUrl": callback_url,
                "payerId": 0,
            },
        )
        code, _, ref_id = answer.partition(",")
        if code != "0" or not ref_id:
            raise GatewayError(f"mellat bpPayRequest: {answer}", code=code)
        fields = {"RefId": ref_id}
        if mobile:
            fields["MobileNo"] = mobile
        return Started(ref_id, Redirect(self.start_url, "POST", fields))

    def parse_return(self, params: Mapping[str, str]) -> Returned:
        amount = params.get("FinalAmount", "")
        return Returned(
            ok=params.get("ResCode", "") == "0",
            order_id=params.get("SaleOrderId", ""),
            token=params.get("RefId", ""),
            reference=params.get("SaleReferenceId", ""),
            amount=int(amount) if is_ascii_number(amount) else None,
            card=params.get("CardHolderPan", ""),
            extra={k: v for k, v in params.items() if k not in ("CardHolderInfo",)},
        )

    def _sale(self, order_id: int, returned: Returned | None) -> dict[str, object] | None:
        if returned is None or not returned.reference:
            return None
        return {
            "orderId": order_id,
            "saleOrderId": order_id,
            "saleReferenceId": returned.reference,
        }

    def verify(
        self, *, order_id: int, token: str, amount: int, returned: Returned | None
    ) -> Verified:
        sale = self._sale(order_id, returned)
        if sale is None:
            return Verified(Outcome.NOT_PAID, raw={"reason": "no sale reference"})
        answer = self._soap("bpVerifyRequest", sale)
        if answer in ("0", VERIFIED_BEFORE):
            assert returned is not None
            return Verified(
                Outcome.PAID,
                # Mellat's verify does not repeat the amount; the return's FinalAmount is
                # checked against ours by the caller, and the order id ties it to our amount.
                amount=returned.amount if returned.amount is not None else amount,
                reference=returned.reference,
                card=returned.card,
                raw={"verify": answer},
            )
        return Verified(Outcome.NOT_PAID, raw={"verify": answer})

    def settle(self, *, order_id: int, token: str, returned: Returned | None) -> None:
        sale = self._sale(order_id, returned)
        if sale is None:
            raise GatewayError("mellat settle: no sale reference", code="reference")
        answer = self._soap("bpSettleRequest", sale)
        if answer not in ("0", SETTLED_BEFORE):
            raise GatewayError(f"mellat bpSettleRequest: {answer}", code=answer)

    def reverse(self, *, order_id: int, token: str, returned: Returned | None) -> bool:
        sale = self._sale(order_id, returned)
        if sale is None:
            return False
        return self._soap("bpReversalRequest", sale) == "0"
