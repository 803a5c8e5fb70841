from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from desk.notifications.backends import MemoryBackend
from desk.submissions.models import Status, Submission
from desk.test import PDF_BYTES, BaseTestCase


class WholePathTests(BaseTestCase):
    def _sign_in_by_sms(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                reverse("accounts:citizen_login"),
                {"national_code": "۰۰۸۴۵۷۵۹۴۸", "mobile": "۰۹۱۲۱۲۳۴۵۶۷"},
            )
        self.assertRedirects(r, reverse("accounts:citizen_verify"))
        sms = MemoryBackend.outbox[-1]
        self.assertEqual(sms["to"], "+989121234567")
        digits = re.search(r"[۰-۹]{6}", sms["body"])
        assert digits is not None
        r = self.client.post(reverse("accounts:citizen_verify"), {"code": digits.group(0)})
        self.assertRedirects(r, reverse("submissions:my_requests"))

    def test_it_walks_from_application_to_downloaded_result(self) -> None:
        self._sign_in_by_sms()
        r = self.client.get(reverse("submissions:apply", args=[self.service.slug]))
        key = r.context["form"].initial["idempotency_key"]
        r = self.client.post(
            reverse("submissions:apply", args=[self.service.slug]),
            {
                "idempotency_key": key,
                "address": "تهران، خیابان آزادی",
                "deed": SimpleUploadedFile("deed.pdf", PDF_BYTES),
            },
        )
        check = reverse("submissions:apply_check", args=[self.service.slug])
        self.assertRedirects(r, check)
        self.assertContains(self.client.get(check), "تهران، خیابان آزادی")
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(check)
        submission = Submission.objects.get()
        self.assertRedirects(r, reverse("submissions:receipt", args=[submission.tracking_code]))
        r = self.client.get(reverse("submissions:receipt", args=[submission.tracking_code]))
        self.assertContains(r, "موعد پاسخ نهایی")

        self.client.force_login(self.expert)
        url = reverse("submissions:staff_act", args=[submission.tracking_code])
        self.client.post(url, {"action": "start_review"})
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                url,
                {
                    "action": "complete",
                    "confirmed": "1",
                    "documents": SimpleUploadedFile("result.pdf", PDF_BYTES),
                },
            )
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.COMPLETED)

        self.client.logout()
        r = self.client.post(
            reverse("submissions:track"),
            {"code": submission.tracking_code, "national_code": "0084575948"},
        )
        self.assertContains(r, "انجام‌شده")
        result = submission.attachments.get(kind="result")
        # The answer's link carries its download proof (desk/submissions/proofs.py).
        r = self.client.get(
            self.link_on(r, reverse("submissions:download", args=[result.public_id]))
        )
        self.assertEqual(b"".join(r.streaming_content), PDF_BYTES)  # type: ignore[attr-defined]
        self.assertIn("انجام شد", MemoryBackend.outbox[-1]["body"])
