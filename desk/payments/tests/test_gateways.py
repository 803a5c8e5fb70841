"""The real gateway clients against recorded answers: what each sends, and how each answer
(paid, paid before, refused, unreadable, down) is read."""

from __future__ import annotations

import json

from django.test import SimpleTestCase

from desk.notifications.backends.base import HttpRequest, HttpResponse, TemporaryFailure
from desk.payments.gateways.base import (
    Credentials,
    GatewayError,
    GatewayUnavailable,
    Outcome,
    Returned,
)
from desk.payments.gateways.mellat import MellatGateway
from desk.payments.gateways.sep import SepGateway
from desk.payments.gateways.zarinpal import ZarinpalGateway


class Recorded:
    """A transport that answers from a list of recorded responses and keeps the requests."""

    def __init__(self, *answers: HttpResponse | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def sent_json(self, index: int = -1) -> dict[str, object]:
        body = self.requests[index].body
        assert body is not None
        return json.loads(body)


def ok(payload: object) -> HttpResponse:
    return HttpResponse(200, json.dumps(payload).encode())


def soap(value: str) -> HttpResponse:
    return HttpResponse(
        200,
        (
            '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/'
            'envelope/"><soap:Body><ns2:r xmlns:ns2="http://interfaces.core.sw.bps.com/">'
            f"<return>{value}</return></ns2:r></soap:Body></soap:Envelope>"
        ).encode(),
    )


ZARINPAL = Credentials(merchant_id="1344b5d4-0048-11e8-94db-005056a205be")


class ZarinpalTests(SimpleTestCase):
    def test_it_starts_in_rials_and_sends_the_citizen_to_startpay(self) -> None:
        transport = Recorded(
            ok(
                {
                    "data": {
                        "code": 100,
                        "message": "Success",
                        "authority": "A0000000000000000000000000000wwOGYpd",
                        "fee_type": "Merchant",
                        "fee": 100,
                    },
                    "errors": [],
                }
            )
        )
        gateway = ZarinpalGateway(credentials=ZARINPAL, transport=transport)
        started = gateway.start(
            order_id=123,
            amount=1_200_000,
            callback_url="https://d/cb",
            description="x",
            mobile="09121234567",
        )
        self.assertEqual(started.token, "A0000000000000000000000000000wwOGYpd")
        self.assertEqual(
            started.redirect.url,
            "https://payment.zarinpal.com/pg/StartPay/A0000000000000000000000000000wwOGYpd",
        )
        sent = transport.sent_json()
        self.assertEqual(sent["amount"], 1_200_000)
        self.assertEqual(sent["currency"], "IRR")
        self.assertEqual(sent["merchant_id"], ZARINPAL.merchant_id)
        self.assertTrue(transport.requests[0].url.endswith("/pg/v4/payment/request.json"))

    def test_a_refused_start_is_an_error(self) -> None:
        transport = Recorded(
            ok(
                {
                    "data": [],
                    "errors": {
                        "code": -9,
                        "message": "The input params invalid, validation error.",
                        "validations": [],
                    },
                }
            )
        )
        gateway = ZarinpalGateway(credentials=ZARINPAL, transport=transport)
        with self.assertRaises(GatewayError) as caught:
            gateway.start(order_id=1, amount=1, callback_url="u", description="", mobile="")
        self.assertEqual(caught.exception.code, "-9")

    def test_verify_reads_paid_now_paid_before_and_not_paid(self) -> None:
        paid = {
            "data": {
                "code": 100,
                "message": "Verified",
                "card_hash": "1EBE3EBEBE35C7EC0F8D6EE4F2F859107A87822CA179BC9528767EA7B5489B69",
                "card_pan": "502229******5995",
                "ref_id": 201,
                "fee_type": "Merchant",
                "fee": 0,
            },
            "errors": [],
        }
        before = {
            "data": {
                "code": 101,
                "message": "Verified",
                "card_pan": "502229******5995",
                "ref_id": 201,
            },
            "errors": [],
        }
        refused = {
            "data": [],
            "errors": {
                "code": -51,
                "message": "Session is not valid, session is not active paid try.",
                "validations": [],
            },
        }
        gateway = ZarinpalGateway(
            credentials=ZARINPAL, transport=Recorded(ok(paid), ok(before), ok(refused))
        )
        first = gateway.verify(order_id=1, token="A1", amount=1_200_000, returned=None)
        self.assertEqual(
            (first.outcome, first.reference, first.amount), (Outcome.PAID, "201", 1_200_000)
        )
        self.assertEqual(first.card, "502229******5995")
        second = gateway.verify(order_id=1, token="A1", amount=1_200_000, returned=None)
        self.assertEqual(second.outcome, Outcome.PAID)
        third = gateway.verify(order_id=1, token="A1", amount=1_200_000, returned=None)
        self.assertEqual(third.outcome, Outcome.NOT_PAID)

    def test_a_timeout_or_a_5xx_or_an_html_page_is_unavailable_not_unpaid(self) -> None:
        for answer in (
            TemporaryFailure("timeout", code="timeout", maybe_sent=True),
            HttpResponse(502, b"<html>Bad gateway</html>"),
            HttpResponse(200, b"<html>maintenance</html>"),
        ):
            gateway = ZarinpalGateway(credentials=ZARINPAL, transport=Recorded(answer))
            with self.assertRaises(GatewayUnavailable):
                gateway.verify(order_id=1, token="A1", amount=10, returned=None)

    def test_the_return_is_read_from_authority_and_status(self) -> None:
        gateway = ZarinpalGateway(credentials=ZARINPAL, transport=Recorded())
        back = gateway.parse_return({"Authority": "A1", "Status": "NOK"})
        self.assertEqual((back.token, back.ok), ("A1", False))

    def test_it_refuses_to_run_without_a_merchant_id(self) -> None:
        with self.assertRaises(GatewayError):
            ZarinpalGateway(credentials=Credentials(), transport=Recorded())


MELLAT = Credentials(terminal_id="5011", username="desk", password="secret&<pass>")


class MellatTests(SimpleTestCase):
    def _returned(self, gateway: MellatGateway) -> Returned:
        return gateway.parse_return(
            {
                "RefId": "AF82041a2Bf6989c7fF9",
                "ResCode": "0",
                "SaleOrderId": "123",
                "SaleReferenceId": "156012345678",
                "CardHolderPan": "603799******1234",
                "FinalAmount": "1200000",
            }
        )

    def test_it_asks_for_a_refid_and_has_the_browser_post_it(self) -> None:
        transport = Recorded(soap("0,AF82041a2Bf6989c7fF9"))
        gateway = MellatGateway(credentials=MELLAT, transport=transport)
        started = gateway.start(
            order_id=123,
            amount=1_200_000,
            callback_url="https://d/cb",
            description="x",
            mobile="989121234567",
        )
        self.assertEqual(started.token, "AF82041a2Bf6989c7fF9")
        self.assertEqual(started.redirect.method, "POST")
        self.assertEqual(started.redirect.fields["RefId"], "AF82041a2Bf6989c7fF9")
        body = (transport.requests[0].body or b"").decode()
        self.assertIn("<ns1:bpPayRequest>", body)
        self.assertIn("<orderId>123</orderId>", body)
        self.assertIn("<amount>1200000</amount>", body)
        self.assertIn("<userPassword>secret&amp;&lt;pass&gt;</userPassword>", body)

    def test_a_refused_pay_request_is_an_error_with_its_code(self) -> None:
        gateway = MellatGateway(credentials=MELLAT, transport=Recorded(soap("21")))
        with self.assertRaises(GatewayError) as caught:
            gateway.start(order_id=1, amount=1, callback_url="u", description="", mobile="")
        self.assertEqual(caught.exception.code, "21")

    def test_verify_then_settle_and_their_before_codes(self) -> None:
        transport = Recorded(soap("0"), soap("0"), soap("43"), soap("45"))
        gateway = MellatGateway(credentials=MELLAT, transport=transport)
        returned = self._returned(gateway)
        verified = gateway.verify(order_id=123, token="x", amount=1_200_000, returned=returned)
        self.assertEqual(
            (verified.outcome, verified.reference, verified.amount),
            (Outcome.PAID, "156012345678", 1_200_000),
        )
        gateway.settle(order_id=123, token="x", returned=returned)
        again = gateway.verify(order_id=123, token="x", amount=1_200_000, returned=returned)
        self.assertEqual(again.outcome, Outcome.PAID)
        gateway.settle(order_id=123, token="x", returned=returned)
        bodies = [(r.body or b"").decode() for r in transport.requests]
        self.assertIn("bpVerifyRequest", bodies[0])
        self.assertIn("<saleReferenceId>156012345678</saleReferenceId>", bodies[0])
        self.assertIn("bpSettleRequest", bodies[1])

    def test_a_refused_verify_is_not_paid_and_without_a_sale_reference_nothing_is_asked(
        self,
    ) -> None:
        transport = Recorded(soap("414"))
        gateway = MellatGateway(credentials=MELLAT, transport=transport)
        self.assertEqual(
            gateway.verify(
                order_id=123, token="x", amount=1, returned=self._returned(gateway)
            ).outcome,
            Outcome.NOT_PAID,
        )
        self.assertEqual(
            gateway.verify(order_id=123, token="x", amount=1, returned=None).outcome,
            Outcome.NOT_PAID,
        )
        self.assertEqual(len(transport.requests), 1)

    def test_reversal_and_an_unreadable_answer(self) -> None:
        gateway = MellatGateway(
            credentials=MELLAT, transport=Recorded(soap("0"), HttpResponse(200, b"oops"))
        )
        self.assertTrue(gateway.reverse(order_id=123, token="x", returned=self._returned(gateway)))
        with self.assertRaises(GatewayUnavailable):
            gateway.verify(order_id=123, token="x", amount=1, returned=self._returned(gateway))

    def test_a_cancelled_return_is_not_ok(self) -> None:
        gateway = MellatGateway(credentials=MELLAT, transport=Recorded())
        self.assertFalse(
            gateway.parse_return({"RefId": "A", "ResCode": "17", "SaleOrderId": "1"}).ok
        )


SEP = Credentials(terminal_id="21280000")
SEP_PAID = {
    "TransactionDetail": {
        "RRN": "14226761817",
        "RefNum": "50",
        "MaskedPan": "621986****8080",
        "HashedPan": "b2d7...",
        "TerminalNumber": 21280000,
        "OrginalAmount": 1200000,
        "AffectiveAmount": 1200000,
        "StraceDate": "2026-11-30 14:08:35",
        "StraceNo": "100428",
    },
    "ResultCode": 0,
    "ResultDescription": "عملیات با موفقیت انجام شد",
    "Success": True,
}


class SepTests(SimpleTestCase):
    def _returned(self, gateway: SepGateway) -> Returned:
        return gateway.parse_return(
            {
                "MID": "21280000",
                "State": "OK",
                "Status": "2",
                "RRN": "14226761817",
                "RefNum": "50",
                "ResNum": "123",
                "TraceNo": "100428",
                "Amount": "1200000",
                "SecurePan": "621986****8080",
                "Token": "tok",
            }
        )

    def test_it_gets_a_token_and_has_the_browser_post_it(self) -> None:
        transport = Recorded(ok({"status": 1, "token": "2c3c1fefac5a48a7a4b3f2fe3b2b6f3c"}))
        gateway = SepGateway(credentials=SEP, transport=transport)
        started = gateway.start(
            order_id=123,
            amount=1_200_000,
            callback_url="https://d/cb",
            description="",
            mobile="09121234567",
        )
        self.assertEqual(started.redirect.fields, {"Token": "2c3c1fefac5a48a7a4b3f2fe3b2b6f3c"})
        sent = transport.sent_json()
        self.assertEqual(
            (sent["action"], sent["ResNum"], sent["Amount"]), ("token", "123", 1_200_000)
        )

    def test_a_refused_token_is_an_error(self) -> None:
        gateway = SepGateway(
            credentials=SEP,
            transport=Recorded(
                ok(
                    {
                        "status": -1,
                        "errorCode": "5",
                        "errorDesc": "پارامترهای ارسال شده نامعتبر است",
                    }
                )
            ),
        )
        with self.assertRaises(GatewayError) as caught:
            gateway.start(order_id=1, amount=1, callback_url="u", description="", mobile="")
        self.assertEqual(caught.exception.code, "5")

    def test_verify_returns_the_original_amount_and_rrn(self) -> None:
        before = dict(SEP_PAID, ResultCode=2, ResultDescription="درخواست تکراری است")
        gateway = SepGateway(
            credentials=SEP,
            transport=Recorded(ok(SEP_PAID), ok(before), ok({"ResultCode": -2, "Success": False})),
        )
        returned = self._returned(gateway)
        verified = gateway.verify(order_id=123, token="tok", amount=1_200_000, returned=returned)
        self.assertEqual(
            (verified.outcome, verified.amount, verified.reference, verified.trace),
            (Outcome.PAID, 1_200_000, "14226761817", "100428"),
        )
        self.assertEqual(
            gateway.verify(order_id=123, token="tok", amount=1, returned=returned).outcome,
            Outcome.PAID,
        )
        self.assertEqual(
            gateway.verify(order_id=123, token="tok", amount=1, returned=returned).outcome,
            Outcome.NOT_PAID,
        )

    def test_a_failed_state_is_not_ok_and_is_never_verified(self) -> None:
        gateway = SepGateway(credentials=SEP, transport=Recorded())
        back = gateway.parse_return({"State": "CanceledByUser", "Status": "1", "ResNum": "123"})
        self.assertFalse(back.ok)
