# mypy: disable-error-code="union-attr"
from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.calendars.models import HolidayOverride
from desk.core.errors import ApplicationError
from desk.notifications.models import OutboundMessage
from desk.submissions import services
from desk.submissions.escalation import escalate_overdue_steps
from desk.submissions.models import EventKind, Status, Submission
from desk.submissions.tests.base import checked_upload
from desk.test import (
    BaseTestCase,
    create_staff,
    define_permit_workflow,
    give_position,
)
from desk.workflow.models import EscalationRule, Step, StepKind, WorkflowVersion
from desk.workflow.services import workflow_check, workflow_define, workflow_new_version


class WorkflowTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.version = define_permit_workflow(self.service)
        self.intake = create_staff(self.agency, "intake")
        give_position(self.intake, "پذیرش")
        self.engineer = create_staff(self.agency, "engineer")
        give_position(self.engineer, "فنی")
        self.cashier = create_staff(self.agency, "cashier")
        give_position(self.cashier, "درآمد")

    def submit(self) -> Submission:
        return services.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران"},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )

    def act(self, submission: Submission, actor, action: str, **kwargs) -> Submission:
        return services.submission_transition(
            submission_id=submission.pk, actor=actor, action=action, **kwargs
        )


class TransitionTests(WorkflowTestCase):
    def test_it_walks_a_request_through_three_departments(self) -> None:
        s = self.submit()
        self.assertEqual(s.current_step.key, "intake")
        self.assertEqual(s.department.name, "پذیرش")
        self.act(s, self.intake, "accept")
        s.refresh_from_db()
        self.assertEqual((s.current_step.key, s.department.name), ("technical", "فنی"))
        self.act(s, self.engineer, "approve")
        self.act(s, self.cashier, "confirm_payment")
        s = self.act(s, self.manager, "complete", files=[checked_upload("permit.pdf")])
        self.assertEqual(s.status, Status.COMPLETED)
        kinds = list(s.events.values_list("kind", flat=True))
        self.assertEqual(
            kinds,
            ["submitted", "step_changed", "step_changed", "step_changed", "completed"],
        )

    def test_it_refuses_an_expert_of_another_department(self) -> None:
        s = self.submit()
        with self.assertRaisesMessage(ApplicationError, "شما اجازه این اقدام را ندارید."):
            self.act(s, self.engineer, "accept")
        s.refresh_from_db()
        self.assertEqual(s.current_step.key, "intake")

    def test_it_refuses_an_expert_without_a_department(self) -> None:
        # The persona expert has the agency role but no place in «پذیرش».
        with self.assertRaisesMessage(ApplicationError, "شما اجازه این اقدام را ندارید."):
            self.act(self.submit(), self.expert, "accept")

    def test_it_refuses_a_step_meant_for_a_manager(self) -> None:
        s = self.submit()
        self.act(s, self.intake, "accept")
        self.act(s, self.engineer, "approve")
        self.act(s, self.cashier, "confirm_payment")
        with self.assertRaisesMessage(ApplicationError, "شما اجازه این اقدام را ندارید."):
            self.act(s, self.engineer, "complete", files=[checked_upload()])

    def test_it_refuses_an_action_of_another_step(self) -> None:
        s = self.submit()
        with self.assertRaisesMessage(ApplicationError, "ممکن نیست"):
            self.act(s, self.intake, "approve")

    def test_it_refuses_an_action_no_step_has(self) -> None:
        with self.assertRaisesMessage(ApplicationError, "این اقدام شناخته‌شده نیست."):
            self.act(self.submit(), self.intake, "teleport")

    def test_it_shows_each_department_its_own_work(self) -> None:
        s = self.submit()
        inbox = reverse("submissions:inbox")
        self.client.force_login(self.intake)
        self.assertContains(self.client.get(inbox), s.tracking_code)
        self.client.force_login(self.engineer)
        self.assertNotContains(self.client.get(inbox), s.tracking_code)
        self.act(s, self.intake, "accept")
        self.assertContains(self.client.get(inbox), s.tracking_code)
        self.client.force_login(self.intake)
        self.assertNotContains(self.client.get(inbox), s.tracking_code)

    def test_it_shows_a_manager_everything_of_the_agency(self) -> None:
        s = self.submit()
        self.client.force_login(self.manager)
        self.assertContains(self.client.get(reverse("submissions:inbox")), s.tracking_code)


class AssignmentTests(WorkflowTestCase):
    def test_a_manager_assigns_and_others_of_the_step_then_cannot_act(self) -> None:
        other = create_staff(self.agency, "intake2")
        give_position(other, "پذیرش")
        s = self.submit()
        services.submission_assign(submission_id=s.pk, actor=self.manager, assignee=self.intake)
        with self.assertRaisesMessage(ApplicationError, "شما اجازه این اقدام را ندارید."):
            self.act(s, other, "accept")
        self.act(s, self.intake, "accept")
        event = s.events.get(kind=EventKind.ASSIGNED)
        self.assertFalse(event.is_public)

    def test_only_a_manager_assigns(self) -> None:
        s = self.submit()
        with self.assertRaisesMessage(ApplicationError, "فقط مدیر"):
            services.submission_assign(submission_id=s.pk, actor=self.intake, assignee=self.intake)

    def test_a_manager_cannot_assign_to_another_agency(self) -> None:
        s = self.submit()
        with self.assertRaisesMessage(ApplicationError, "این کارمند در دستگاه شما نیست."):
            services.submission_assign(
                submission_id=s.pk, actor=self.manager, assignee=self.outsider
            )

    def test_assigning_through_the_page(self) -> None:
        s = self.submit()
        self.client.force_login(self.manager)
        r = self.client.post(
            reverse("submissions:staff_assign", args=[s.tracking_code]),
            {"assignee": self.intake.pk},
        )
        self.assertRedirects(r, reverse("submissions:staff_request", args=[s.tracking_code]))
        s.refresh_from_db()
        self.assertEqual(s.assigned_to, self.intake)

    def test_a_request_is_not_given_to_a_closed_account(self) -> None:
        s = self.submit()
        self.intake.is_active = False
        self.intake.save()
        self.client.force_login(self.manager)
        url = reverse("submissions:staff_request", args=[s.tracking_code])
        self.assertNotContains(self.client.get(url), f'<option value="{self.intake.pk}"')
        r = self.client.post(
            reverse("submissions:staff_assign", args=[s.tracking_code]),
            {"assignee": self.intake.pk},
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "این همکار در فهرست نیست یا حسابش بسته است", status_code=400)
        s.refresh_from_db()
        self.assertIsNone(s.assigned_to)


class ReferralTests(WorkflowTestCase):
    def test_it_refers_to_another_department_with_a_note(self) -> None:
        s = self.submit()
        self.client.force_login(self.intake)
        department = self.engineer.staff.positions.get().department
        r = self.client.post(
            reverse("submissions:staff_refer", args=[s.tracking_code]),
            {"department": department.pk, "note": "نیاز به نظر فنی دارد"},
        )
        self.assertEqual(r.status_code, 302)
        s.refresh_from_db()
        self.assertEqual(s.department, department)
        self.client.force_login(self.engineer)
        self.assertContains(self.client.get(reverse("submissions:inbox")), s.tracking_code)
        # Internal: the citizen's timeline does not show the referral.
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:my_request", args=[s.tracking_code]))
        self.assertNotContains(r, "نیاز به نظر فنی")

    def test_a_referral_needs_a_note_and_keeps_what_was_typed(self) -> None:
        s = self.submit()
        self.client.force_login(self.intake)
        department = self.engineer.staff.positions.get().department
        r = self.client.post(
            reverse("submissions:staff_refer", args=[s.tracking_code]),
            {"department": department.pk, "note": ""},
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "«علت ارجاع» را وارد کنید.", status_code=400)
        self.assertContains(r, "<title>خطا: درخواست", status_code=400, html=False)

    def test_outsider_staff_cannot_refer(self) -> None:
        s = self.submit()
        self.client.force_login(self.outsider)
        r = self.client.post(
            reverse("submissions:staff_refer", args=[s.tracking_code]),
            {"department": 1, "note": "x"},
        )
        self.assertEqual(r.status_code, 404)


class VersionTests(WorkflowTestCase):
    def test_a_running_request_keeps_its_version(self) -> None:
        old = self.submit()
        draft = workflow_new_version(workflow=self.version.workflow)
        # The new version drops the technical step: intake leads straight to payment.
        draft.steps.get(key="intake").actions.filter(key="accept").update(
            target=draft.steps.get(key="payment")
        )
        draft.steps.get(key="technical").delete()
        from desk.workflow.services import workflow_publish

        workflow_publish(version=draft)
        new = self.submit()
        self.assertEqual(old.workflow_version, self.version)
        self.assertEqual(new.workflow_version, draft)
        self.act(old, self.intake, "accept")
        self.act(new, self.intake, "accept")
        old.refresh_from_db()
        new.refresh_from_db()
        self.assertEqual(old.current_step.key, "technical")
        self.assertEqual(new.current_step.key, "payment")

    def test_a_published_version_is_frozen_in_the_admin(self) -> None:
        admin_user = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin_user.is_staff = True
        admin_user.save()
        self.client.force_login(admin_user)
        url = reverse("admin:workflow_workflowversion_change", args=[self.version.pk])
        r = self.client.post(url, {"note": "x"})
        self.assertIn(r.status_code, (302, 403))
        self.version.refresh_from_db()
        self.assertEqual(self.version.note, "")

    def test_a_version_published_in_the_admin_takes_the_very_next_request(self) -> None:
        self.submit()  # the start of the old version is cached now
        draft = workflow_new_version(workflow=self.version.workflow)
        self.client.force_login(self.root())
        r = self.client.post(
            reverse("admin:workflow_workflowversion_changelist"),
            {"action": "publish", "_selected_action": [draft.pk]},
        )
        self.assertEqual(r.status_code, 302)
        new = self.submit()
        self.assertEqual(new.workflow_version, draft)
        self.assertEqual(new.current_step, draft.steps.get(is_start=True))

    def root(self) -> User:
        return User.objects.create_superuser("root", password="x-Strong-pass-1404")


class GraphCheckTests(WorkflowTestCase):
    def draft(self) -> WorkflowVersion:
        return workflow_new_version(workflow=self.version.workflow)

    def test_the_demo_shape_is_sound(self) -> None:
        self.assertEqual(workflow_check(self.version), [])

    def test_it_needs_exactly_one_start(self) -> None:
        draft = self.draft()
        draft.steps.filter(key="technical").update(is_start=True)
        self.assertIn("دقیقاً یک مرحله آغاز", " ".join(workflow_check(draft)))

    def test_it_finds_a_step_nobody_reaches(self) -> None:
        draft = self.draft()
        Step.objects.create(
            version=draft,
            key="orphan",
            kind=StepKind.REVIEW,
            role=Role.EXPERT,
            citizen_label="x",
            staff_label="یتیم",
        ).actions.create(key="go", label="x", target=draft.steps.get(key="done"))
        self.assertIn("«یتیم» از آغاز گردش کار در دسترس نیست", " ".join(workflow_check(draft)))

    def test_it_finds_a_step_with_no_way_to_an_end(self) -> None:
        draft = self.draft()
        payment = draft.steps.get(key="payment")
        payment.actions.update(target=payment)  # a loop with no way out
        self.assertIn(
            "از مرحله «تأیید پرداخت عوارض» راهی به پایان نیست", " ".join(workflow_check(draft))
        )

    def test_it_refuses_to_publish_a_broken_version(self) -> None:
        draft = self.draft()
        draft.steps.filter(key="decision").first().actions.all().delete()
        from desk.workflow.services import workflow_publish

        with self.assertRaises(ApplicationError):
            workflow_publish(version=draft)
        draft.refresh_from_db()
        self.assertIsNone(draft.published_at)

    def test_define_refuses_a_graph_with_an_end_that_leads_on(self) -> None:
        with self.assertRaises(ApplicationError):
            workflow_define(
                service=self.service,
                steps=[
                    {
                        "key": "a",
                        "kind": "review",
                        "is_start": True,
                        "role": "expert",
                        "citizen_label": "a",
                        "staff_label": "a",
                    },
                    {
                        "key": "z",
                        "kind": "end_completed",
                        "citizen_label": "z",
                        "staff_label": "پایان",
                    },
                ],
                actions=[
                    {"source": "a", "target": "z", "key": "go", "label": "go"},
                    {"source": "z", "target": "a", "key": "back", "label": "back"},
                ],
            )


class ClockTests(WorkflowTestCase):
    def test_the_clock_stops_while_the_citizen_is_asked(self) -> None:
        s = self.submit()
        due_before = s.due_on
        self.act(s, self.intake, "request_info", message="سند ناخواناست")
        s.refresh_from_db()
        self.assertTrue(s.is_paused)
        self.assertFalse(s.is_overdue(today=due_before + timedelta(days=30)))
        # The citizen answers five calendar days later.
        later = timezone.now() + timedelta(days=5)
        with mock.patch(
            "desk.submissions.deadlines.today_tehran", return_value=timezone.localdate(later)
        ):
            self.act(s, self.citizen, "provide_info", message="ارسال شد")
        s.refresh_from_db()
        self.assertFalse(s.is_paused)
        self.assertGreater(s.paused_days, 0)
        self.assertGreater(s.due_on, due_before)
        self.assertEqual(s.current_step.key, "intake")


class EscalationTests(WorkflowTestCase):
    def test_it_escalates_an_overdue_step_once(self) -> None:
        self.manager.mobile = "+989121111111"
        self.manager.save()
        s = self.submit()
        assert s.step_due_on is not None
        later = s.step_due_on + timedelta(days=1)
        self.assertEqual(escalate_overdue_steps(today=later), 1)
        self.assertEqual(escalate_overdue_steps(today=later), 0)
        s.refresh_from_db()
        self.assertIsNotNone(s.escalated_at)
        event = s.events.get(kind=EventKind.ESCALATED)
        self.assertFalse(event.is_public)
        self.assertIsNone(event.actor)
        self.assertEqual(
            OutboundMessage.objects.filter(kind="escalation", to="+989121111111").count(), 1
        )

    def test_it_applies_the_agency_rule(self) -> None:
        EscalationRule.objects.create(agency=self.agency, reassign_to=self.manager.staff)
        s = self.submit()
        assert s.step_due_on is not None
        escalate_overdue_steps(today=s.step_due_on + timedelta(days=1))
        s.refresh_from_db()
        self.assertEqual(s.assigned_to, self.manager)

    def test_it_leaves_steps_within_their_deadline(self) -> None:
        s = self.submit()
        self.assertEqual(escalate_overdue_steps(today=s.step_due_on or date.today()), 0)

    def test_a_new_step_can_be_escalated_again(self) -> None:
        s = self.submit()
        assert s.step_due_on is not None
        escalate_overdue_steps(today=s.step_due_on + timedelta(days=1))
        self.act(s, self.intake, "accept")
        s.refresh_from_db()
        self.assertIsNone(s.escalated_at)
        assert s.step_due_on is not None
        self.assertEqual(escalate_overdue_steps(today=s.step_due_on + timedelta(days=1)), 1)

    def test_the_inbox_puts_an_overdue_step_first(self) -> None:
        late = self.submit()
        fresh = self.submit()
        Submission.objects.filter(pk=late.pk).update(step_due_on=date(2000, 1, 1))
        self.client.force_login(self.intake)
        r = self.client.get(reverse("submissions:inbox"))
        codes = [s.tracking_code for s in r.context["inbox"]]
        self.assertEqual(codes[:2], [late.tracking_code, fresh.tracking_code])


class StaffPageTests(WorkflowTestCase):
    def test_it_explains_how_the_deadline_was_calculated(self) -> None:
        s = self.submit()
        self.client.force_login(self.intake)
        r = self.client.get(reverse("submissions:staff_request", args=[s.tracking_code]))
        self.assertContains(r, "محاسبه موعد پاسخ")
        self.assertContains(r, "بررسی اولیه مدارک")
        self.assertContains(r, "پذیرش")


class ClosureTests(WorkflowTestCase):
    def setUp(self) -> None:
        super().setUp()
        from desk.accounts.models import User

        self.root = User.objects.create_superuser("root", password="x-Strong-pass-1404")

    def post(self, url: str, data: dict[str, Any]) -> Any:
        """An admin POST, with what its save announces run after commit (jobs run inline)."""
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data)

    def next_working_day_after(self, day: date) -> date:
        from desk.calendars.selectors import calendar_for_agency

        return calendar_for_agency(self.agency).add_working_days(day, 1)

    def test_a_closure_moves_the_deadlines_of_running_requests(self) -> None:
        from desk.calendars.services import closure_create, closure_delete

        s = self.submit()
        before = s.due_on
        closed = self.next_working_day_after(timezone.localdate(s.submitted_at))
        with self.captureOnCommitCallbacks(execute=True):
            closure = closure_create(
                created_by=self.root,
                scope="national",
                start=closed,
                end=closed,
                kind="pollution",
                reason="آلودگی هوا",
            )
        s.refresh_from_db()
        self.assertGreater(s.due_on, before)
        self.assertEqual(s.due_on, self.next_working_day_after(before))
        with self.captureOnCommitCallbacks(execute=True):
            closure_delete(closure=closure, deleted_by=self.root)
        s.refresh_from_db()
        self.assertEqual(s.due_on, before)

    def test_a_closure_leaves_finished_requests_alone(self) -> None:
        from desk.calendars.services import closure_create

        s = self.submit()
        Submission.objects.filter(pk=s.pk).update(status=Status.COMPLETED)
        closed = self.next_working_day_after(timezone.localdate(s.submitted_at))
        with self.captureOnCommitCallbacks(execute=True):
            closure_create(
                created_by=self.root,
                scope="national",
                start=closed,
                end=closed,
                kind="heat",
                reason="گرما",
            )
        s.refresh_from_db()
        self.assertEqual(s.due_on, Submission.objects.get(pk=s.pk).due_on)

    def test_an_agency_admin_adds_a_closure_in_jalali_through_the_admin(self) -> None:
        from desk.lib.jalali import format_date
        from desk.lib.persian import to_ascii_digits

        admin_user = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin_user.is_staff = True
        admin_user.save()
        s = self.submit()
        before = s.due_on
        closed = to_ascii_digits(
            format_date(self.next_working_day_after(timezone.localdate(s.submitted_at)))
        )
        self.client.force_login(admin_user)
        r = self.post(
            reverse("admin:calendars_closure_add"),
            {
                "scope": "agency",
                "agency": self.agency.pk,
                "starts_on": closed,
                "ends_on": closed,
                "kind": "energy",
                "reason": "صرفه‌جویی برق",
            },
        )
        self.assertEqual(r.status_code, 302, r.content.decode()[:2000])
        s.refresh_from_db()
        self.assertGreater(s.due_on, before)

    def test_a_decreed_holiday_added_in_the_admin_moves_running_deadlines(self) -> None:
        from desk.lib.jalali import format_date
        from desk.lib.persian import to_ascii_digits

        s = self.submit()
        before = s.due_on
        mourning = self.next_working_day_after(timezone.localdate(s.submitted_at))
        self.client.force_login(self.root)
        r = self.post(
            reverse("admin:calendars_holidayoverride_add"),
            {
                "date": to_ascii_digits(format_date(mourning)),
                "is_day_off": "on",
                "name": "عزای عمومی",
            },
        )
        self.assertEqual(r.status_code, 302, r.content.decode()[:2000])
        s.refresh_from_db()
        self.assertEqual(s.due_on, self.next_working_day_after(before))
        override = HolidayOverride.objects.get(date=mourning)
        r = self.post(
            reverse("admin:calendars_holidayoverride_delete", args=[override.pk]),
            {"post": "yes"},
        )
        self.assertEqual(r.status_code, 302)
        s.refresh_from_db()
        self.assertEqual(s.due_on, before)

    def test_the_holiday_form_asks_for_the_occasion_and_keeps_the_date(self) -> None:
        self.client.force_login(self.root)
        r = self.post(
            reverse("admin:calendars_holidayoverride_add"),
            {"date": "1405/02/10", "is_day_off": "on", "name": "  "},
        )
        self.assertContains(r, "نام مناسبت را بنویسید.")
        self.assertContains(r, "1405/02/10")
        self.assertFalse(HolidayOverride.objects.exists())

    def test_only_superusers_correct_national_holidays(self) -> None:
        admin_user = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin_user.is_staff = True
        admin_user.save()
        self.client.force_login(admin_user)
        with self.assertLogs("django.request", "WARNING"):  # and not on the test's output
            r = self.client.get(reverse("admin:calendars_holidayoverride_add"))
        self.assertEqual(r.status_code, 403)

    def test_the_admin_form_explains_a_reversed_range(self) -> None:
        self.client.force_login(self.root)
        r = self.post(
            reverse("admin:calendars_closure_add"),
            {
                "scope": "national",
                "starts_on": "1405/02/10",
                "ends_on": "1405/02/01",
                "kind": "heat",
                "reason": "گرما",
            },
        )
        self.assertContains(r, "تاریخ پایان نمی‌تواند پیش از تاریخ شروع باشد.")
        self.assertContains(r, "1405/02/10")

    def test_saturdays_off_from_now_on_move_running_deadlines(self) -> None:
        from desk.lib.jalali import format_date
        from desk.lib.persian import to_ascii_digits

        s = self.submit()
        before = s.due_on
        self.client.force_login(self.root)
        r = self.post(
            reverse("admin:calendars_weeklydaysoff_add"),
            {
                "agency": self.agency.pk,
                "starts_on": to_ascii_digits(format_date(timezone.localdate(s.submitted_at))),
                "ends_on": "",
                "saturday": "on",
                "thursday": "on",
                "friday": "on",
                "note": "مصوبه هیئت وزیران",
            },
        )
        self.assertEqual(r.status_code, 302, r.content.decode()[:3000])
        s.refresh_from_db()
        self.assertGreaterEqual(s.due_on, before)
        from desk.calendars.selectors import calendar_for_agency

        self.assertFalse(
            calendar_for_agency(self.agency).is_working_day(
                next(
                    before + timedelta(days=i)
                    for i in range(7)
                    if (before + timedelta(days=i)).weekday() == 5
                )
            )
        )
        self.assertEqual(
            s.due_on,
            calendar_for_agency(self.agency).add_working_days(
                timezone.localdate(s.submitted_at), self.service.duration_working_days
            ),
        )


class StepMessageTests(WorkflowTestCase):
    def test_it_tells_the_citizen_which_step_the_request_reached(self) -> None:
        s = self.submit()
        with self.captureOnCommitCallbacks(execute=True):
            self.act(s, self.intake, "accept")
        message = OutboundMessage.objects.filter(reference=s.tracking_code).latest("pk")
        self.assertIn("به مرحله «بررسی فنی» رسید", message.body)
