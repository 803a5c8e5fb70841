"""A double click or a retried POST creates one request; tracking code collisions are retried."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING
from unittest import mock

from django.urls import reverse

from desk.lib import tracking
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Submission, TimelineEvent
from desk.submissions.tests.base import SubmissionTestCase, upload

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


class IdempotencyTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("submissions:apply", args=[self.service.slug])
        self.client.force_login(self.citizen)

    def post(self, key: str, address: str = "تهران، خیابان آزادی") -> Response:
        """The form, then «check your answers» and send."""
        self.client.post(self.url, {"idempotency_key": key, "address": address, "deed": upload()})
        return self.client.post(reverse("submissions:apply_check", args=[self.service.slug]))

    def test_it_gives_each_form_a_fresh_key(self) -> None:
        first = self.client.get(self.url).context["form"].initial["idempotency_key"]
        second = self.client.get(self.url).context["form"].initial["idempotency_key"]
        self.assertNotEqual(first, second)

    def test_it_creates_one_request_for_the_same_key_posted_twice(self) -> None:
        key = str(uuid.uuid4())
        first = self.post(key)
        second = self.post(key)
        submission = Submission.objects.get()
        receipt = reverse("submissions:receipt", args=[submission.tracking_code])
        self.assertRedirects(first, receipt)
        self.assertRedirects(second, receipt)
        self.assertEqual(submission.attachments.count(), 1)
        self.assertEqual(TimelineEvent.objects.count(), 1)
        self.assertEqual(OutboundMessage.objects.count(), 1)

    def test_it_keeps_the_first_answers_when_the_key_is_reused(self) -> None:
        key = str(uuid.uuid4())
        self.post(key, "نشانی اول")
        self.post(key, "نشانی دوم")
        self.assertEqual(Submission.objects.get().data["address"], "نشانی اول")

    def test_it_creates_two_requests_for_two_keys(self) -> None:
        first = self.post(str(uuid.uuid4()))
        second = self.post(str(uuid.uuid4()))
        self.assertEqual(Submission.objects.count(), 2)
        self.assertNotEqual(first["Location"], second["Location"])

    def test_it_refuses_a_key_already_used_by_someone_else(self) -> None:
        key = str(uuid.uuid4())
        self.post(key)
        self.client.force_login(self.other_citizen)
        r = self.post(key)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "این فرم قبلاً ارسال شده است. صفحه را تازه کنید.")
        self.assertEqual(Submission.objects.get().applicant, self.citizen)

    def test_it_retries_a_tracking_code_collision(self) -> None:
        existing = self.create_submission()
        fresh = tracking.generate()
        with mock.patch(
            "desk.lib.tracking.generate", side_effect=[existing.tracking_code, fresh]
        ) as generate:
            r = self.post(str(uuid.uuid4()))
        self.assertEqual(generate.call_count, 2)
        self.assertRedirects(r, reverse("submissions:receipt", args=[fresh]))
        created = Submission.objects.get(tracking_code=fresh)
        self.assertEqual(created.attachments.count(), 1)
        self.assertEqual(created.events.count(), 1)
        self.assertEqual(Submission.objects.count(), 2)
        existing.refresh_from_db()
        self.assertEqual(existing.data["address"], "تهران، خیابان آزادی، پلاک ۱۲")

    def test_it_gives_up_politely_when_codes_keep_colliding(self) -> None:
        existing = self.create_submission()
        with mock.patch("desk.lib.tracking.generate", return_value=existing.tracking_code):
            r = self.post(str(uuid.uuid4()))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "ثبت درخواست انجام نشد. لطفاً دوباره تلاش کنید.")
        self.assertContains(r, "تهران، خیابان آزادی")
        self.assertEqual(Submission.objects.count(), 1)

    def test_it_accepts_a_form_that_lost_its_key_with_a_fresh_one(self) -> None:
        self.client.post(self.url, {"address": "تهران", "deed": upload()})
        r = self.client.post(reverse("submissions:apply_check", args=[self.service.slug]))
        submission = Submission.objects.get()
        self.assertRedirects(r, reverse("submissions:receipt", args=[submission.tracking_code]))
