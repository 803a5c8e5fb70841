"""``Idempotency-Key``: a replay gets the first answer, another payload 422, a call while the
first runs 409, and 50 concurrent duplicates file exactly one request."""

from __future__ import annotations

import threading
import unittest
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TransactionTestCase, override_settings
from django.utils import timezone

from desk.api.models import IdempotencyRecord
from desk.api.services import api_cleanup
from desk.api.tests.base import ApiTestCase, new_key, token_for
from desk.submissions.models import Submission
from desk.test import (
    PDF_BYTES,
    create_agency,
    create_citizen,
    create_service,
    isolate_cache,
    serial,
)


def application(address: str = "تهران") -> dict[str, object]:
    return {
        "service": "building-permit",
        "address": address,
        "deed": SimpleUploadedFile("deed.pdf", PDF_BYTES, "application/pdf"),
    }


class IdempotencyTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token = token_for(self.citizen)

    def file(self, key: str, address: str = "تهران") -> Any:
        return self.call(
            "post",
            "/api/v1/me/requests/",
            self.token,
            application(address),
            key=key,
            multipart=True,
        )

    def test_a_replay_gets_the_first_answer_and_files_nothing_more(self) -> None:
        key = new_key()
        first = self.file(key)
        again = self.file(key)
        self.assertEqual(first.status_code, 201)
        self.assertEqual(again.status_code, 201)
        self.assertEqual(again.json(), first.json())
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(again["Location"], first["Location"])
        self.assertEqual(Submission.objects.count(), 1)

    def test_the_same_key_with_another_payload_is_422(self) -> None:
        key = new_key()
        self.file(key)
        other = self.file(key, address="اصفهان")
        self.assertEqual(other.status_code, 422)
        self.assertEqual(other.json()["type"], "urn:mizkhedmat:problem:idempotency-key-reused")
        self.assertIn(key, other.json()["detail"])
        self.assertEqual(Submission.objects.count(), 1)

    def test_a_call_while_the_first_is_running_is_409(self) -> None:
        key = new_key()
        self.file(key)
        # As if the first call had not answered yet.
        IdempotencyRecord.objects.filter(key=key).update(status_code=None, body=None)
        running = self.file(key)
        self.assertEqual(running.status_code, 409)
        self.assertEqual(running.json()["type"], "urn:mizkhedmat:problem:in-progress")
        self.assertEqual(Submission.objects.count(), 1)

    def test_keys_are_each_callers_own(self) -> None:
        key = new_key()
        self.file(key)
        other = create_citizen("0499370899", "+989121111111")
        got = self.call(
            "post", "/api/v1/me/requests/", token_for(other), application(), key=key, multipart=True
        )
        self.assertEqual(got.status_code, 201)
        self.assertEqual(Submission.objects.count(), 2)

    def test_a_refusal_is_kept_and_replayed_too(self) -> None:
        key = new_key()
        first = self.call(
            "post",
            "/api/v1/me/requests/",
            self.token,
            {"service": "nothing"},
            key=key,
            multipart=True,
        )
        again = self.call(
            "post",
            "/api/v1/me/requests/",
            self.token,
            {"service": "nothing"},
            key=key,
            multipart=True,
        )
        self.assertEqual(first.status_code, 400)
        self.assertEqual(again.json(), first.json())
        self.assertEqual(again["Content-Type"], "application/problem+json")

    def test_keys_are_forgotten_after_a_day(self) -> None:
        key = new_key()
        self.file(key)
        IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
        self.assertEqual(api_cleanup(), (1, 0))
        self.assertFalse(IdempotencyRecord.objects.exists())

    def test_a_key_too_long_is_refused(self) -> None:
        got = self.file("k" * 300)
        self.assertEqual(got.status_code, 400)
        self.assertIn("Idempotency-Key", got.json()["errors"])


@serial
@override_settings(
    SUBMISSIONS_PER_CITIZEN_PER_HOUR=1000,
    SUBMISSIONS_PER_ADDRESS_PER_HOUR=1000,
    UPLOADS_PER_CITIZEN_PER_HOUR=1000,
    UPLOADS_PER_ADDRESS_PER_HOUR=1000,
    API_REQUESTS_PER_IP_PER_MINUTE=1000,
    API_REQUESTS_PER_TOKEN_PER_MINUTE=1000,
)
class ConcurrentDuplicatesTest(TransactionTestCase):
    """Real threads, each with its own database connection: PostgreSQL (CI's second pass).
    SQLite serialises writers on one file, which is no test of the race."""

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            raise unittest.SkipTest("needs PostgreSQL: concurrent writers")
        isolate_cache()
        agency = create_agency()
        create_service(agency)
        self.token = token_for(create_citizen())

    def test_fifty_concurrent_duplicates_file_exactly_one_request(self) -> None:
        key = new_key()
        barrier = threading.Barrier(50)
        statuses: list[int] = []
        lock = threading.Lock()

        def send() -> None:
            client = Client()
            try:
                barrier.wait()
                got = client.post(
                    "/api/v1/me/requests/",
                    application(),
                    HTTP_IDEMPOTENCY_KEY=key,
                    HTTP_AUTHORIZATION=f"Bearer {self.token}",
                )
                with lock:
                    statuses.append(got.status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(Submission.objects.count(), 1)
        self.assertEqual(len(statuses), 50)
        self.assertTrue(set(statuses) <= {201, 409}, statuses)
        self.assertGreaterEqual(statuses.count(201), 1)
