"""Delivery receipts: the providers' webhooks (authenticated, idempotent, never backwards) and
the polling job that asks for what no webhook brought."""

from __future__ import annotations

import hmac
import json
from unittest.mock import patch

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from desk.notifications import views
from desk.notifications.backends import MemoryBackend
from desk.notifications.backends.base import Receipt
from desk.notifications.models import DeliveryReceipt, MessageStatus, OutboundMessage
from desk.notifications.services import messages_poll_statuses, receipts_apply
from desk.notifications.tests.helpers import TO, Clock

TOKEN = "receipts-secret-0123456789abcdef"


def sent_message(provider: str = "kavenegar", provider_id: str = "8792343") -> OutboundMessage:
    clock_now = Clock().now
    return OutboundMessage.objects.create(
        to=TO,
        body="پیام",
        kind="test",
        status=MessageStatus.SENT,
        provider=provider,
        provider_id=provider_id,
        attempts=1,
        sent_at=clock_now,
        next_attempt_at=None,
    )


@override_settings(SMS_WEBHOOK_TOKEN=TOKEN)
class ReceiptWebhookTests(TestCase):
    def post(self, data: dict[str, str], provider: str = "kavenegar", token: str = TOKEN):
        url = reverse("notifications:receipt_webhook", args=[provider, token])
        return self.client.post(url, data)

    def test_it_marks_a_message_delivered(self) -> None:
        message = sent_message()
        r = self.post({"messageid": "8792343", "status": "10"})
        self.assertEqual(r.status_code, 200)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.DELIVERED)
        self.assertIsNotNone(message.status_changed_at)
        receipt = DeliveryReceipt.objects.get()
        self.assertEqual((receipt.raw_status, receipt.message), ("10", message))

    def test_a_receipt_delivered_twice_changes_nothing(self) -> None:
        message = sent_message()
        self.post({"messageid": "8792343", "status": "10"})
        message.refresh_from_db()
        changed_at = message.status_changed_at
        with CaptureQueriesContext(connection) as queries:
            r = self.post({"messageid": "8792343", "status": "10"})
        writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
        self.assertEqual(writes, [])
        self.assertEqual(r.status_code, 200)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.DELIVERED)
        self.assertEqual(message.status_changed_at, changed_at)
        self.assertEqual(DeliveryReceipt.objects.count(), 1)

    def test_a_late_receipt_never_moves_a_message_backwards(self) -> None:
        message = sent_message()
        self.post({"messageid": "8792343", "status": "10"})  # delivered
        self.post({"messageid": "8792343", "status": "4"})  # "handed to the operator", late
        self.post({"messageid": "8792343", "status": "11"})  # "undelivered", contradicting
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.DELIVERED)
        self.assertEqual(DeliveryReceipt.objects.count(), 3)  # all kept for the record

    def test_an_operator_may_still_deliver_what_it_reported_undelivered(self) -> None:
        message = sent_message()
        self.post({"messageid": "8792343", "status": "11"})
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.TEMPORARY_FAILURE)
        self.assertFalse(message.will_retry)  # the operator's verdict: we do not resend
        self.post({"messageid": "8792343", "status": "10"})
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.DELIVERED)

    def test_it_records_a_blocked_recipient_as_a_permanent_failure(self) -> None:
        message = sent_message()
        self.post({"messageid": "8792343", "status": "14"})
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.PERMANENT_FAILURE)

    def test_it_answers_ok_for_a_message_it_does_not_know(self) -> None:
        r = self.post({"messageid": "1111", "status": "10"})
        self.assertEqual(r.status_code, 200)  # else the provider would retry forever
        self.assertEqual(DeliveryReceipt.objects.get().message, None)

    def test_it_does_not_apply_one_providers_receipt_to_anothers_message(self) -> None:
        message = sent_message(provider="smsir", provider_id="8792343")
        self.post({"messageid": "8792343", "status": "10"}, provider="kavenegar")
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)

    def test_it_reads_sms_ir_receipts_as_json_with_the_token_in_a_header(self) -> None:
        message = sent_message(provider="smsir", provider_id="86522023")
        r = self.client.post(
            reverse("notifications:receipt_webhook", args=["smsir"]),
            json.dumps([{"messageId": 86522023, "deliveryState": 1}]),
            content_type="application/json",
            headers={"X-Webhook-Token": TOKEN},
        )
        self.assertEqual(r.status_code, 200)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.DELIVERED)

    def test_it_accepts_a_get_callback(self) -> None:
        message = sent_message()
        url = reverse("notifications:receipt_webhook", args=["kavenegar", TOKEN])
        self.assertEqual(
            self.client.get(url, {"messageid": "8792343", "status": "10"}).status_code, 200
        )
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.DELIVERED)

    # --- authentication -------------------------------------------------------------------------

    def test_it_refuses_a_wrong_token_and_changes_nothing(self) -> None:
        message = sent_message()
        with (
            patch.object(views.hmac, "compare_digest", wraps=hmac.compare_digest) as compare,
            self.assertLogs("desk.notifications.views", "WARNING"),
        ):
            r = self.post({"messageid": "8792343", "status": "10"}, token=TOKEN[:-1] + "x")
        self.assertEqual(r.status_code, 403)
        compare.assert_called_once()  # constant-time comparison, not ==
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertFalse(DeliveryReceipt.objects.exists())

    def test_it_refuses_a_request_without_a_token(self) -> None:
        with self.assertLogs("desk.notifications.views", "WARNING"):
            r = self.client.post(
                reverse("notifications:receipt_webhook", args=["kavenegar"]),
                {"messageid": "8792343", "status": "10"},
            )
        self.assertEqual(r.status_code, 403)

    @override_settings(SMS_WEBHOOK_TOKEN="")
    def test_webhooks_are_off_until_a_token_is_configured(self) -> None:
        r = self.post({"messageid": "8792343", "status": "10"}, token="anything-at-all")
        self.assertEqual(r.status_code, 404)

    def test_it_404s_for_an_unknown_provider(self) -> None:
        self.assertEqual(self.post({"x": "1"}, provider="nosuch").status_code, 404)

    def test_it_400s_on_a_body_it_cannot_read(self) -> None:
        self.assertEqual(self.post({"hello": "world"}).status_code, 400)
        r = self.client.post(
            reverse("notifications:receipt_webhook", args=["smsir", TOKEN]),
            "{not json",
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 400)

    def test_it_needs_no_csrf_token(self) -> None:
        self.client = self.client_class(enforce_csrf_checks=True)
        sent_message()
        self.assertEqual(self.post({"messageid": "8792343", "status": "10"}).status_code, 200)


class StatusPollingTests(TestCase):
    """A receipt whose webhook never came is fetched by the periodic job."""

    def setUp(self) -> None:
        super().setUp()
        MemoryBackend.clear()

    def test_it_asks_the_provider_about_messages_still_waiting_for_a_receipt(self) -> None:
        message = sent_message(provider="memory", provider_id="p-1")
        MemoryBackend.outbox.append(
            {"local_id": message.pk, "provider_id": "p-1", "to": TO, "body": ""}
        )
        MemoryBackend.states["p-1"] = "delivered"
        clock = Clock()
        with clock.patch():
            self.assertEqual(messages_poll_statuses(), 0)  # too fresh to chase
            clock.advance(minutes=5)
            self.assertEqual(messages_poll_statuses(), 1)
            self.assertEqual(messages_poll_statuses(), 0)  # the same answer again: no change
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.DELIVERED)

    def test_a_receipt_that_beat_the_send_result_is_applied_when_asked_again(self) -> None:
        # The provider's webhook came before the worker saved the provider's id.
        receipts_apply(provider="memory", receipts=[Receipt("p-2", "delivered", "delivered")])
        message = sent_message(provider="memory", provider_id="p-2")
        MemoryBackend.outbox.append(
            {"local_id": message.pk, "provider_id": "p-2", "to": TO, "body": ""}
        )
        MemoryBackend.states["p-2"] = "delivered"
        clock = Clock()
        with clock.patch():
            clock.advance(minutes=5)
            self.assertEqual(messages_poll_statuses(), 1)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.DELIVERED)
        self.assertEqual(DeliveryReceipt.objects.get().message, message)
