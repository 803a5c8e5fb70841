"""An inquiry service: agency A's request asks agency B (and C) at its second step."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from desk.agencies.models import Agency, Role
from desk.catalog.models import Service
from desk.inquiries.models import InquiryRule, OnAnswer, WaitFor
from desk.submissions import services as submissions
from desk.submissions.models import Submission
from desk.submissions.tests.base import checked_upload
from desk.test import BaseTestCase, create_agency, create_service, create_staff
from desk.workflow.services import workflow_define

QUESTION = "آیا این ملک بدهی گاز دارد؟"
ADDRESS = "تهران، خیابان آزادی، پلاک ۷"


def define_inquiry_workflow(service: Service, extra_actions: Sequence[dict[str, Any]] = ()) -> Any:
    """Intake, then an inquiry of other agencies, then the manager's decision (and any
    ``extra_actions``)."""
    steps: list[dict[str, Any]] = [
        {
            "key": "intake",
            "kind": "review",
            "is_start": True,
            "role": Role.EXPERT,
            "citizen_label": "بررسی مدارک",
            "staff_label": "بررسی اولیه",
        },
        {
            "key": "inquiry",
            "kind": "inquiry",
            "role": Role.EXPERT,
            "citizen_label": "استعلام از دستگاه‌های دیگر",
            "staff_label": "استعلام",
            "duration_days": 5,
        },
        {
            "key": "decision",
            "kind": "decision",
            "role": Role.EXPERT,
            "citizen_label": "تصمیم نهایی",
            "staff_label": "تصمیم",
        },
        {
            "key": "done",
            "kind": "end_completed",
            "citizen_label": "انجام شد",
            "staff_label": "پایان",
        },
        {"key": "rejected", "kind": "end_rejected", "citizen_label": "رد شد", "staff_label": "رد"},
    ]
    actions: list[dict[str, Any]] = [
        {"source": "intake", "target": "inquiry", "key": "accept", "label": "تأیید مدارک"},
        {"source": "inquiry", "target": "decision", "key": "go_on", "label": "ادامه بدون پاسخ"},
        {
            "source": "inquiry",
            "target": "rejected",
            "key": "reject",
            "label": "رد",
            "needs_message": True,
        },
        {
            "source": "decision",
            "target": "done",
            "key": "complete",
            "label": "صدور نتیجه",
            "needs_result": True,
        },
        {
            "source": "decision",
            "target": "rejected",
            "key": "reject",
            "label": "رد",
            "needs_message": True,
        },
    ]
    return workflow_define(service=service, steps=steps, actions=[*actions, *extra_actions])


class InquiryTestCase(BaseTestCase):
    """A: ``self.agency`` (asks); B: ``self.other_agency`` (answers); C: a third agency."""

    def setUp(self) -> None:
        super().setUp()
        self.service = create_service(self.agency, slug="property-inquiry")
        define_inquiry_workflow(self.service)
        self.third_agency = create_agency("اداره ثبت نمونه", "sample-registry")
        self.b_manager = create_staff(self.other_agency, "b-manager", Role.MANAGER)
        self.b_manager.mobile = "+989121110000"
        self.b_manager.save(update_fields=["mobile"])
        self.outsider.mobile = "+989121110001"
        self.outsider.save(update_fields=["mobile"])
        self.c_expert = create_staff(self.third_agency, "c-expert")

    def rule(
        self,
        *targets: Agency | str,
        wait_for: str = WaitFor.ALL,
        fields: str = "address",
        on_answer: str = OnAnswer.ADVANCE,
    ) -> InquiryRule:
        lines = [t if isinstance(t, str) else t.slug for t in targets]
        return InquiryRule.objects.create(
            service=self.service,
            step_key="inquiry",
            targets="\n".join(lines),
            question=QUESTION,
            shared_fields=fields,
            wait_for=wait_for,
            on_answer=on_answer,
            answer_days=5,
        )

    def file_request(self) -> Submission:
        return submissions.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": ADDRESS},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )

    def at_inquiry(self) -> Submission:
        """A request that has just entered the inquiry step (the subscribers have run)."""
        submission = self.file_request()
        with self.captureOnCommitCallbacks(execute=True):
            for action in ("start_review", "accept"):
                submissions.submission_transition(
                    submission_id=submission.pk, actor=self.expert, action=action
                )
        submission.refresh_from_db()
        return submission
