"""Inquiries between installations, with no network: this installation plays both sides, its
own signed endpoints reached through the test client (a recorded transport)."""

from __future__ import annotations

import datetime
import hashlib
import json
import time
import uuid

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from desk.inquiries import remote
from desk.inquiries.models import Delivery, Inquiry, InquiryFile, LogKind, Peer, State
from desk.notifications.backends.base import HttpRequest, HttpResponse, TemporaryFailure
from desk.submissions.tests.base import upload
from desk.test import PDF_BYTES

from .base import ADDRESS, QUESTION, InquiryTestCase


class ClientTransport:
    """Hands each request to this installation's own views, and records it."""

    def __init__(self) -> None:
        self.sent: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        path = request.url.removeprefix("http://testserver")
        headers = {k: v for k, v in request.headers.items() if k.startswith("X-Desk")}
        content_type = request.headers.get("Content-Type", "application/json")
        response = Client().post(
            path, data=request.body, content_type=content_type, headers=headers
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

    def asked(self) -> tuple[Inquiry, Inquiry]:
        """Our inquiry to the twin installation, and the twin's copy of it."""
        self.rule(f"twin:{self.other_agency.slug}")
        submission = self.at_inquiry()
        sent = Inquiry.objects.get(submission=submission)
        return sent, Inquiry.objects.get(peer=self.peer, remote_id=sent.public_id)

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


class AnswerFileTests(RemoteTestCase):
    """An answer's documents travel from the answering installation to the asking one."""

    def answer_with(self, received: Inquiry, *files: object) -> HttpResponse:
        self.client.force_login(self.outsider)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("inquiries:respond", args=[received.public_id]),
                {"answer": "سند پیوست است", "documents": list(files)},
            )
        return HttpResponse(response.status_code, b"")

    def meta(self, sent: Inquiry, content: bytes) -> dict[str, object]:
        return {
            "inquiry": str(sent.public_id),
            "id": str(uuid.uuid4()),
            "name": "a.pdf",
            "sha256": hashlib.sha256(content).hexdigest(),
        }

    def post_file(self, meta: dict[str, object], content: bytes) -> HttpResponse:
        header = json.dumps(meta)
        headers = remote.signed_headers(
            self.peer, remote.file_signed_part(header, content), content_type="application/pdf"
        )
        headers.pop("Content-Type")
        headers["X-Desk-File"] = header
        response = self.client.post(
            reverse("inquiries:api_answer_file"),
            data=content,
            content_type="application/pdf",
            headers=headers,
        )
        return HttpResponse(response.status_code, response.content)

    def test_the_answers_files_reach_the_asking_request_with_the_same_hash(self) -> None:
        sent, received = self.asked()
        self.answer_with(received, upload("گواهی.pdf"))
        received.refresh_from_db()
        self.assertEqual(received.delivery, Delivery.DELIVERED)
        paths = [r.url.removeprefix("http://testserver") for r in self.transport.sent]
        self.assertEqual(paths[-2:], [remote.ANSWER_FILE_PATH, remote.ANSWER_PATH], "files first")
        sent.refresh_from_db()
        self.assertEqual(sent.state, State.ANSWERED)
        theirs, ours = received.files.get(), sent.files.get()
        self.assertEqual((ours.sha256, ours.size), (theirs.sha256, theirs.size))
        self.assertEqual((ours.original_name, ours.content_type), ("گواهی.pdf", "application/pdf"))
        with ours.file.open("rb") as handle:
            self.assertEqual(handle.read(), PDF_BYTES)
        # The asking expert reads it on the request's page and downloads it.
        self.client.force_login(self.expert)
        page = self.client.get(
            reverse("submissions:staff_request", args=[sent.submission.tracking_code])  # type: ignore[union-attr]
        )
        link = reverse("inquiries:answer_file", args=[ours.public_id])
        self.assertContains(page, link)
        self.assertEqual(self.client.get(link).status_code, 200)

    def test_a_file_sent_twice_is_kept_once(self) -> None:
        sent, _received = self.asked()
        meta = self.meta(sent, PDF_BYTES)
        self.assertEqual(self.post_file(meta, PDF_BYTES).status, 201)
        self.assertEqual(self.post_file(meta, PDF_BYTES).status, 200)
        self.assertEqual(sent.files.count(), 1)

    def test_a_file_whose_hash_does_not_match_is_refused(self) -> None:
        sent, _received = self.asked()
        meta = self.meta(sent, b"other")
        refused = self.post_file(meta, PDF_BYTES)
        self.assertEqual(
            (refused.status, refused.json()["error"]), (400, "sha256 does not match the content")
        )
        self.assertFalse(InquiryFile.objects.exists())

    def test_a_file_a_citizen_could_not_upload_is_refused_too(self) -> None:
        sent, _received = self.asked()
        script = b"<html><script>alert(1)</script></html>"
        meta = self.meta(sent, script)
        refused = self.post_file(meta, script)
        self.assertEqual(
            (refused.status, refused.json()["error"]), (422, "file refused: unsupported")
        )
        self.assertFalse(InquiryFile.objects.exists())

    def test_a_file_over_the_size_limit_is_refused(self) -> None:
        sent, _received = self.asked()
        meta = self.meta(sent, PDF_BYTES)
        with self.settings(UPLOAD_MAX_BYTES=len(PDF_BYTES) - 1):
            self.assertEqual(self.post_file(meta, PDF_BYTES).status, 413)

    def test_a_file_with_a_forged_signature_is_refused(self) -> None:
        sent, _received = self.asked()
        meta = self.meta(sent, PDF_BYTES)
        header = json.dumps(meta)
        headers = remote.signed_headers(self.peer, remote.file_signed_part(header, b"other"))
        headers.pop("Content-Type")
        headers["X-Desk-File"] = header
        response = self.client.post(reverse("inquiries:api_answer_file"), data=PDF_BYTES,
                                    content_type="application/pdf", headers=headers)  # fmt: skip
        self.assertEqual(response.status_code, 401)

    def test_an_answer_naming_a_file_that_has_not_arrived_is_refused(self) -> None:
        sent, _received = self.asked()
        answer: dict[str, object] = {
            "id": str(sent.public_id),
            "state": "answered",
            "answer": "x",
            "files": [{"id": str(uuid.uuid4())}],
        }
        self.assertEqual(self.post("inquiries:api_answer", answer).status, 409)
        sent.refresh_from_db()
        self.assertEqual(sent.state, State.SENT)

    def test_a_refused_file_is_not_retried_and_the_answer_waits(self) -> None:
        sent, received = self.asked()
        remote.transport_set(FailingTransport(status=422))
        self.answer_with(received, upload("a.pdf"))
        received.refresh_from_db()
        self.assertEqual((received.delivery, received.last_error), (Delivery.FAILED, "HTTP 422"))
        self.assertEqual(self.transport.sent[-1].url, "http://testserver" + remote.INQUIRY_PATH)
        sent.refresh_from_db()
        self.assertEqual(sent.state, State.SENT, "no answer without its files")


class StatusTests(RemoteTestCase):
    def test_the_asking_side_reads_the_state_and_deadline_of_its_inquiry(self) -> None:
        sent, received = self.asked()
        r = self.post("inquiries:api_status", {"id": str(sent.public_id)})
        self.assertEqual(r.status, 200)
        body = r.json()
        self.assertEqual((body["state"], body["due_on"]), ("sent", received.due_on.isoformat()))
        self.assertEqual(body["case_reference"], sent.case_reference)
        self.assertEqual(remote.status_ask(inquiry_id=sent.pk), "sent")

    def test_an_unsigned_or_unknown_question_is_refused(self) -> None:
        r = self.post("inquiries:api_status", {"id": str(uuid.uuid4())})
        self.assertEqual(r.status, 404)
        r = self.post(
            "inquiries:api_status", {"id": str(uuid.uuid4())}, **{"X-Desk-Signature": "0"}
        )
        self.assertEqual(r.status, 401)

    def test_an_inquiry_the_peer_never_received_is_sent_again(self) -> None:
        sent, received = self.asked()
        InquiryLogless = Inquiry.objects.filter(pk=received.pk)
        received.log.all()._raw_delete(received.log.db)  # the peer lost it
        InquiryLogless.delete()
        self.assertEqual(remote.status_ask(inquiry_id=sent.pk), "unknown")
        sent.refresh_from_db()
        self.assertEqual(sent.delivery, Delivery.PENDING)
        remote.delivery_attempt(inquiry_id=sent.pk)
        self.assertTrue(Inquiry.objects.filter(peer=self.peer, remote_id=sent.public_id).exists())

    def test_an_answer_that_never_arrived_is_pushed_again_when_asked(self) -> None:
        sent, received = self.asked()
        remote.transport_set(FailingTransport(status=503))
        self.answer_with_text(received)
        for _attempt in remote.BACKOFF_MINUTES:
            remote.delivery_attempt(inquiry_id=received.pk)
        received.refresh_from_db()
        self.assertEqual(received.delivery, Delivery.FAILED)
        remote.transport_set(self.transport)
        self.assertEqual(remote.status_ask(inquiry_id=sent.pk), "answered")
        received.refresh_from_db()
        self.assertEqual(received.delivery, Delivery.PENDING)
        self.assertEqual(remote.deliveries_due(), [received.pk])
        remote.delivery_attempt(inquiry_id=received.pk)
        sent.refresh_from_db()
        self.assertEqual(sent.state, State.ANSWERED)

    def test_the_job_asks_only_about_overdue_inquiries_to_peers(self) -> None:
        sent, _received = self.asked()
        self.assertEqual(remote.statuses_due(), [])
        later = sent.due_on + datetime.timedelta(days=1)
        self.assertEqual(remote.statuses_due(today=later), [sent.pk])

    def answer_with_text(self, received: Inquiry) -> None:
        self.client.force_login(self.outsider)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("inquiries:respond", args=[received.public_id]), {"answer": "پاسخ"}
            )
