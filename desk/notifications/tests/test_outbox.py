from __future__ import annotations

import io
import tempfile
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from unittest.mock import patch

from django.db import transaction
from django.test import TestCase, override_settings

from desk.notifications.backends import ConsoleBackend, FileBackend, MemoryBackend
from desk.notifications.models import MessageStatus, OutboundMessage
from desk.notifications.services import MAX_ATTEMPTS, message_queue, messages_send_queued
from desk.notifications.tasks import send_message

TO = "+989121234567"
BODY = "درخواست شما با کد رهگیری ۱۲۳۴ ثبت شد."


class OutboxTests(TestCase):
    def setUp(self) -> None:
        super().setUp()
        MemoryBackend.clear()

    def _queued(self, body: str = BODY) -> OutboundMessage:
        """A message in the outbox whose after-commit send was never run."""
        with self.captureOnCommitCallbacks(execute=False):
            return message_queue(to=TO, body=body, kind="test", reference="REF-1")

    def _gateway_down(self) -> AbstractContextManager[Any]:
        return patch.object(MemoryBackend, "send", side_effect=ConnectionError("gateway down"))

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
                self.assertEqual(MemoryBackend.outbox, [])
            self.assertEqual(MemoryBackend.outbox, [])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(len(MemoryBackend.outbox), 1)
        self.assertEqual(MemoryBackend.outbox[0]["to"], TO)
        self.assertEqual(MemoryBackend.outbox[0]["body"], BODY)

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

    # --- the send job ----------------------------------------------------------------------------

    def test_it_marks_a_sent_message_with_the_provider_id(self) -> None:
        message = self._queued()
        send_message(message.pk)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.attempts, 1)
        self.assertIsNotNone(message.sent_at)
        self.assertEqual(message.provider_id, MemoryBackend.outbox[0]["provider_id"])
        self.assertTrue(message.provider_id)

    def test_it_sends_a_message_once_when_the_job_runs_twice(self) -> None:
        message = self._queued()
        send_message(message.pk)
        send_message(message.pk)
        messages_send_queued()
        self.assertEqual(len(MemoryBackend.outbox), 1)
        message.refresh_from_db()
        self.assertEqual(message.attempts, 1)

    def test_it_ignores_a_job_for_a_message_that_is_gone(self) -> None:
        send_message(987654)
        self.assertEqual(MemoryBackend.outbox, [])

    def test_it_keeps_a_message_queued_when_the_gateway_fails(self) -> None:
        message = self._queued()
        with self._gateway_down(), self.assertLogs("desk.notifications", "WARNING"):
            send_message(message.pk)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.QUEUED)
        self.assertEqual(message.attempts, 1)
        self.assertEqual(message.last_error, "gateway down")
        self.assertIsNone(message.sent_at)

        self.assertEqual(messages_send_queued(), 1)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.attempts, 2)
        self.assertEqual(len(MemoryBackend.outbox), 1)

    def test_it_gives_up_after_max_attempts(self) -> None:
        message = self._queued()
        with self._gateway_down(), self.assertLogs("desk.notifications", "WARNING"):
            send_message(message.pk)
            for _ in range(MAX_ATTEMPTS - 1):
                messages_send_queued()
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.FAILED)
        self.assertEqual(message.attempts, MAX_ATTEMPTS)
        self.assertEqual(message.last_error, "gateway down")

        self.assertEqual(messages_send_queued(), 0)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.FAILED)
        self.assertEqual(MemoryBackend.outbox, [])

    def test_it_sends_the_oldest_queued_messages_first(self) -> None:
        first = self._queued("اول")
        self._queued("دوم")
        self._queued("سوم")
        self.assertEqual(messages_send_queued(limit=2), 2)
        self.assertEqual([m["body"] for m in MemoryBackend.outbox], ["اول", "دوم"])
        first.refresh_from_db()
        self.assertEqual(first.status, MessageStatus.SENT)
        self.assertEqual(OutboundMessage.objects.filter(status=MessageStatus.QUEUED).count(), 1)

    # --- backends --------------------------------------------------------------------------------

    def test_it_prints_to_the_console(self) -> None:
        with patch("sys.stdout", new_callable=io.StringIO) as stdout:
            provider_id = ConsoleBackend().send(to=TO, body=BODY, message_id=42)
        printed = stdout.getvalue()
        self.assertIn(TO, printed)
        self.assertIn(BODY, printed)
        self.assertIn("#42", printed)
        self.assertEqual(provider_id, "console-42")

    def test_it_appends_one_line_per_message_to_the_file(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "not-yet" / "sms.log"
            with override_settings(SMS_FILE_PATH=str(path)):
                first = FileBackend().send(to=TO, body="سطر اول\nسطر دوم", message_id=7)
                FileBackend().send(to="+989351234567", body=BODY, message_id=8)
            lines = path.read_text(encoding="utf-8").splitlines()
        self.assertEqual(first, "file-7")
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines[0].split("\t")[1:3], ["7", TO])
        self.assertIn("سطر اول\\nسطر دوم", lines[0])
        self.assertEqual(lines[1].split("\t")[1:3], ["8", "+989351234567"])
        self.assertIn(BODY, lines[1])

    def test_it_sends_through_the_configured_file_backend(self) -> None:
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
        self.assertEqual(message.provider_id, f"file-{message.pk}")
        self.assertIn(BODY, text)
        self.assertEqual(MemoryBackend.outbox, [])
