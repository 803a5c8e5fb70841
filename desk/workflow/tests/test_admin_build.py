"""An agency admin does their job in the admin: builds a workflow from nothing (departments
with positions, a draft version, steps, actions), publishes it, and a request flows through it;
and cannot point a step, a position or the overdue rule at another agency."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.urls import reverse

from desk.agencies.models import Role
from desk.submissions import services as submissions
from desk.submissions.escalation import escalate_overdue_steps
from desk.submissions.models import Status
from desk.submissions.tests.base import checked_upload
from desk.test import BaseTestCase, create_service, create_staff
from desk.workflow.models import (
    Department,
    EscalationRule,
    Position,
    Step,
    StepKind,
    WorkflowVersion,
)
from desk.workflow.services import workflow_check


def _inline(prefix: str, rows: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    """An admin inline's POST: its management form and one block of fields per row."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


class AgencyAdminTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency_admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.agency_admin.is_staff = True
        self.agency_admin.save()
        self.client.force_login(self.agency_admin)
        self.theirs = Department.objects.create(agency=self.other_agency, name="واحد گاز")

    def post(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.post(url, data)


class BuildWorkflowInTheAdminTests(AgencyAdminTestCase):
    def test_an_agency_admin_builds_publishes_and_runs_a_new_workflow(self) -> None:
        service = create_service(self.agency, slug="tree-felling", title="مجوز قطع درخت")
        reviewer = create_staff(self.agency, "reviewer")

        # A department with the reviewer's position in it.
        r = self.post(
            reverse("admin:workflow_department_add"),
            {
                "name": "فضای سبز",
                **_inline("positions", [{"staff": reviewer.staff.pk, "role": "expert"}]),
            },
        )
        self.assertEqual(r.status_code, 302, r.context and r.context["errors"])
        green = Department.objects.get(name="فضای سبز")
        self.assertEqual(green.agency, self.agency)
        self.assertTrue(Position.objects.filter(staff=reviewer.staff, department=green).exists())

        # A draft version of a service that has no workflow yet.
        r = self.post(
            reverse("admin:workflow_workflowversion_add"),
            {"service": service.pk, "note": "مسیر تازه"},
        )
        self.assertEqual(r.status_code, 302, r.context and r.context["errors"])
        version = WorkflowVersion.objects.get(workflow__service=service)
        self.assertFalse(version.steps.exists())

        # Its steps, on the version's page.
        steps: list[dict[str, Any]] = [
            {"order": "1", "key": "review", "kind": "review", "is_start": "on",
             "citizen_label": "در حال بررسی", "staff_label": "بررسی کارشناس فضای سبز",
             "role": "expert", "department": green.pk, "duration_days": "2"},
            {"order": "2", "key": "done", "kind": "end_completed",
             "citizen_label": "مجوز صادر شد", "staff_label": "صادرشده", "duration_days": "1"},
            {"order": "3", "key": "rejected", "kind": "end_rejected",
             "citizen_label": "رد شد", "staff_label": "ردشده", "duration_days": "1"},
        ]  # fmt: skip
        r = self.post(
            reverse("admin:workflow_workflowversion_change", args=[version.pk]),
            {"note": "مسیر تازه", **_inline("steps", steps)},
        )
        self.assertEqual(r.status_code, 302, r.context and r.context["errors"])
        review = Step.objects.get(version=version, key="review")
        done = Step.objects.get(version=version, key="done")
        rejected = Step.objects.get(version=version, key="rejected")

        # The review step's actions, on the step's page.
        actions: list[dict[str, Any]] = [
            {"order": "1", "key": "complete", "label": "صدور مجوز", "target": done.pk,
             "needs_result": "on"},
            {"order": "2", "key": "reject", "label": "رد درخواست", "target": rejected.pk,
             "needs_message": "on", "roles": ["manager", "expert"]},
        ]  # fmt: skip
        step_fields = {
            "order": "1",
            "key": "review",
            "kind": "review",
            "is_start": "on",
            "citizen_label": "در حال بررسی",
            "staff_label": "بررسی کارشناس فضای سبز",
            "role": "expert",
            "department": green.pk,
            "duration_days": "2",
        }
        r = self.post(
            reverse("admin:workflow_step_change", args=[review.pk]),
            {**step_fields, **_inline("actions", actions)},
        )
        self.assertEqual(r.status_code, 302, r.context and r.context["errors"])
        self.assertEqual(review.actions.count(), 2)
        # Who may take an action: ticked roles, kept in the roles' order; none, the step's.
        self.assertEqual(review.actions.get(key="reject").roles, ["expert", "manager"])
        self.assertEqual(review.actions.get(key="complete").roles, [])
        page = self.client.get(reverse("admin:workflow_step_change", args=[review.pk]))
        self.assertContains(page, 'type="checkbox" name="actions-1-roles" value="manager"')
        self.assertContains(page, "مدیر")

        # Published from the list, as the admin does it.
        r = self.post(
            reverse("admin:workflow_workflowversion_changelist"),
            {"action": "publish", "_selected_action": [version.pk]},
        )
        self.assertEqual(r.status_code, 302)
        version.refresh_from_db()
        self.assertTrue(version.is_published, workflow_check(version))

        # A citizen's request now runs on it: the reviewer completes it with the permit.
        service.is_published = True
        service.save()
        submission = submissions.submission_create(
            service=service,
            applicant=self.citizen,
            answers={"address": "تهران، بوستان"},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )
        self.assertEqual(submission.workflow_version, version)
        self.assertEqual(submission.current_step, review)
        self.assertEqual(submission.department, green)
        self.client.force_login(reviewer)
        inbox = self.client.get(reverse("submissions:inbox"))
        self.assertIn(
            submission.tracking_code, [row.tracking_code for row in inbox.context["inbox"]]
        )
        submissions.submission_transition(
            submission_id=submission.pk, actor=reviewer, action="start_review"
        )
        done_request = submissions.submission_transition(
            submission_id=submission.pk,
            actor=reviewer,
            action="complete",
            files=[checked_upload("permit.pdf")],
        )
        self.assertEqual(done_request.status, Status.COMPLETED)
        self.assertEqual(done_request.current_step, done)

    def test_a_published_version_is_read_only_for_the_agency_admin(self) -> None:
        from desk.test import define_permit_workflow

        version = define_permit_workflow(self.service)
        r = self.client.get(reverse("admin:workflow_workflowversion_change", args=[version.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertFalse(r.context["has_change_permission"])
        step = version.steps.first()
        assert step is not None
        r = self.client.get(reverse("admin:workflow_step_change", args=[step.pk]))
        self.assertFalse(r.context["has_change_permission"])


class DepartmentFixTests(AgencyAdminTestCase):
    def setUp(self) -> None:
        super().setUp()
        from desk.workflow.services import workflow_draft_create

        self.draft = workflow_draft_create(service=self.service, actor=self.agency_admin)
        self.step = Step.objects.create(
            version=self.draft,
            key="review",
            kind=StepKind.REVIEW,
            is_start=True,
            citizen_label="بررسی",
            staff_label="بررسی",
            role=Role.EXPERT,
        )

    def test_a_step_cannot_be_pointed_at_another_agencys_department(self) -> None:
        r = self.post(
            reverse("admin:workflow_step_change", args=[self.step.pk]),
            {
                "order": "0",
                "key": "review",
                "kind": "review",
                "is_start": "on",
                "citizen_label": "بررسی",
                "staff_label": "بررسی",
                "role": "expert",
                "department": self.theirs.pk,
                "duration_days": "1",
                **_inline("actions", []),
            },
        )
        self.assertEqual(r.status_code, 200)
        self.assertIn("department", r.context["adminform"].form.errors)
        self.step.refresh_from_db()
        self.assertIsNone(self.step.department)

    def test_the_model_refuses_another_agencys_department_even_for_an_operator(self) -> None:
        from django.core.exceptions import ValidationError

        self.step.department = self.theirs
        with self.assertRaises(ValidationError) as caught:
            self.step.full_clean()
        self.assertIn("department", caught.exception.message_dict)

    def test_publishing_refuses_a_step_routed_to_another_agency(self) -> None:
        Step.objects.filter(pk=self.step.pk).update(department=self.theirs)
        problems = workflow_check(self.draft)
        self.assertTrue(any("دستگاه دیگری" in p for p in problems), problems)

    def test_a_position_cannot_place_another_agencys_staff(self) -> None:
        own = Department.objects.create(agency=self.agency, name="فنی")
        r = self.post(
            reverse("admin:workflow_department_change", args=[own.pk]),
            {
                "name": "فنی",
                **_inline("positions", [{"staff": self.outsider.staff.pk, "role": "expert"}]),
            },
        )
        self.assertEqual(r.status_code, 200)
        self.assertFalse(Position.objects.filter(department=own).exists())


class EscalationRuleFixTests(AgencyAdminTestCase):
    ADD = reverse("admin:workflow_escalationrule_add")

    def test_the_rule_is_forced_into_the_agency_admins_agency(self) -> None:
        r = self.post(
            self.ADD, {"agency": self.other_agency.pk, "reassign_to": self.manager.staff.pk}
        )
        self.assertEqual(r.status_code, 302, r.context and r.context["errors"])
        rule = EscalationRule.objects.get()
        self.assertEqual(rule.agency, self.agency)
        self.assertEqual(rule.reassign_to, self.manager.staff)

    def test_work_cannot_be_reassigned_to_another_agencys_staff(self) -> None:
        r = self.client.get(self.ADD)
        choices = r.context["adminform"].form.fields["reassign_to"].queryset
        self.assertNotIn(self.outsider.staff, choices)
        self.assertIn(self.manager.staff, choices)
        r = self.post(self.ADD, {"reassign_to": self.outsider.staff.pk})
        self.assertEqual(r.status_code, 200)
        self.assertIn("reassign_to", r.context["adminform"].form.errors)
        self.assertFalse(EscalationRule.objects.exists())

    def test_a_second_rule_for_the_agency_is_a_form_error(self) -> None:
        EscalationRule.objects.create(agency=self.agency)
        r = self.post(self.ADD, {"reassign_to": self.manager.staff.pk})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(EscalationRule.objects.count(), 1)

    def test_the_job_never_reassigns_to_another_agencys_staff(self) -> None:
        from desk.test import define_permit_workflow

        define_permit_workflow(self.service)
        # A rule written around the admin (a shell, old data) still cannot hand work across.
        EscalationRule.objects.create(agency=self.agency, reassign_to=self.outsider.staff)
        submission = submissions.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران"},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )
        assert submission.step_due_on is not None
        escalate_overdue_steps(today=submission.step_due_on + timedelta(days=1))
        submission.refresh_from_db()
        self.assertIsNotNone(submission.escalated_at)
        self.assertIsNone(submission.assigned_to)
