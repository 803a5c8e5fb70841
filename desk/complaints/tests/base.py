"""A rejected request, two experts who may review it, a complaint handler, and a national
oversight agency with an evaluator: what every complaints test starts from."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from desk.agencies.models import Agency, OversightLevel, Role
from desk.complaints.models import Complaint
from desk.submissions.models import Submission
from desk.submissions.tests.base import SubmissionTestCase
from desk.test import create_agency, create_staff, define_permit_workflow, give_position


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ComplaintTestCase(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        define_permit_workflow(self.service)
        self.second_expert = create_staff(self.agency, "second-expert")
        for person in (self.expert, self.second_expert):
            give_position(person, "پذیرش")
            give_position(person, "فنی")
        self.handler = create_staff(self.agency, "handler")
        self.handler.staff.handles_complaints = True
        self.handler.staff.save()
        self.manager.mobile = "+989120000001"
        self.manager.save()
        self.oversight: Agency = create_agency("سازمان اداری و استخدامی کشور", "aeo")
        self.oversight.oversight = OversightLevel.NATIONAL
        self.oversight.save()
        self.evaluator = create_staff(self.oversight, "evaluator", Role.EXPERT)

    def rejected_submission(self) -> Submission:
        """Filed, accepted at intake and rejected at the technical review by ``self.expert``."""
        submission = self.create_submission()
        for action, message in (("start_review", ""), ("accept", ""), ("reject", "نقشه ناقص است")):
            self.transition(submission, action, actor=self.expert, message=message)
        submission.refresh_from_db()
        assert submission.status == "rejected"
        return submission

    def post_twice(self, url: str, data: dict[str, Any], **extra: Any) -> Any:
        """The question page, then «check your answers» with the answers as the page carries
        them, then sending: what a browser does."""
        check = self.client.post(url, data, **extra)
        assert check.status_code == 200, check.status_code
        carried = {
            **data,
            "idempotency_key": str(check.context["form"].cleaned_data["idempotency_key"]),
        }
        return self.client.post(url, {**carried, "confirm": "1", **extra.pop("files", {})}, **extra)

    def last_complaint(self) -> Complaint:
        return Complaint.objects.order_by("-pk").first()  # type: ignore[return-value]
