"""Inquiries between installations, with no network: this installation plays both sides, its
own signed endpoints reached through the test client (a recorded transport)."""

from __future__ import annotations

import datetime
import json
import time
import uuid

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from desk.inquiries import remote
from desk.inquiries.models import Delivery, Inquiry, LogKind, Peer, State
from desk.notifications.backends.base import HttpRequest, HttpResponse, TemporaryFailure

from .base import ADDRESS, QUESTION, InquiryTestCase


class ClientTransport:
    """Hands each request to this installation's own views, and records it."""

    def __init__(self) -> None:
        self.sent: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        path = request.url.removeprefix("http://testserver")
        headers = {k: v for k, v in request.headers.items() if k.startswith("X-Desk")}
        response = Client().post(
            path, data=request.body, content_type="application/json", headers=headers
        )
        return HttpResponse(response.status_code, response.content)


class FailingTransport:
    def __init__(self, status: int | None = None) -> None:
        self.status = status

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.status is None:
            raise TemporaryFailure("network: unreachable", code="network")
        return HttpResponse(self.status, b"{}")


class RemoteTestCase(InquiryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.peer = Peer.objects.create(
            name="سامانه استان", key="twin", base_url="http://testserver", secret="shared-secret"
        )
        self.transport = ClientTransport()
        remote.transport_set(self.transport)
        self.addCleanup(remote.transport_set, None)

    def post(self, name: str, payload: dict[str, object], **header: str) -> HttpResponse:
        body = json.dumps(payload).encode()
        headers = {**remote.signed_headers(self.peer, body), **header}
        headers.pop("Content-Type")
        response = self.client.post(
            reverse(name), data=body, content_type="application/json", headers=headers
        )
        return HttpResponse(response.status_code, response.content)


class RoundTripTests(RemoteTestCase):
    def test_an_inquiry_to_another_installation_is_answered_and_moves_the_request_on(self) -> None:
        self.rule(f"twin:{self.other_agency.slug}")
        submission = self.at_inquiry()  # its commit's callbacks deliver the inquiry
        sent = Inquiry.objects.get(submission=submission)
        self.assertEqual((sent.delivery, sent.attempts), (Delivery.DELIVERED, 1))
        self.assertIn(b'"case_reference"', self.transport.sent[0].body or b"")
        # The other side: an inquiry with no local request, only what was shared.
        received = Inquiry.objects.get(peer=self.peer, remote_id=sent.public_id)
        self.assertIsNone(received.submission_id)
        self.assertEqual(received.to_agency, self.other_agency)
        self.assertEqual(received.case_reference, submission.tracking_code)
        self.assertEqual(received.shared, [["نشانی ملک", ADDRESS]])
        self.assertEqual(sent.due_on, received.due_on)  # the answering side's calendar
        self.client.force_login(self.outsider)
        page = self.client.get(reverse("inquiries:respond", args=[received.public_id]))
        self.assertContains(page, ADDRESS)
        self.assertContains(page, QUESTION)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("inquiries:respond", args=[received.public_id]), {"answer": "بدهی ندارد"}
            )
        received.refresh_from_db()
        self.assertEqual(received.delivery, Delivery.DELIVERED)
        sent.refresh_from_db()
        self.assertEqual((sent.state, sent.answer), (State.ANSWERED, "بدهی ندارد"))
        submission.refresh_from_db()
        self.assertEqual(submission.current_step.key, "decision")  # type: ignore[union-attr]
        kinds = set(sent.log.values_list("kind", flat=True))
        self.assertEqual(kinds, {LogKind.SENT, LogKind.ANSWERED})


class SignatureTests(RemoteTestCase):
    def payload(self, **extra: object) -> dict[str, object]:
        return {
            "id": str(uuid.uuid4()),
            "case_reference": "123412341234",
            "from_agency": "شهرداری دیگر",
            "to_agency": self.other_agency.slug,
            "question": "پرسش",
            "shared": [["نشانی", "تهران"]],
            **extra,
        }

    def test_a_signed_inquiry_is_taken_once_however_often_it_is_sent(self) -> None:
        payload = self.payload()
        first = self.post("inquiries:api_inquiry", payload)
        again = self.post("inquiries:api_inquiry", payload)
        self.assertEqual((first.status, again.status), (201, 200))
        self.assertEqual(first.json()["id"], again.json()["id"])
        self.assertEqual(Inquiry.objects.filter(peer=self.peer).count(), 1)

    def test_a_wrong_signature_or_a_stale_timestamp_is_refused(self) -> None:
        refused = self.post(
            "inquiries:api_inquiry", self.payload(), **{"X-Desk-Signature": "0" * 64}
        )
        self.assertEqual(refused.status, 401)
        body = json.dumps(self.payload()).encode()
        stale = remote.signed_headers(self.peer, body, now=time.time() - 3600)
        stale.pop("Content-Type")
        old = self.client.post(
            reverse("inquiries:api_inquiry"),
            data=body,
            content_type="application/json",
            headers=stale,
        )
        self.assertEqual(old.status_code, 401)
        other = Peer.objects.create(name="x", key="other", base_url="http://x", secret="another")
        forged = remote.signed_headers(other, body)
        forged["X-Desk-Peer"] = "twin"
        forged.pop("Content-Type")
        self.assertEqual(
            self.client.post(
                reverse("inquiries:api_inquiry"),
                data=body,
                content_type="application/json",
                headers=forged,
            ).status_code,
            401,
        )
        self.assertFalse(Inquiry.objects.exists())

    def test_an_unknown_agency_or_a_malformed_body_is_refused(self) -> None:
        self.assertEqual(
            self.post("inquiries:api_inquiry", self.payload(to_agency="nope")).status, 404
        )
        self.assertEqual(self.post("inquiries:api_inquiry", {"id": "x"}).status, 400)

    def test_an_answer_to_an_unknown_inquiry_is_refused(self) -> None:
        answer: dict[str, object] = {"id": str(uuid.uuid4()), "state": "answered"}
        self.assertEqual(self.post("inquiries:api_answer", answer).status, 404)


class DeliveryTests(RemoteTestCase):
    def sent(self) -> Inquiry:
        self.rule(f"twin:{self.other_agency.slug}")
        remote.transport_set(FailingTransport())
        submission = self.at_inquiry()
        return Inquiry.objects.get(submission=submission)

    def test_a_failed_delivery_is_retried_later_with_backoff(self) -> None:
        inquiry = self.sent()
        self.assertEqual((inquiry.delivery, inquiry.attempts), (Delivery.PENDING, 1))
        self.assertIn("unreachable", inquiry.last_error)
        assert inquiry.next_attempt_at is not None
        wait = inquiry.next_attempt_at - timezone.now()
        self.assertGreater(wait, datetime.timedelta(seconds=50))
        self.assertEqual(remote.deliveries_due(), [])  # not before its time
        later = inquiry.next_attempt_at + datetime.timedelta(seconds=1)
        self.assertEqual(remote.deliveries_due(now=later), [inquiry.pk])
        remote.transport_set(self.transport)
        self.assertEqual(remote.delivery_attempt(inquiry_id=inquiry.pk, now=later), "delivered")
        self.assertTrue(
            Inquiry.objects.filter(peer=self.peer, remote_id=inquiry.public_id).exists()
        )

    def test_a_delivery_gives_up_after_the_last_retry(self) -> None:
        inquiry = self.sent()
        for _attempt in remote.BACKOFF_MINUTES:
            remote.delivery_attempt(inquiry_id=inquiry.pk)
        inquiry.refresh_from_db()
        self.assertEqual(inquiry.delivery, Delivery.FAILED)
        self.assertEqual(inquiry.attempts, len(remote.BACKOFF_MINUTES) + 1)

    def test_a_refusal_by_the_peer_is_not_retried(self) -> None:
        inquiry = self.sent()
        remote.transport_set(FailingTransport(status=401))
        remote.delivery_attempt(inquiry_id=inquiry.pk)
        inquiry.refresh_from_db()
        self.assertEqual((inquiry.delivery, inquiry.last_error), (Delivery.FAILED, "HTTP 401"))
