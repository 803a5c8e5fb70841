"""Non-urgent SMS wait for the end of quiet hours (Tehran time); sign-in codes do not."""

from __future__ import annotations

import datetime

from django.test import TestCase, override_settings

from desk.lib.jalali import TEHRAN
from desk.notifications.backends import MemoryBackend
from desk.notifications.models import Channel, MessageStatus, OutboundMessage
from desk.notifications.services import message_queue, messages_send_due
from desk.notifications.tests.helpers import TO, Clock


def tehran(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, 4, day, hour, minute, tzinfo=TEHRAN)


@override_settings(SMS_QUIET_HOURS="22:00-07:00")
class QuietHoursTests(TestCase):
    def setUp(self) -> None:
        super().setUp()
        MemoryBackend.clear()

    def queue(self, clock: Clock, **extra: object) -> OutboundMessage:
        with clock.patch(), self.captureOnCommitCallbacks(execute=True):
            return message_queue(to=TO, body="پیام", kind="test", **extra)  # type: ignore[arg-type]

    def test_a_status_sms_queued_at_night_goes_out_at_seven(self) -> None:
        clock = Clock(tehran(7, 23))
        message = self.queue(clock)
        self.assertEqual(MemoryBackend.outbox, [])
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.QUEUED)
        self.assertEqual(message.next_attempt_at, tehran(8, 7))
        with clock.patch():
            clock.now = tehran(8, 6, 59)
            self.assertEqual(messages_send_due(), 0)
            clock.now = tehran(8, 7, 0)
            self.assertEqual(messages_send_due(), 1)
        self.assertEqual(len(MemoryBackend.outbox), 1)

    def test_just_after_midnight_it_still_waits_for_the_same_morning(self) -> None:
        message = self.queue(Clock(tehran(8, 0, 30)))
        message.refresh_from_db()
        self.assertEqual(message.next_attempt_at, tehran(8, 7))

    def test_a_sign_in_code_is_sent_at_any_hour(self) -> None:
        message = self.queue(Clock(tehran(7, 23, 30)), urgent=True)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)

    def test_a_message_due_before_ten_but_picked_up_after_waits_for_morning(self) -> None:
        clock = Clock(tehran(7, 21, 59))
        with clock.patch(), self.captureOnCommitCallbacks(execute=False):
            message = message_queue(to=TO, body="پیام", kind="test")  # its job was delayed
        with clock.patch():
            clock.now = tehran(7, 22, 5)
            messages_send_due()
        message.refresh_from_db()
        self.assertEqual(MemoryBackend.outbox, [])
        self.assertEqual(message.status, MessageStatus.QUEUED)
        self.assertEqual(message.next_attempt_at, tehran(8, 7))

    def test_a_retry_that_would_fall_in_quiet_hours_waits_for_morning(self) -> None:
        MemoryBackend.fail("temporary", times=1)
        with self.assertLogs("desk.notifications", "WARNING"):
            # The first retry comes 15–30 seconds later: after ten o'clock.
            message = self.queue(Clock(tehran(7, 21, 59) + datetime.timedelta(seconds=45)))
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.TEMPORARY_FAILURE)
        self.assertEqual(message.next_attempt_at, tehran(8, 7))

    def test_email_does_not_wait(self) -> None:
        clock = Clock(tehran(7, 23))
        with clock.patch(), self.captureOnCommitCallbacks(execute=True):
            message = message_queue(
                to="maryam@example.ir", body="پیام", kind="test", channel=Channel.EMAIL
            )
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)

    @override_settings(SMS_QUIET_HOURS="off")
    def test_quiet_hours_can_be_switched_off(self) -> None:
        message = self.queue(Clock(tehran(7, 23)))
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
