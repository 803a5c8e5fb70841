"""The Kavenegar client against recorded answers of its REST API (no network)."""

from __future__ import annotations

import datetime
from unittest.mock import patch

from django.test import SimpleTestCase, TestCase, override_settings

from desk.notifications.backends.base import (
    DELIVERED,
    PERMANENT_FAILURE,
    SENT,
    TEMPORARY_FAILURE,
    Outgoing,
    PermanentFailure,
    Receipt,
    TemporaryFailure,
)
from desk.notifications.backends.kavenegar import KavenegarBackend
from desk.notifications.models import MessageStatus
from desk.notifications.services import message_queue, messages_send_due
from desk.notifications.tests.helpers import TO, Clock, Replay, recorded, timeout

KEY = "4F6B2D-TEST-KEY"
BODY = "درخواست ۱۲۳۴ ثبت شد."


def kavenegar(*answers: object) -> tuple[KavenegarBackend, Replay]:
    replay = Replay(*answers)  # type: ignore[arg-type]
    return KavenegarBackend(api_key=KEY, transport=replay), replay


def outgoing(local_id: int = 450, sender: str = "") -> Outgoing:
    return Outgoing(local_id=local_id, to=TO, body=BODY, sender=sender)


@override_settings(SMS_SENDER="30004505", SMS_INBOUND_LINES=["30004505"])
class KavenegarSendTests(SimpleTestCase):
    def test_it_posts_the_message_with_our_id_as_localid(self) -> None:
        backend, replay = kavenegar(recorded("kavenegar", "send_ok"))
        accepted = backend.send(outgoing(local_id=450))
        self.assertEqual(accepted.provider_id, "8792343")
        self.assertEqual(accepted.state, SENT)
        self.assertEqual(replay.last.method, "POST")
        self.assertEqual(replay.last.url, f"https://api.kavenegar.com/v1/{KEY}/sms/send.json")
        self.assertEqual(
            replay.form(),
            {"receptor": "09121234567", "message": BODY, "localid": "450", "sender": "30004505"},
        )

    def test_it_sends_from_the_agencys_line_when_given(self) -> None:
        backend, replay = kavenegar(recorded("kavenegar", "send_ok"))
        backend.send(outgoing(sender="30001234"))
        self.assertEqual(replay.form()["sender"], "30001234")

    def test_it_keeps_a_message_for_later_when_the_account_is_out_of_credit(self) -> None:
        backend, _replay = kavenegar(recorded("kavenegar", "send_no_credit"))
        with self.assertRaises(TemporaryFailure) as caught:
            backend.send(outgoing())
        self.assertEqual(caught.exception.code, "418")
        self.assertFalse(caught.exception.maybe_sent)
        self.assertIn("اعتبار", str(caught.exception))

    def test_it_treats_a_bad_api_key_as_an_operations_problem_not_the_messages(self) -> None:
        backend, _replay = kavenegar(recorded("kavenegar", "send_bad_api_key"))
        with self.assertRaises(TemporaryFailure) as caught:
            backend.send(outgoing())
        self.assertEqual(caught.exception.code, "403")

    def test_it_never_retries_an_invalid_receptor(self) -> None:
        backend, _replay = kavenegar(recorded("kavenegar", "send_invalid_receptor"))
        with self.assertRaises(PermanentFailure) as caught:
            backend.send(outgoing())
        self.assertEqual(caught.exception.code, "411")
        self.assertTrue(caught.exception.permanent)

    def test_it_marks_an_unreadable_answer_to_a_send_as_maybe_sent(self) -> None:
        backend, _replay = kavenegar(recorded("kavenegar", "send_bad_gateway"))
        with self.assertRaises(TemporaryFailure) as caught:
            backend.send(outgoing())
        self.assertTrue(caught.exception.maybe_sent)
        self.assertEqual(caught.exception.code, "http502")

    def test_it_passes_a_timeout_on_as_maybe_sent(self) -> None:
        backend, _replay = kavenegar(timeout())
        with self.assertRaises(TemporaryFailure) as caught:
            backend.send(outgoing())
        self.assertTrue(caught.exception.maybe_sent)


@override_settings(SMS_SENDER="30004505", SMS_INBOUND_LINES=["30004505"])
class KavenegarLookupAndStatusTests(SimpleTestCase):
    def test_it_finds_a_message_by_our_local_id(self) -> None:
        backend, replay = kavenegar(recorded("kavenegar", "statuslocalmessageid_found"))
        found = backend.lookup(outgoing(local_id=450))
        assert found is not None
        self.assertEqual(found.provider_id, "8792343")
        self.assertEqual(found.state, SENT)
        self.assertEqual(replay.last.method, "GET")
        self.assertIn("/sms/statuslocalmessageid.json?", replay.last.url)
        self.assertEqual(replay.query(), {"localid": "450"})

    def test_it_reports_a_local_id_it_never_received_as_not_found(self) -> None:
        backend, _replay = kavenegar(recorded("kavenegar", "statuslocalmessageid_unknown"))
        self.assertIsNone(backend.lookup(outgoing()))

    def test_it_says_how_long_it_can_still_be_asked(self) -> None:
        self.assertEqual(KavenegarBackend.lookup_horizon, datetime.timedelta(hours=12))

    def test_it_maps_delivery_statuses_and_skips_unknown_ids(self) -> None:
        backend, replay = kavenegar(recorded("kavenegar", "status"))
        receipts = backend.statuses(["8792343", "8792344", "8792345", "8792346"])
        self.assertEqual(replay.query(), {"messageid": "8792343,8792344,8792345,8792346"})
        self.assertEqual(
            receipts,
            [
                Receipt("8792343", DELIVERED, "10"),
                Receipt("8792344", TEMPORARY_FAILURE, "11"),
                Receipt("8792345", PERMANENT_FAILURE, "14"),
            ],
        )

    def test_it_fetches_unread_inbound_messages_of_each_line(self) -> None:
        backend, replay = kavenegar(recorded("kavenegar", "receive"))
        received = backend.receive()
        self.assertEqual(replay.query(), {"linenumber": "30004505", "isread": "0"})
        self.assertEqual(len(received), 2)
        first = received[0]
        self.assertEqual(first.provider_message_id, "35850015")
        self.assertEqual(first.sender, "09121234567")
        self.assertEqual(first.line, "30004505")
        self.assertEqual(first.text, "پیگیری ۴۱۸۲-۰۵۷۳-۶۹۱۰")
        self.assertEqual(first.received_at, datetime.datetime(2025, 4, 7, 10, tzinfo=datetime.UTC))


class KavenegarCallbackTests(SimpleTestCase):
    def test_it_reads_a_delivery_callback(self) -> None:
        receipts = KavenegarBackend.parse_receipts({"messageid": "8792343", "status": "10"})
        self.assertEqual(receipts, [Receipt("8792343", DELIVERED, "10")])

    def test_it_ignores_a_callback_it_cannot_read(self) -> None:
        self.assertEqual(KavenegarBackend.parse_receipts({"messageid": "x", "status": "10"}), [])
        self.assertEqual(KavenegarBackend.parse_receipts({"messageid": "1", "status": "100"}), [])

    def test_it_reads_a_received_message_callback(self) -> None:
        received = KavenegarBackend.parse_inbound(
            {"messageid": "35850017", "from": "09121234567", "to": "30004505", "message": "۱۲۳"}
        )
        self.assertEqual(len(received), 1)
        self.assertEqual(received[0].sender, "09121234567")
        self.assertEqual(received[0].line, "30004505")
        self.assertEqual(received[0].text, "۱۲۳")


@override_settings(SMS_BACKEND="kavenegar", SMS_SENDER="30004505")
class KavenegarOutboxTests(TestCase):
    """The outbox and the real client together, on recorded answers (never the network)."""

    def kavenegar(self, *answers: object) -> Replay:
        replay = Replay(*answers)  # type: ignore[arg-type]
        backend = KavenegarBackend(api_key=KEY, transport=replay)
        patcher = patch("desk.notifications.backends.get_backend", return_value=backend)
        patcher.start()
        self.addCleanup(patcher.stop)
        return replay

    def test_after_a_timeout_it_finds_the_message_by_localid_instead_of_resending(self) -> None:
        replay = self.kavenegar(timeout(), recorded("kavenegar", "statuslocalmessageid_found"))
        clock = Clock()
        with clock.patch(), self.assertLogs("desk.notifications", "INFO"):
            with self.captureOnCommitCallbacks(execute=True):
                message = message_queue(to=TO, body=BODY, kind="test")
            clock.advance(minutes=1)
            messages_send_due()
        self.assertEqual(
            [r.url.split("/sms/")[1].split("?")[0] for r in replay.requests],
            ["send.json", "statuslocalmessageid.json"],
        )
        self.assertEqual(replay.query(), {"localid": str(message.pk)})
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual((message.provider, message.provider_id), ("kavenegar", "8792343"))

    def test_after_a_timeout_it_sends_once_what_kavenegar_never_received(self) -> None:
        replay = self.kavenegar(
            timeout(),
            recorded("kavenegar", "statuslocalmessageid_unknown"),
            recorded("kavenegar", "send_ok"),
        )
        clock = Clock()
        with clock.patch(), self.assertLogs("desk.notifications", "WARNING"):
            with self.captureOnCommitCallbacks(execute=True):
                message = message_queue(to=TO, body=BODY, kind="test")
            clock.advance(minutes=1)
            messages_send_due()
        self.assertEqual(len(replay.requests), 3)
        self.assertEqual(replay.form(0)["localid"], replay.form(2)["localid"])
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.attempts, 2)

    def test_an_invalid_receptor_is_a_permanent_failure_of_the_message(self) -> None:
        self.kavenegar(recorded("kavenegar", "send_invalid_receptor"))
        with (
            self.assertLogs("desk.notifications", "WARNING"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            message = message_queue(to=TO, body=BODY, kind="test")
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.PERMANENT_FAILURE)
        self.assertIn("گیرنده نامعتبر", message.last_error)
