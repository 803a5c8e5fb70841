"""No message lost, none sent twice: outages, dead workers, permanent failures, retry windows.

The fake gateway (MemoryBackend) records every message it "sent" with our id, so "none twice"
is checked on what reached the provider, not on our own bookkeeping.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from typing import Any
from unittest import skipUnless
from unittest.mock import patch

from django.conf import settings
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings

from desk.core.errors import ApplicationError
from desk.notifications.backends import MemoryBackend
from desk.notifications.models import MessageStatus, OutboundMessage
from desk.notifications.services import message_queue, message_retry, messages_send_due, outbox
from desk.notifications.tests.helpers import TO, Clock
from desk.test import serial


class WorkerKilled(BaseException):
    """What `kill -9` looks like from inside: nothing after it runs, no except clause sees it."""


def sent_ids() -> Counter[int]:
    return Counter(m["local_id"] for m in MemoryBackend.outbox)


class OutboxTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        MemoryBackend.clear()
        self.clock = Clock()
        patcher = self.clock.patch()
        patcher.start()
        self.addCleanup(patcher.stop)

    def queue(self, count: int = 1, **extra: Any) -> list[OutboundMessage]:
        with self.captureOnCommitCallbacks(execute=True):
            return [
                message_queue(to=TO, body=f"پیام {i}", kind="test", **extra) for i in range(count)
            ]

    def run_workers(self, *, minutes: int, step: float = 1) -> None:
        """The periodic job, once every `step` minutes of the test clock."""
        for _ in range(int(minutes / step)):
            self.clock.advance(minutes=step)
            messages_send_due()

    def assert_each_delivered_once(self, messages: list[OutboundMessage]) -> None:
        ids = sent_ids()
        self.assertEqual(set(ids), {m.pk for m in messages})
        self.assertEqual(max(ids.values()), 1, "a message reached the provider twice")
        statuses = set(
            OutboundMessage.objects.filter(pk__in=[m.pk for m in messages]).values_list(
                "status", flat=True
            )
        )
        self.assertEqual(statuses, {MessageStatus.SENT})


class GatewayOutageTests(OutboxTestCase):
    def test_it_delivers_every_message_once_after_the_gateway_was_down_for_a_while(self) -> None:
        # temporary: errors; timeout: no answer, nothing arrived; lost_reply: it arrived but
        # the answer did not (the case that would double a message sent again blindly).
        for mode in ("temporary", "timeout", "lost_reply"):
            with self.subTest(mode=mode):
                MemoryBackend.clear()
                MemoryBackend.fail(mode)
                with self.assertLogs("desk.notifications", "WARNING"):
                    messages = self.queue(30)
                    self.run_workers(minutes=90)
                    if mode != "lost_reply":
                        self.assertEqual(MemoryBackend.outbox, [])
                        self.assertEqual(
                            OutboundMessage.objects.filter(
                                pk__in=[m.pk for m in messages],
                                status=MessageStatus.TEMPORARY_FAILURE,
                                next_attempt_at__isnull=False,
                            ).count(),
                            30,
                        )
                    MemoryBackend.recover()
                    self.run_workers(minutes=60)
                self.assert_each_delivered_once(messages)

    def test_it_asks_the_provider_before_sending_again_after_a_timeout(self) -> None:
        MemoryBackend.fail("lost_reply", times=1)
        with self.assertLogs("desk.notifications", "INFO"):
            [message] = self.queue()
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.TEMPORARY_FAILURE)
        self.assertTrue(message.in_doubt)
        self.assertEqual(message.last_error, "[timeout] timeout")
        with self.assertLogs("desk.notifications", "INFO"):
            self.run_workers(minutes=2)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.provider_id, MemoryBackend.outbox[0]["provider_id"])
        self.assertFalse(message.in_doubt)
        self.assertEqual(MemoryBackend.calls, {"send": 1, "lookup": 1})

    def test_it_backs_off_exponentially_with_jitter_while_the_gateway_stays_down(self) -> None:
        MemoryBackend.fail("temporary")
        with self.assertLogs("desk.notifications", "WARNING"):
            first, second = self.queue(2)
            waits: list[float] = []
            for _ in range(6):
                first.refresh_from_db()
                assert first.next_attempt_at is not None
                waits.append((first.next_attempt_at - self.clock.now).total_seconds())
                self.clock.now = max(first.next_attempt_at, self.clock.now)
                messages_send_due()
        base = settings.SMS_RETRY_BASE_SECONDS
        for attempt, wait in enumerate(waits, start=1):
            delay = min(base * 2 ** (attempt - 1), settings.SMS_RETRY_MAX_SECONDS)
            self.assertGreaterEqual(wait, delay / 2 - 1, f"attempt {attempt}")
            self.assertLessEqual(wait, delay + 1, f"attempt {attempt}")
        second.refresh_from_db()
        first.refresh_from_db()
        # Two messages that failed together do not come back at the same instant.
        self.assertNotEqual(first.next_attempt_at, second.next_attempt_at)


class DeadWorkerTests(OutboxTestCase):
    def test_it_neither_loses_nor_doubles_a_message_whose_worker_died_before_sending(
        self,
    ) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            message = message_queue(to=TO, body="پیام", kind="test")
        with (
            patch.object(outbox, "_deliver", side_effect=WorkerKilled),
            self.assertRaises(WorkerKilled),
        ):
            messages_send_due()  # claimed, then killed
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENDING)

        self.assertEqual(messages_send_due(), 0, "a live lease is nobody else's to take")
        self.clock.advance(seconds=settings.SMS_LEASE_SECONDS + 1)
        self.assertEqual(messages_send_due(), 1)
        self.assert_each_delivered_once([message])
        self.assertEqual(MemoryBackend.calls, {"send": 1, "lookup": 1})

    def test_a_sign_in_code_whose_worker_died_is_sent_again_before_it_expires(self) -> None:
        expires = self.clock.now + datetime.timedelta(seconds=settings.OTP_TTL_SECONDS)
        with self.captureOnCommitCallbacks(execute=False):
            code = message_queue(to=TO, body="کد ورود", kind="otp", urgent=True, expires_at=expires)
            other = message_queue(to=TO, body="پیام", kind="test")
        with (
            patch.object(outbox, "_deliver", side_effect=WorkerKilled),
            self.assertRaises(WorkerKilled),
        ):
            messages_send_due()  # both claimed, then killed
        code.refresh_from_db()
        other.refresh_from_db()
        assert code.claimed_until is not None and other.claimed_until is not None
        self.assertLess(code.claimed_until, expires)
        self.assertLess(code.claimed_until, other.claimed_until)

        self.run_workers(minutes=1)  # the minutely job

        self.assertLess(self.clock.now, expires)
        self.assertEqual(sent_ids(), {code.pk: 1})
        code.refresh_from_db()
        self.assertEqual(code.status, MessageStatus.SENT)

    def test_it_neither_loses_nor_doubles_a_message_whose_worker_died_after_sending(
        self,
    ) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            message = message_queue(to=TO, body="پیام", kind="test")
        real_send = MemoryBackend.send

        def send_then_die(backend: MemoryBackend, outgoing: Any) -> Any:
            real_send(backend, outgoing)
            raise WorkerKilled

        with (
            patch.object(MemoryBackend, "send", send_then_die),
            self.assertRaises(WorkerKilled),
        ):
            messages_send_due()
        self.clock.advance(seconds=settings.SMS_LEASE_SECONDS + 1)
        with self.assertLogs("desk.notifications", "INFO") as logs:
            self.assertEqual(messages_send_due(), 1)
        self.assertIn("found at memory after an unanswered send", logs.output[0])
        self.assert_each_delivered_once([message])
        message.refresh_from_db()
        self.assertEqual(message.provider_id, MemoryBackend.outbox[0]["provider_id"])

    def test_a_worker_that_lost_its_lease_changes_nothing(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            message = message_queue(to=TO, body="پیام", kind="test")
        [stale] = outbox._claim(now=self.clock.now, limit=1)  # worker A, then it hangs
        self.clock.advance(seconds=settings.SMS_LEASE_SECONDS + 1)
        messages_send_due()  # worker B takes over and sends
        with self.assertLogs("desk.notifications", "WARNING") as logs:
            outbox._deliver(stale)  # A wakes up
        self.assertIn("claim was lost", logs.output[0])
        self.assert_each_delivered_once([message])

    def test_it_hands_back_the_rest_of_a_batch_whose_lease_runs_out(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            first = message_queue(to=TO, body="اول", kind="test")
            second = message_queue(to=TO, body="دوم", kind="test")
        real_send = MemoryBackend.send

        def slow_send(backend: MemoryBackend, outgoing: Any) -> Any:
            self.clock.advance(seconds=settings.SMS_LEASE_SECONDS - 1)  # a very slow gateway
            return real_send(backend, outgoing)

        with patch.object(MemoryBackend, "send", slow_send):
            messages_send_due()
        # The second was handed back (not sent on an expired lease), then claimed and sent.
        self.assert_each_delivered_once([first, second])
        self.assertEqual(MemoryBackend.calls["lookup"], 0)

    def test_two_claims_never_take_the_same_message(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            messages = [message_queue(to=TO, body=str(i), kind="test") for i in range(5)]
        first = outbox._claim(now=self.clock.now, limit=3)
        second = outbox._claim(now=self.clock.now, limit=10)
        self.assertEqual(len(first), 3)
        self.assertEqual({m.pk for m in first} | {m.pk for m in second}, {m.pk for m in messages})
        self.assertFalse({m.pk for m in first} & {m.pk for m in second})

    def test_a_compare_and_set_claim_takes_nothing_another_worker_took_meanwhile(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            message = message_queue(to=TO, body="پیام", kind="test")
        # Worker A read the due ids; before its UPDATE, worker B claimed them.
        seen_by_a = [message.pk]
        outbox._claim(now=self.clock.now, limit=10)
        self.assertEqual(outbox._take(seen_by_a, now=self.clock.now, token="a" * 32), 0)


class GivingUpTests(OutboxTestCase):
    def test_it_never_retries_a_permanent_failure(self) -> None:
        MemoryBackend.fail("permanent", times=1)
        with self.assertLogs("desk.notifications", "WARNING"):
            [message] = self.queue()
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.PERMANENT_FAILURE)
        self.assertIsNone(message.next_attempt_at)
        self.assertEqual(message.last_error, "[411] invalid receptor (411)")
        self.run_workers(minutes=48 * 60, step=60)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.PERMANENT_FAILURE)
        self.assertEqual(message.attempts, 1)
        self.assertEqual(MemoryBackend.calls["send"], 1)

    def test_it_gives_up_when_the_retry_window_closes_and_staff_can_retry(self) -> None:
        MemoryBackend.fail("temporary")
        with self.assertLogs("desk.notifications", "WARNING"):
            [message] = self.queue()
            self.run_workers(minutes=(settings.SMS_RETRY_WINDOW_HOURS + 1) * 60, step=10)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.TEMPORARY_FAILURE)
        self.assertIsNone(message.next_attempt_at)
        self.assertFalse(message.will_retry)
        self.assertIn("مهلت", message.last_error)
        attempts = message.attempts
        self.assertGreater(attempts, 5)

        MemoryBackend.recover()
        self.run_workers(minutes=60, step=10)
        self.assertEqual(MemoryBackend.outbox, [])  # given up means given up
        with self.captureOnCommitCallbacks(execute=True):
            message_retry(message_id=message.pk, agency_id=None)
        self.assert_each_delivered_once([message])

    def test_staff_cannot_retry_a_message_that_is_still_being_retried(self) -> None:
        MemoryBackend.fail("temporary", times=1)
        with self.assertLogs("desk.notifications", "WARNING"):
            [message] = self.queue()
        with self.assertRaises(ApplicationError):
            message_retry(message_id=message.pk, agency_id=None)

    def test_it_does_not_send_a_sign_in_code_after_it_expired(self) -> None:
        MemoryBackend.fail("temporary")
        with self.assertLogs("desk.notifications", "WARNING"):
            [message] = self.queue(
                urgent=True, expires_at=self.clock.now + datetime.timedelta(minutes=2)
            )
            self.run_workers(minutes=3, step=0.25)
            MemoryBackend.recover()
            self.run_workers(minutes=10)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.TEMPORARY_FAILURE)
        self.assertIsNone(message.next_attempt_at)
        self.assertEqual(MemoryBackend.outbox, [])

    @override_settings(SMS_BACKEND="kavenegar")
    def test_it_does_not_resend_a_message_the_provider_can_no_longer_vouch_for(self) -> None:
        # Kavenegar answers about our id for 12 hours; after that «not found» proves nothing.
        with self.captureOnCommitCallbacks(execute=False):
            message = message_queue(to=TO, body="پیام", kind="test")
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.TEMPORARY_FAILURE, in_doubt=True, attempts=3
        )
        self.clock.advance(hours=13)
        with self.assertLogs("desk.notifications", "WARNING"):
            messages_send_due()
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.TEMPORARY_FAILURE)
        self.assertIsNone(message.next_attempt_at)
        self.assertIn("ارائه‌دهنده", message.last_error)


@serial
@skipUnless(connection.vendor == "postgresql", "FOR UPDATE SKIP LOCKED is PostgreSQL's")
class ConcurrentWorkersTests(TransactionTestCase):
    """Real concurrency: workers in threads, each with its own database connection."""

    def test_parallel_workers_send_every_message_exactly_once(self) -> None:
        MemoryBackend.clear()
        messages = [
            OutboundMessage.objects.create(to=TO, body=f"پیام {i}", kind="test", provider="memory")
            for i in range(200)
        ]
        claimed: list[int] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(4)

        def worker() -> None:
            try:
                barrier.wait()
                claimed.append(messages_send_due())
            except BaseException as exc:  # reported below, not swallowed
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(sum(claimed), 200)
        ids = sent_ids()
        self.assertEqual(set(ids), {m.pk for m in messages})
        self.assertEqual(max(ids.values()), 1)
        self.assertEqual(
            OutboundMessage.objects.filter(status=MessageStatus.SENT).count(), len(messages)
        )
