"""Webhooks: an agency's endpoints hear its events, signed, through the outbox, with retries,
giving up, redelivery by hand, and never another agency's events."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import socket
import uuid
from typing import Any
from unittest.mock import patch

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.complaints.models import About, Kind
from desk.complaints.services import complaint_file
from desk.integrations.models import (
    DeliveryStatus,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from desk.integrations.transport import DeliveryError, FakeTransport, resolve
from desk.integrations.webhooks import (
    SIGNATURE_HEADER,
    deliveries_due,
    retry_delay,
    webhook_deliver,
    webhook_secret_rotate,
)
from desk.lib.http import HttpResponse
from desk.submissions import services as submission_services
from desk.submissions.models import Submission
from desk.submissions.tests.base import checked_upload
from desk.test import BaseTestCase, create_staff


def later(**delta: float) -> Any:
    """Run the block as if ``delta`` had passed."""
    moment = timezone.now() + datetime.timedelta(**delta)
    return patch("django.utils.timezone.now", return_value=moment)


class WebhookTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        FakeTransport.clear()
        self.addCleanup(FakeTransport.clear)
        self.endpoint = self.endpoint_for(self.agency)

    def endpoint_for(self, agency: Any, **extra: Any) -> WebhookEndpoint:
        fields = {
            "url": f"https://hooks.example.ir/{agency.slug}",
            "events": [EventType.REQUEST_SUBMITTED, EventType.COMPLAINT_FILED],
            "secret": f"whsec_test_{agency.slug}",
            **extra,
        }
        return WebhookEndpoint.objects.create(agency=agency, **fields)

    def submit(self, service: Any = None) -> Submission:
        with self.captureOnCommitCallbacks(execute=True):
            return submission_services.submission_create(
                service=service or self.service,
                applicant=self.citizen,
                answers={"address": "خیابان آزادی"},
                files={"deed": checked_upload()},
                idempotency_key=uuid.uuid4(),
            )

    def sent_body(self, index: int = -1) -> dict[str, Any]:
        return dict(FakeTransport.sent[index].json())


class DeliveryTests(WebhookTestCase):
    def test_a_submitted_request_is_posted_signed_with_its_tracking_code(self) -> None:
        submission = self.submit()
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(delivery.status, DeliveryStatus.SUCCEEDED)
        self.assertEqual((delivery.attempts, delivery.response_code), (1, 200))
        self.assertIsNotNone(delivery.latency_ms)
        (request,) = FakeTransport.sent
        self.assertEqual(request.url, self.endpoint.url)
        self.assertEqual(request.headers["Mizkhedmat-Event"], "request.submitted")
        self.assertEqual(request.headers["Mizkhedmat-Delivery"], str(delivery.event_id))
        body = self.sent_body()
        self.assertEqual(body["type"], "request.submitted")
        self.assertEqual(body["version"], 1)
        self.assertEqual(body["agency"], {"id": self.agency.pk, "slug": self.agency.slug})
        self.assertEqual(body["data"]["request"]["tracking_code"], submission.tracking_code)
        self.assertEqual(body["data"]["request"]["service"]["national_id"], "SRV-building-permit")
        self.assertEqual(body["data"]["request"]["status"], submission.status)

    def test_the_signature_is_hmac_sha256_of_timestamp_dot_body(self) -> None:
        self.submit()
        (request,) = FakeTransport.sent
        fields = dict(part.split("=", 1) for part in request.headers[SIGNATURE_HEADER].split(","))
        signed = fields["t"].encode() + b"." + (request.body or b"")
        expected = hmac.new(self.endpoint.secret.encode(), signed, hashlib.sha256).hexdigest()
        self.assertTrue(hmac.compare_digest(fields["v1"], expected))
        self.assertLess(abs(int(fields["t"]) - timezone.now().timestamp()), 60)

    def test_the_payload_carries_no_personal_data(self) -> None:
        submission = self.submit()
        raw = (FakeTransport.sent[0].body or b"").decode()
        for personal in (
            submission.applicant_national_code,
            submission.applicant_mobile,
            "خیابان آزادی",
            self.citizen.last_name,
        ):
            self.assertNotIn(personal, raw)

    def test_only_subscribed_active_endpoints_of_the_requests_agency_hear_it(self) -> None:
        self.endpoint_for(self.agency, url="https://moves.example.ir/", events=["request.moved"])
        self.endpoint_for(self.agency, url="https://off.example.ir/", is_active=False)
        self.endpoint_for(self.other_agency)
        self.submit()
        self.assertEqual([r.url for r in FakeTransport.sent], [self.endpoint.url])
        self.assertEqual(WebhookDelivery.objects.count(), 1)

    def test_a_submitted_event_run_again_sends_nothing_twice(self) -> None:
        # The subscriber is queued: a retry after a failure, or a run in the request after an
        # enqueue that only seemed to fail, must not post the same request twice.
        from desk.core.events import SubmissionSubmitted, run_queued

        submission = self.submit()
        event = SubmissionSubmitted(
            submission_id=submission.pk, agency_id=submission.service.agency_id, actor_id=None
        )
        path = "desk.integrations.webhooks.on_submission_submitted"
        for _again in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(run_queued((path,), event), ())
        self.assertEqual(WebhookDelivery.objects.count(), 1)
        self.assertEqual([r.url for r in FakeTransport.sent], [self.endpoint.url])

    def test_an_agency_without_endpoints_costs_one_query(self) -> None:
        from desk.integrations.webhooks import deliveries_record

        with self.assertNumQueries(1):
            deliveries_record("request.submitted", self.other_agency.pk, lambda: {})

    def test_a_filed_complaint_is_posted_without_its_text(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            filing = complaint_file(
                kind=Kind.COMPLAINT,
                about=About.SERVICE,
                citizen=self.citizen,
                service=self.service,
                text="کارمند پاسخ تلفن را نداد",
            )
        body = self.sent_body()
        self.assertEqual(body["type"], "complaint.filed")
        self.assertEqual(body["data"]["complaint"]["tracking_code"], filing.complaint.tracking_code)
        self.assertNotIn("پاسخ تلفن", (FakeTransport.sent[0].body or b"").decode())

    def test_nothing_is_recorded_when_the_request_rolls_back(self) -> None:
        class Boom(Exception):
            pass

        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(Boom):
            from django.db import transaction

            with transaction.atomic():
                submission_services.submission_create(
                    service=self.service,
                    applicant=self.citizen,
                    answers={"address": "خیابان آزادی"},
                    files={"deed": checked_upload()},
                    idempotency_key=uuid.uuid4(),
                )
                raise Boom
        self.assertFalse(WebhookDelivery.objects.exists())
        self.assertEqual(FakeTransport.sent, [])


@override_settings(
    WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_RETRY_BASE_SECONDS=30, WEBHOOK_RETRY_MAX_SECONDS=3600
)
class RetryTests(WebhookTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Each failed attempt is logged; the tests fail on purpose.
        log = logging.getLogger("desk.integrations.webhooks")
        self.addCleanup(log.setLevel, log.level)
        log.setLevel(logging.WARNING)

    def test_a_failed_attempt_is_retried_later_with_backoff(self) -> None:
        FakeTransport.answer(HttpResponse(503, b"busy"))
        before = timezone.now()
        self.submit()
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(delivery.status, DeliveryStatus.PENDING)
        self.assertEqual((delivery.attempts, delivery.response_code), (1, 503))
        self.assertEqual(delivery.error, "HTTP 503")
        assert delivery.next_attempt_at is not None
        wait = delivery.next_attempt_at - before
        self.assertGreaterEqual(wait, datetime.timedelta(seconds=15))
        self.assertLessEqual(wait, datetime.timedelta(seconds=31))
        self.assertIsNone(webhook_deliver(delivery.pk))  # not due yet: nothing sent
        self.assertEqual(len(FakeTransport.sent), 1)
        with later(seconds=31):
            self.assertEqual(deliveries_due(), [delivery.pk])
            delivery = webhook_deliver(delivery.pk)  # type: ignore[assignment]
        self.assertEqual(delivery.status, DeliveryStatus.SUCCEEDED)
        self.assertEqual(delivery.attempts, 2)
        self.assertEqual(
            list(WebhookAttempt.objects.values_list("response_code", flat=True)), [503, 200]
        )

    def test_a_failure_is_logged_without_the_endpoints_query_or_password(self) -> None:
        # An integrator may put a token in the endpoint's query string: never in the log (nor
        # a password before the host, which the transport refuses to send anyway).
        self.endpoint.url = "https://user:pw@hooks.example.ir:8443/in/desk?token=s3cret#x"
        self.endpoint.save()

        with self.assertLogs("desk.integrations.webhooks", logging.INFO) as logs:
            self.submit()

        (line,) = logs.output
        self.assertIn("to https://hooks.example.ir:8443/in/desk failed: ", line)
        for secret in ("s3cret", "token", "pw", "user"):
            self.assertNotIn(secret, line)

    def test_it_gives_up_after_the_last_attempt(self) -> None:
        FakeTransport.answer(
            DeliveryError("timeout: timed out"), HttpResponse(500, b""), HttpResponse(302, b"")
        )
        self.submit()
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(delivery.error, "timeout: timed out")
        self.assertIsNone(delivery.response_code)
        for hours in (1, 2):
            with later(hours=hours):
                webhook_deliver(delivery.pk)
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.FAILED)
        self.assertEqual((delivery.attempts, delivery.response_code), (3, 302))  # no redirects
        self.assertIsNone(delivery.next_attempt_at)
        with later(days=1):
            self.assertEqual(deliveries_due(), [])

    def test_the_wait_doubles_with_jitter_up_to_the_maximum(self) -> None:
        self.assertEqual(retry_delay(1, lambda: 0.0), datetime.timedelta(seconds=15))
        self.assertEqual(retry_delay(1, lambda: 1.0), datetime.timedelta(seconds=30))
        self.assertEqual(retry_delay(4, lambda: 1.0), datetime.timedelta(seconds=240))
        self.assertEqual(retry_delay(20, lambda: 1.0), datetime.timedelta(seconds=3600))
        self.assertEqual(retry_delay(20, lambda: 0.0), datetime.timedelta(seconds=1800))

    def test_a_claim_of_a_dead_worker_is_picked_up_after_its_lease(self) -> None:
        FakeTransport.answer(HttpResponse(500, b""))
        self.submit()
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENDING,
            next_attempt_at=timezone.now() + datetime.timedelta(minutes=1),
        )
        self.assertEqual(deliveries_due(), [])
        with later(minutes=2):
            self.assertEqual(deliveries_due(), [delivery.pk])

    def test_a_switched_off_endpoint_gets_no_more_attempts(self) -> None:
        FakeTransport.answer(HttpResponse(500, b""))
        self.submit()
        WebhookEndpoint.objects.update(is_active=False)
        delivery = WebhookDelivery.objects.get()
        with later(hours=1):
            webhook_deliver(delivery.pk)
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.FAILED)
        self.assertEqual(len(FakeTransport.sent), 1)


class AdminTests(WebhookTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.admin.is_staff = True
        self.admin.save(update_fields=["is_staff"])
        self.client.force_login(self.admin)

    def failed_delivery(self, endpoint: WebhookEndpoint) -> WebhookDelivery:
        return WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=uuid.uuid4(),
            event_type=EventType.REQUEST_SUBMITTED,
            body='{"id":"x"}',
            status=DeliveryStatus.FAILED,
            attempts=10,
            error="HTTP 500",
        )

    def test_an_agency_admin_sends_a_failed_delivery_again(self) -> None:
        delivery = self.failed_delivery(self.endpoint)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                reverse("admin:integrations_webhookdelivery_changelist"),
                {"action": "redeliver", "_selected_action": [delivery.pk]},
            )
        self.assertEqual(r.status_code, 302)
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.SUCCEEDED)
        self.assertEqual(delivery.attempts, 1)  # a fresh count
        self.assertEqual(FakeTransport.sent[0].body, b'{"id":"x"}')  # the same bytes

    def test_an_agency_admin_rotates_a_secret_and_the_old_one_still_signs(self) -> None:
        old = self.endpoint.secret
        r = self.client.post(
            reverse("admin:integrations_webhookendpoint_changelist"),
            {"action": "rotate_secret", "_selected_action": [self.endpoint.pk]},
            follow=True,
        )
        self.assertContains(r, "۲۴ ساعت")
        self.endpoint.refresh_from_db()
        self.assertNotEqual(self.endpoint.secret, old)
        self.assertEqual(self.endpoint.signing_secrets(), [self.endpoint.secret, old])

    def test_an_agency_admin_never_sees_or_resends_another_agencys_deliveries(self) -> None:
        theirs = self.failed_delivery(self.endpoint_for(self.other_agency))
        ours = self.failed_delivery(self.endpoint)
        listing = self.client.get(reverse("admin:integrations_webhookdelivery_changelist"))
        self.assertEqual([d.pk for d in listing.context["cl"].result_list], [ours.pk])
        self.assertNotContains(listing, theirs.endpoint.url)
        endpoints = self.client.get(reverse("admin:integrations_webhookendpoint_changelist"))
        self.assertNotContains(endpoints, theirs.endpoint.url)
        page = self.client.get(
            reverse("admin:integrations_webhookdelivery_change", args=[theirs.pk])
        )
        self.assertIn(page.status_code, {302, 403, 404})
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:integrations_webhookdelivery_changelist"),
                {"action": "redeliver", "_selected_action": [theirs.pk]},
            )
        theirs.refresh_from_db()
        self.assertEqual(theirs.status, DeliveryStatus.FAILED)
        self.assertEqual(FakeTransport.sent, [])

    def test_an_agency_admin_registers_an_endpoint_and_reads_its_secret(self) -> None:
        r = self.client.post(
            reverse("admin:integrations_webhookendpoint_add"),
            {
                "url": "https://erp.example.ir/hooks",
                "events": ["request.completed"],
                "is_active": "on",
            },
        )
        self.assertEqual(r.status_code, 302)
        endpoint = WebhookEndpoint.objects.get(url="https://erp.example.ir/hooks")
        self.assertEqual(endpoint.agency, self.agency)
        self.assertTrue(endpoint.secret.startswith("whsec_"))
        page = self.client.get(
            reverse("admin:integrations_webhookendpoint_change", args=[endpoint.pk])
        )
        self.assertContains(page, endpoint.secret)

    @override_settings(WEBHOOK_REQUIRE_HTTPS=True)
    def test_an_http_address_is_refused_in_production_with_what_was_typed_kept(self) -> None:
        r = self.client.post(
            reverse("admin:integrations_webhookendpoint_add"),
            {"url": "http://erp.example.ir/hooks", "events": ["request.completed"]},
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "https://")
        self.assertContains(r, "http://erp.example.ir/hooks")
        self.assertFalse(WebhookEndpoint.objects.filter(url__startswith="http:").exists())


def _addresses(*texts: str) -> Any:
    infos = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (text, 443)) for text in texts]
    return patch("socket.getaddrinfo", return_value=infos)


class AddressTests(BaseTestCase):
    @override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
    def test_internal_addresses_are_refused(self) -> None:
        for address in ("127.0.0.1", "10.1.2.3", "192.168.1.1", "169.254.169.254", "0.0.0.0"):
            with (
                self.subTest(address=address),
                _addresses("185.1.2.3", address),
                self.assertRaisesMessage(DeliveryError, "internal address"),
            ):
                resolve("hooks.example.ir", 443)

    @override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
    def test_a_public_address_is_the_one_connected_to(self) -> None:
        with _addresses("185.1.2.3"):
            self.assertEqual(resolve("hooks.example.ir", 443), "185.1.2.3")

    @override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True)
    def test_a_setting_allows_an_agencys_own_network(self) -> None:
        with _addresses("10.1.2.3"):
            self.assertEqual(resolve("erp.agency.local", 443), "10.1.2.3")


def docs_verify() -> Any:
    """The receiver's ``verify`` exactly as docs/api.md gives it."""
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()
    start = text.index("```python\n", text.index("## Webhooks: verifying a delivery"))
    code = text[start + len("```python\n") : text.index("```", start + 10)]
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)
    return namespace["verify"]


class DocsTests(WebhookTestCase):
    def test_the_verification_sample_in_the_docs_accepts_a_real_delivery(self) -> None:
        verify = docs_verify()
        self.submit()
        (request,) = FakeTransport.sent
        body = request.body or b""
        header = request.headers[SIGNATURE_HEADER]
        self.assertTrue(verify(body, header, self.endpoint.secret))
        self.assertFalse(verify(body + b" ", header, self.endpoint.secret))
        self.assertFalse(verify(body, header, "whsec_another"))
        old = int(header.split(",")[0][2:]) + 3600
        self.assertFalse(verify(body, header, self.endpoint.secret, now=old))
        self.assertEqual(json.loads(body)["type"], "request.submitted")


class RotationTests(WebhookTestCase):
    """A rotated secret: both sign through the grace period, then only the new one."""

    def rotate(self, **kw: Any) -> tuple[str, str]:
        old = self.endpoint.secret
        self.endpoint = webhook_secret_rotate(endpoint=self.endpoint, **kw)
        return old, self.endpoint.secret

    def header(self) -> tuple[bytes, str]:
        FakeTransport.clear()
        self.submit()
        request = FakeTransport.sent[-1]
        return request.body or b"", request.headers[SIGNATURE_HEADER]

    @override_settings(WEBHOOK_SECRET_GRACE_HOURS=24)
    def test_during_the_grace_period_both_secrets_sign_the_new_one_first(self) -> None:
        old, new = self.rotate()
        self.assertNotEqual(old, new)
        body, header = self.header()
        t, *v1 = header.split(",")
        self.assertEqual(len(v1), 2)
        signed = t[2:].encode() + b"." + body
        self.assertEqual(
            [v.removeprefix("v1=") for v in v1],
            [hmac.new(k.encode(), signed, hashlib.sha256).hexdigest() for k in (new, old)],
        )
        verify = docs_verify()
        self.assertTrue(verify(body, header, new))
        self.assertTrue(verify(body, header, old))
        self.assertFalse(verify(body, header, "whsec_another"))

    @override_settings(WEBHOOK_SECRET_GRACE_HOURS=24)
    def test_after_the_grace_period_only_the_new_secret_signs(self) -> None:
        old, new = self.rotate()
        with later(hours=25):
            body, header = self.header()
        verify = docs_verify()
        now = int(header.split(",")[0][2:])
        self.assertEqual(header.count("v1="), 1)
        self.assertTrue(verify(body, header, new, now=now))
        self.assertFalse(verify(body, header, old, now=now))

    def test_no_grace_voids_the_old_secret_at_once(self) -> None:
        old, new = self.rotate(grace=datetime.timedelta(0))
        body, header = self.header()
        self.assertEqual(header.count("v1="), 1)
        self.assertFalse(docs_verify()(body, header, old))
        self.assertTrue(docs_verify()(body, header, new))

    def test_rotating_again_in_the_grace_period_retires_the_oldest(self) -> None:
        first, second = self.rotate()
        _second, third = self.rotate()
        body, header = self.header()
        verify = docs_verify()
        self.assertEqual(header.count("v1="), 2)
        self.assertTrue(verify(body, header, third))
        self.assertTrue(verify(body, header, second))
        self.assertFalse(verify(body, header, first))
