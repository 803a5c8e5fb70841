"""The sms.ir client against recorded answers of its v1 REST API (no network)."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from desk.notifications.backends.base import (
    DELIVERED,
    PERMANENT_FAILURE,
    SENT,
    Outgoing,
    PermanentFailure,
    Receipt,
    TemporaryFailure,
)
from desk.notifications.backends.smsir import SmsIrBackend
from desk.notifications.tests.helpers import TO, Replay, recorded, timeout

KEY = "smsir-test-key"
BODY = "درخواست ۱۲۳۴ ثبت شد."
# The live report fixture holds an older identical text (at 09:00) and ours (at 10:00:05).
CLAIMED = datetime.datetime(2025, 4, 7, 10, 0, tzinfo=datetime.UTC)


def smsir(*answers: object) -> tuple[SmsIrBackend, Replay]:
    replay = Replay(*answers)  # type: ignore[arg-type]
    return SmsIrBackend(api_key=KEY, line="30004505", transport=replay), replay


def outgoing(body: str = BODY, since: datetime.datetime | None = CLAIMED) -> Outgoing:
    return Outgoing(local_id=77, to=TO, body=body, since=since)


class SmsIrSendTests(SimpleTestCase):
    def test_it_sends_json_with_the_api_key_header(self) -> None:
        backend, replay = smsir(recorded("smsir", "send_bulk_ok"))
        accepted = backend.send(outgoing())
        self.assertEqual(accepted.provider_id, "86522023")
        self.assertEqual(accepted.state, SENT)
        self.assertEqual(replay.last.method, "POST")
        self.assertEqual(replay.last.url, "https://api.sms.ir/v1/send/bulk")
        self.assertEqual(replay.last.headers["X-API-KEY"], KEY)
        self.assertEqual(
            replay.json(),
            {
                "lineNumber": 30004505,
                "messageText": BODY,
                "mobiles": ["09121234567"],
                "sendDateTime": None,
            },
        )

    def test_it_never_retries_an_invalid_mobile(self) -> None:
        backend, _replay = smsir(recorded("smsir", "send_bulk_invalid_mobile"))
        with self.assertRaises(PermanentFailure) as caught:
            backend.send(outgoing())
        self.assertEqual(caught.exception.code, "104")

    def test_it_never_retries_a_blacklisted_number(self) -> None:
        backend, _replay = smsir(recorded("smsir", "send_bulk_blacklisted"))
        with self.assertRaises(PermanentFailure) as caught:
            backend.send(outgoing())
        self.assertEqual(caught.exception.code, "blacklist")

    def test_it_keeps_messages_for_later_when_credit_key_or_rate_is_the_problem(self) -> None:
        for fixture, code in (
            ("send_bulk_no_credit", "102"),
            ("send_bulk_bad_api_key", "10"),
            ("send_bulk_rate_limited", "20"),
        ):
            with self.subTest(fixture):
                backend, _replay = smsir(recorded("smsir", fixture))
                with self.assertRaises(TemporaryFailure) as caught:
                    backend.send(outgoing())
                self.assertEqual(caught.exception.code, code)
                self.assertFalse(caught.exception.maybe_sent)

    def test_it_marks_a_server_error_on_send_as_maybe_sent(self) -> None:
        backend, _replay = smsir(recorded("smsir", "send_bulk_server_error"))
        with self.assertRaises(TemporaryFailure) as caught:
            backend.send(outgoing())
        self.assertTrue(caught.exception.maybe_sent)

    def test_it_passes_a_timeout_on_as_maybe_sent(self) -> None:
        backend, _replay = smsir(timeout())
        with self.assertRaises(TemporaryFailure) as caught:
            backend.send(outgoing())
        self.assertTrue(caught.exception.maybe_sent)


class SmsIrLookupTests(SimpleTestCase):
    def test_it_finds_our_message_among_todays_sends_by_number_and_text(self) -> None:
        backend, replay = smsir(recorded("smsir", "send_live"))
        found = backend.lookup(outgoing())
        assert found is not None
        self.assertEqual(found.provider_id, "86522023")  # not the same text sent an hour before
        self.assertEqual(replay.last.method, "GET")
        self.assertTrue(replay.last.url.startswith("https://api.sms.ir/v1/send/live?"))
        self.assertEqual(replay.query()["sortByNewest"], "true")

    def test_it_skips_a_send_already_matched_to_another_of_our_messages(self) -> None:
        backend, _replay = smsir(recorded("smsir", "send_live"))
        early = datetime.datetime(2025, 4, 7, 8, 30, tzinfo=datetime.UTC)
        found = backend.lookup(
            Outgoing(local_id=78, to=TO, body=BODY, since=early, known_ids=frozenset({"86522023"}))
        )
        assert found is not None
        self.assertEqual(found.provider_id, "86522010")

    def test_it_reports_not_found_when_no_send_matches(self) -> None:
        backend, _replay = smsir(recorded("smsir", "send_live"))
        self.assertIsNone(backend.lookup(outgoing(body="متنی که فرستاده نشد")))
        backend, _replay = smsir(recorded("smsir", "send_live_empty"))
        self.assertIsNone(backend.lookup(outgoing()))

    def test_it_reads_a_delivery_report(self) -> None:
        backend, replay = smsir(
            recorded("smsir", "send_report_delivered"), recorded("smsir", "send_report_blacklisted")
        )
        receipts = backend.statuses(["86522023", "86522024"])
        self.assertEqual(replay.requests[0].url, "https://api.sms.ir/v1/send/86522023")
        self.assertEqual(
            receipts,
            [Receipt("86522023", DELIVERED, "1"), Receipt("86522024", PERMANENT_FAILURE, "7")],
        )

    def test_it_fetches_the_latest_received_messages(self) -> None:
        backend, replay = smsir(recorded("smsir", "receive_latest"))
        received = backend.receive()
        self.assertEqual(replay.last.url, "https://api.sms.ir/v1/receive/latest?count=100")
        self.assertEqual(len(received), 1)
        self.assertEqual(received[0].provider_message_id, "5521340")
        self.assertEqual(received[0].sender, "9121234567")
        self.assertEqual(received[0].line, "30004505")
        self.assertEqual(received[0].text, "418205736910")

    def test_it_reads_forwarded_reports_and_messages(self) -> None:
        self.assertEqual(
            SmsIrBackend.parse_receipts({"messageId": "86522023", "deliveryState": "1"}),
            [Receipt("86522023", DELIVERED, "1")],
        )
        received = SmsIrBackend.parse_inbound(
            {"messageId": "991", "mobile": "09121234567", "number": "30004505", "messageText": "x"}
        )
        self.assertEqual(received[0].provider_message_id, "991")
