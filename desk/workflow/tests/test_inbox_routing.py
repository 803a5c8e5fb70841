"""The staff inbox read as the union of each routing branch's first rows (PostgreSQL) or as
one query (SQLite): through the page, the same rows in the same order as the one routing
filter, page after page, and never a request that the access policy hides."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

from django.urls import reverse

from desk.accounts.models import User
from desk.agencies import access
from desk.lib.jalali import today_tehran
from desk.submissions import selectors
from desk.submissions.models import Status, Submission
from desk.test import create_service, create_staff, define_permit_workflow, give_position
from desk.workflow.models import Department, Step
from desk.workflow.tests.test_engine import WorkflowTestCase

INBOX = reverse("submissions:inbox")


class InboxRoutingTests(WorkflowTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The engineer works in two departments: five branches (their own, the
        # department-less, one per position).
        give_position(self.engineer, "درآمد")
        self.today = today_tehran()
        self.made: dict[str, Submission] = {}

    def place(
        self,
        name: str,
        step: str,
        *,
        department: str | None = "",
        assigned: Any = None,
        due_in: int = 5,
        step_due_in: int | None = None,
        status: str = Status.IN_REVIEW,
    ) -> Submission:
        """A request at ``step`` (its own department unless ``department`` says another, None
        for none), with its deadlines ``due_in`` days from today."""
        s = self.submit()
        at = Step.objects.get(version=self.version, key=step)
        if department == "":
            where = at.department
        elif department is None:
            where = None
        else:
            where = Department.objects.get(agency=self.agency, name=department)
        Submission.objects.filter(pk=s.pk).update(
            current_step=at,
            department=where,
            assigned_to=assigned,
            status=status,
            due_on=self.today + datetime.timedelta(days=due_in),
            step_due_on=None
            if step_due_in is None
            else self.today + datetime.timedelta(days=step_due_in),
        )
        self.made[name] = s
        return s

    def walk(self, user: Any) -> list[str]:
        """Every row of the inbox, page after page by the «next» link, as the person sees it."""
        self.client.force_login(user)
        r = self.client.get(INBOX)
        self.assertEqual(r.status_code, 200)
        seen = [row.tracking_code for row in r.context["inbox"]]
        count = r.context["inbox_page"].count
        while r.context["inbox_page"].next_cursor:
            page = r.context["inbox_page"]
            r = self.client.get(INBOX, {"after": page.next_cursor, "from": r.context["next_from"]})
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r.context["inbox_page"].count, count)
            self.assertEqual(r.context["inbox_page"].first, len(seen) + 1)
            seen += [row.tracking_code for row in r.context["inbox"]]
        self.assertEqual(len(seen), count)
        return seen

    def policy(self, user: Any) -> list[str]:
        """The one routing filter (workflow.selectors.inbox_filter, within
        submissions_visible_to) in the inbox's order."""
        return list(selectors.inbox_for_staff(user.staff).values_list("tracking_code", flat=True))

    def codes(self, *names: str) -> set[str]:
        return {self.made[name].tracking_code for name in names}

    def build_queues(self) -> None:
        gas = create_service(self.other_agency, slug="gas", title="انشعاب گاز")
        gas_version = define_permit_workflow(gas)
        # The engineer's: assigned to them anywhere, unassigned at an expert's step of فنی or
        # درآمد, unassigned without a department at an expert's step.
        self.place("mine at intake", "intake", assigned=self.engineer, due_in=-3)
        self.place("mine overdue step", "technical", assigned=self.engineer, step_due_in=-1)
        self.place("technical", "technical", due_in=2)
        self.place("technical, same day", "technical", due_in=2)
        self.place("payment", "payment", due_in=1)
        self.place("no department", "technical", department=None, due_in=2)
        self.place("technical, later", "technical", due_in=9, step_due_in=4)
        # Not the engineer's.
        self.place("intake", "intake", due_in=0)
        self.place("others' technical", "technical", assigned=self.intake, due_in=-5)
        self.place("decision", "decision", due_in=1)
        self.place("waiting for the citizen", "technical", status=Status.NEEDS_INFO, due_in=-9)
        self.place("completed", "technical", status=Status.COMPLETED, due_in=-9)
        self.gas_engineer = create_staff(self.other_agency, "gas-engineer")
        give_position(self.gas_engineer, "فنی")
        theirs = self.place("another agency", "technical", due_in=-20)
        technical = Step.objects.get(version=gas_version, key="technical")
        Submission.objects.filter(pk=theirs.pk).update(
            agency=self.other_agency,
            service=gas,
            current_step=technical,
            department=technical.department,
        )

    def test_an_expert_sees_their_branches_in_the_order_of_the_routing_filter(self) -> None:
        self.build_queues()
        with (
            mock.patch.object(selectors, "INBOX_PAGE_SIZE", 2),
            mock.patch.dict(selectors._INBOX_QUERIES, clear=True),
        ):
            seen = self.walk(self.engineer)
        self.assertEqual(seen, self.policy(self.engineer))
        mine = (
            "mine at intake",
            "mine overdue step",
            "technical",
            "technical, same day",
            "payment",
            "no department",
            "technical, later",
        )
        self.assertEqual(set(seen), self.codes(*mine))
        # Overdue first, then by deadline, then by id (the two of one day as they were filed).
        order = [self.made[name].tracking_code for name in mine]
        self.assertEqual(seen[:2], order[:2])
        self.assertEqual(seen[2], order[4])
        self.assertEqual(seen.index(order[2]) + 1, seen.index(order[3]))
        self.assertEqual(seen[-1], order[6])

    def test_every_persona_sees_only_what_the_access_policy_shows_them(self) -> None:
        self.build_queues()
        visible = {
            user: set(
                Submission.objects.filter(access.submissions_visible_to(user)).values_list(
                    "tracking_code", flat=True
                )
            )
            for user in (
                self.engineer,
                self.intake,
                self.cashier,
                self.manager,
                self.outsider,
                self.gas_engineer,
            )
        }
        for user, shown in visible.items():
            with (
                self.subTest(user=user.username),
                mock.patch.object(selectors, "INBOX_PAGE_SIZE", 2),
                mock.patch.dict(selectors._INBOX_QUERIES, clear=True),
            ):
                seen = self.walk(user)
                self.assertEqual(seen, self.policy(user))
                self.assertLessEqual(set(seen), shown)
        self.assertEqual(set(self.walk(self.gas_engineer)), self.codes("another agency"))
        self.assertEqual(self.walk(self.outsider), [])
        self.assertIn(self.made["intake"].tracking_code, self.walk(self.intake))
        self.assertNotIn(self.made["others' technical"].tracking_code, self.walk(self.engineer))
        manager = self.walk(self.manager)
        self.assertNotIn(self.made["waiting for the citizen"].tracking_code, manager)
        self.assertIn(self.made["decision"].tracking_code, manager)

    def test_a_deactivated_agency_shows_its_staff_no_request(self) -> None:
        self.build_queues()
        self.assertTrue(self.walk(self.engineer))
        self.agency.is_active = False
        self.agency.save()
        engineer = User.objects.get(pk=self.engineer.pk)
        self.assertIsNone(access.submissions_agency_for(engineer))
        page = selectors.inbox_page(engineer.staff)
        self.assertEqual((page.rows, page.count), ([], 0))
