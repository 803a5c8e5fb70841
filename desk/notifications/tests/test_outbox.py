from __future__ import annotations

import io
import tempfile
from pathlib import Path
from unittest.mock import patch

from django.core import mail
from django.db import transaction
from django.test import TestCase, override_settings

from desk.notifications.backends import ConsoleBackend, FileBackend, MemoryBackend
from desk.notifications.backends.base import Outgoing
from desk.notifications.models import Channel, MessageStatus, OutboundMessage
from desk.notifications.services import message_queue, message_send, messages_send_due
from desk.notifications.tasks import send_message
from desk.notifications.tests.helpers import TO, Clock

BODY = "درخواست شما با کد رهگیری ۱۲۳۴ ثبت شد."


class OutboxTests(TestCase):
    def setUp(self) -> None:
        super().setUp()
        MemoryBackend.clear()

    def _queued(self, body: str = BODY) -> OutboundMessage:
        """A message in the outbox whose after-commit send was never run."""
        with self.captureOnCommitCallbacks(execute=False):
            return message_queue(to=TO, body=body, kind="test", reference="REF-1")

    # --- the outbox and the transaction ------------------------------------------------------

    def test_it_writes_the_message_in_the_callers_transaction_and_sends_after_commit(
        self,
    ) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with transaction.atomic():
                message = message_queue(to=TO, body=BODY, kind="test", reference="REF-1")
                row = OutboundMessage.objects.get(pk=message.pk)
                self.assertEqual(row.status, MessageStatus.QUEUED)
                self.assertEqual(row.attempts, 0)
                self.assertEqual(row.provider, "memory")
                self.assertEqual(MemoryBackend.outbox, [])
            self.assertEqual(MemoryBackend.outbox, [])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(len(MemoryBackend.outbox), 1)
        self.assertEqual(MemoryBackend.outbox[0]["to"], TO)
        self.assertEqual(MemoryBackend.outbox[0]["body"], BODY)
        self.assertEqual(MemoryBackend.outbox[0]["local_id"], message.pk)

    def test_it_sends_nothing_when_the_transaction_rolls_back(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    message_queue(to=TO, body=BODY, kind="test")
                    raise RuntimeError("the change that caused the SMS failed")
            except RuntimeError:
                pass
        self.assertEqual(callbacks, [])
        self.assertFalse(OutboundMessage.objects.exists())
        self.assertEqual(MemoryBackend.outbox, [])

    def test_it_does_not_fail_the_committed_change_when_the_job_queue_is_down(self) -> None:
        with (
            patch("desk.notifications.tasks.send_message", side_effect=ConnectionError("redis")),
            self.assertLogs("django.test", "ERROR"),  # how the test runner reports robust callbacks
            self.captureOnCommitCallbacks(execute=True),
        ):
            message = message_queue(to=TO, body=BODY, kind="test")
        self.assertEqual(MemoryBackend.outbox, [])
        self.assertEqual(messages_send_due(), 1)  # the periodic job picks it up
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)

    # --- the send job ----------------------------------------------------------------------------

    def test_it_marks_a_sent_message_with_the_provider_id(self) -> None:
        message = self._queued()
        send_message(message.pk)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.attempts, 1)
        self.assertIsNotNone(message.sent_at)
        self.assertIsNone(message.next_attempt_at)
        self.assertIsNone(message.claimed_until)
        self.assertEqual(message.provider_id, MemoryBackend.outbox[0]["provider_id"])
        self.assertTrue(message.provider_id)

    def test_it_sends_a_message_once_when_the_job_runs_twice(self) -> None:
        message = self._queued()
        send_message(message.pk)
        send_message(message.pk)
        messages_send_due()
        self.assertEqual(len(MemoryBackend.outbox), 1)
        message.refresh_from_db()
        self.assertEqual(message.attempts, 1)

    def test_it_ignores_a_job_for_a_message_that_is_gone(self) -> None:
        self.assertFalse(message_send(message_id=987654))
        self.assertEqual(MemoryBackend.outbox, [])

    def test_it_keeps_a_message_for_a_later_attempt_when_the_gateway_fails(self) -> None:
        clock = Clock()
        with clock.patch():
            message = self._queued()
            MemoryBackend.fail("temporary", times=1)
            with self.assertLogs("desk.notifications", "WARNING"):
                send_message(message.pk)
            message.refresh_from_db()
            self.assertEqual(message.status, MessageStatus.TEMPORARY_FAILURE)
            self.assertEqual(message.attempts, 1)
            self.assertEqual(message.last_error, "[503] gateway down (503)")
            self.assertIsNone(message.sent_at)
            assert message.next_attempt_at is not None
            self.assertGreater(message.next_attempt_at, clock.now)
            self.assertTrue(message.will_retry)

            self.assertEqual(messages_send_due(), 0)  # not due yet
            clock.advance(minutes=1)
            self.assertEqual(messages_send_due(), 1)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.attempts, 2)
        self.assertEqual(message.last_error, "")
        self.assertEqual(len(MemoryBackend.outbox), 1)

    def test_it_sends_the_oldest_due_messages_first(self) -> None:
        clock = Clock()
        with clock.patch():
            first = self._queued("اول")
            clock.advance(seconds=1)
            self._queued("دوم")
            clock.advance(seconds=1)
            self._queued("سوم")
            self.assertEqual(messages_send_due(limit=2), 2)
        self.assertEqual([m["body"] for m in MemoryBackend.outbox], ["اول", "دوم"])
        first.refresh_from_db()
        self.assertEqual(first.status, MessageStatus.SENT)
        self.assertEqual(OutboundMessage.objects.filter(status=MessageStatus.QUEUED).count(), 1)

    # --- email ---------------------------------------------------------------------------------

    def test_it_sends_an_email_through_djangos_email_backend(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            message = message_queue(
                to="maryam@example.ir",
                body=BODY,
                subject="ثبت درخواست",
                kind="test",
                channel=Channel.EMAIL,
            )
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.provider, "email")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["maryam@example.ir"])
        self.assertEqual(mail.outbox[0].subject, "ثبت درخواست")
        self.assertEqual(mail.outbox[0].extra_headers["Message-ID"], message.provider_id)
        self.assertEqual(MemoryBackend.outbox, [])

    def test_it_retries_an_email_when_the_mail_server_is_down(self) -> None:
        with (
            patch("django.core.mail.EmailMessage.send", side_effect=OSError("refused")),
            self.assertLogs("desk.notifications", "WARNING"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            message = message_queue(
                to="maryam@example.ir", body=BODY, kind="test", channel=Channel.EMAIL
            )
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.TEMPORARY_FAILURE)
        self.assertTrue(message.will_retry)


class LocalBackendTests(TestCase):
    def test_it_prints_to_the_console(self) -> None:
        with patch("sys.stdout", new_callable=io.StringIO) as stdout:
            accepted = ConsoleBackend().send(Outgoing(local_id=42, to=TO, body=BODY))
        printed = stdout.getvalue()
        self.assertIn(TO, printed)
        self.assertIn(BODY, printed)
        self.assertIn("#42", printed)
        self.assertEqual(accepted.provider_id, "console-42")

    def test_it_appends_one_line_per_message_to_the_file_and_finds_it_again(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "not-yet" / "sms.log"
            with override_settings(SMS_FILE_PATH=str(path)):
                backend = FileBackend()
                self.assertIsNone(backend.lookup(Outgoing(local_id=7, to=TO, body="")))
                first = backend.send(Outgoing(local_id=7, to=TO, body="سطر اول\nسطر دوم"))
                backend.send(Outgoing(local_id=8, to="+989351234567", body=BODY))
                found = backend.lookup(Outgoing(local_id=7, to=TO, body=""))
                missing = backend.lookup(Outgoing(local_id=9, to=TO, body=""))
            lines = path.read_text(encoding="utf-8").splitlines()
        self.assertEqual(first.provider_id, "file-7")
        self.assertEqual(found, first)
        self.assertIsNone(missing)
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines[0].split("\t")[1:3], ["7", TO])
        self.assertIn("سطر اول\\nسطر دوم", lines[0])
        self.assertEqual(lines[1].split("\t")[1:3], ["8", "+989351234567"])
        self.assertIn(BODY, lines[1])

    def test_it_sends_through_the_configured_file_backend(self) -> None:
        MemoryBackend.clear()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sms.log"
            with (
                override_settings(SMS_BACKEND="file", SMS_FILE_PATH=str(path)),
                self.captureOnCommitCallbacks(execute=True),
            ):
                message = message_queue(to=TO, body=BODY, kind="test")
            text = path.read_text(encoding="utf-8")
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.provider, "file")
        self.assertEqual(message.provider_id, f"file-{message.pk}")
        self.assertIn(BODY, text)
        self.assertEqual(MemoryBackend.outbox, [])
