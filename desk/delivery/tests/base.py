"""A completed request made straight in the database (the request services are not under test
here), and a document issued for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from desk.delivery import services
from desk.delivery.models import IssuedDocument
from desk.lib import tracking
from desk.lib.jalali import today_tehran
from desk.submissions.models import Status, Submission
from desk.test import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

DECISION = "با درخواست موافقت شد. پروانه ساخت برای ۳ طبقه مسکونی صادر می‌شود."


class DeliveryTestCase(BaseTestCase):
    def create_submission(self) -> Submission:
        return Submission.objects.create(
            tracking_code=tracking.generate(),
            service=self.service,
            agency=self.agency,
            applicant=self.citizen,
            applicant_name="مریم رضایی",
            applicant_national_code=self.citizen.national_code or "",
            applicant_mobile=self.citizen.mobile,
            status=Status.COMPLETED,
            due_on=today_tehran(),
            closed_at=timezone.now(),
        )

    def issue(self, submission: Submission | None = None) -> IssuedDocument:
        return services.document_issue(
            submission=submission or self.create_submission(),
            title="پروانه ساختمانی",
            body=DECISION,
            issued_by=self.expert,
        )

    def download(self, document: IssuedDocument) -> Response:
        return self.client.get(reverse("delivery:download", args=[document.public_id]))

    def track(self, submission: Submission) -> Response:
        return self.client.post(
            reverse("submissions:track"),
            {"code": submission.tracking_code, "national_code": submission.applicant_national_code},
        )
