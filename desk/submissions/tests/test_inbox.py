"""The staff inbox (کارتابل): the agency's open requests, overdue first, then by deadline."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from desk.core.compiled import prepares_statements
from desk.lib.jalali import today_tehran
from desk.submissions import selectors
from desk.submissions.models import Submission
from desk.submissions.tests.base import SubmissionTestCase
from desk.test import create_service, plan_cache_mode, prepared_plans


def codes(response: Any) -> list[str]:
    return [row.tracking_code for row in response.context["inbox"]]


def codes_of(*submissions: Submission) -> list[str]:
    return [s.tracking_code for s in submissions]


class InboxTests(SubmissionTestCase):
    url = reverse("submissions:inbox")

    def aged(
        self, *, submitted_days_ago: int, due_in_days: int, step_due_in_days: int | None = None
    ) -> Submission:
        submission = self.create_submission()
        today = today_tehran()
        Submission.objects.filter(pk=submission.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(days=submitted_days_ago),
            due_on=today + datetime.timedelta(days=due_in_days),
            step_due_on=None
            if step_due_in_days is None
            else today + datetime.timedelta(days=step_due_in_days),
        )
        return submission

    def test_it_lists_overdue_requests_first_then_the_nearest_deadline(self) -> None:
        recent = self.aged(submitted_days_ago=2, due_in_days=3)
        older = self.aged(submitted_days_ago=5, due_in_days=1)
        overdue_recent = self.aged(submitted_days_ago=4, due_in_days=-1)
        overdue_oldest = self.aged(submitted_days_ago=10, due_in_days=-2)
        due_today = self.aged(submitted_days_ago=6, due_in_days=0)
        self.client.force_login(self.expert)
        r = self.client.get(self.url)
        self.assertEqual(
            codes(r), codes_of(overdue_oldest, overdue_recent, due_today, older, recent)
        )
        self.assertContains(r, "overdue table-danger", count=2)
        self.assertContains(r, "گذشته</span>", count=2)
        self.assertContains(r, "(۳ روز مانده)")

    def test_a_step_past_its_deadline_makes_the_request_overdue(self) -> None:
        request_later = self.aged(submitted_days_ago=1, due_in_days=2)
        step_late = self.aged(submitted_days_ago=1, due_in_days=9, step_due_in_days=-1)
        self.client.force_login(self.expert)
        r = self.client.get(self.url)
        self.assertEqual(codes(r), codes_of(step_late, request_later))
        self.assertContains(r, "overdue table-danger", count=1)

    @mock.patch.object(selectors, "INBOX_PAGE_SIZE", 3)
    def test_it_pages_by_a_next_link_that_starts_after_the_last_row(self) -> None:
        made = [self.aged(submitted_days_ago=1, due_in_days=i % 3 - 1) for i in range(7)]
        self.client.force_login(self.expert)
        pages = []
        r = self.client.get(self.url)
        self.assertContains(r, "ردیف ۱ تا ۳ از ۷")  # a full first page: the queue counted
        while True:
            pages.append(codes(r))
            cursor = r.context["inbox_page"].next_cursor
            if cursor is None:
                break
            self.assertContains(r, f'href="?after={cursor}&amp;from={3 * len(pages) + 1}"')
            r = self.client.get(self.url, {"after": cursor, "from": 3 * len(pages) + 1})
        by_deadline = [s for _due, _pk, s in sorted((i % 3, s.pk, s) for i, s in enumerate(made))]
        self.assertEqual(pages, [codes_of(*by_deadline[i : i + 3]) for i in (0, 3, 6)])
        self.assertContains(r, "ردیف ۷ تا ۷ از ۷")
        self.assertContains(r, "صفحهٔ اول")

    @mock.patch.object(selectors, "INBOX_PAGE_SIZE", 2)
    def test_postgresql_runs_the_inbox_statements_under_their_generic_plans(self) -> None:
        # Planned for their parameters, PostgreSQL planned them again on every page: 2 ms of
        # planning a page at 1,000,000 requests (docs/benchmarks.md). The first page, a later
        # page and its count, each asked several times: never a custom plan.
        if not prepares_statements(connection):
            self.skipTest("no plan cache: SQLite, or DB_PREPARED_STATEMENTS=0")
        for i in range(5):
            self.aged(submitted_days_ago=1, due_in_days=i)
        self.client.force_login(self.expert)
        for _ in range(4):
            first = self.client.get(self.url)
            cursor = first.context["inbox_page"].next_cursor
            later = self.client.get(self.url, {"after": cursor, "from": 3})
            self.assertEqual(len(codes(first)) + len(codes(later)), 4)
        plans = prepared_plans('%LEAST(%"due_on"%')
        self.assertEqual(plan_cache_mode(), "auto")
        self.assertGreaterEqual(len(plans), 2)  # the first page and the later page at least
        self.assertTrue(all(generic >= 1 and custom == 0 for generic, custom in plans), plans)

    def test_a_cursor_that_is_not_one_shows_the_first_page(self) -> None:
        first = self.aged(submitted_days_ago=1, due_in_days=1)
        self.client.force_login(self.expert)
        for bad in ("x", "2026-13-40_5", "2026-01-01_", "1' OR 1=1"):
            r = self.client.get(self.url, {"after": bad, "from": "9"})
            self.assertEqual(codes(r), codes_of(first), bad)
            self.assertContains(r, "ردیف ۱ تا ۱ از ۱")

    def test_it_lists_submitted_and_in_review_requests(self) -> None:
        submitted = self.aged(submitted_days_ago=2, due_in_days=1)
        in_review = self.aged(submitted_days_ago=1, due_in_days=2)
        self.transition(in_review, "start_review")
        self.client.force_login(self.manager)
        r = self.client.get(self.url)
        self.assertEqual(codes(r), codes_of(submitted, in_review))
        self.assertContains(r, "در حال بررسی")
        self.assertContains(r, "ثبت‌شده، در انتظار بررسی")

    def test_it_lists_requests_waiting_for_the_citizen_apart(self) -> None:
        waiting = self.create_submission()
        self.transition(waiting, "request_info", message="کپی شناسنامه لازم است.")
        open_one = self.create_submission()
        self.client.force_login(self.expert)
        r = self.client.get(self.url)
        self.assertEqual(codes(r), codes_of(open_one))
        self.assertEqual([row.tracking_code for row in r.context["waiting"]], codes_of(waiting))
        self.assertContains(r, reverse("submissions:staff_request", args=[waiting.tracking_code]))

    def test_it_lists_closed_requests_only_among_the_recent_closed(self) -> None:
        rejected = self.create_submission()
        self.transition(rejected, "reject", message="مدارک ناقص است.")
        self.client.force_login(self.expert)
        r = self.client.get(self.url)
        self.assertEqual(list(r.context["inbox"]), [])
        self.assertEqual(list(r.context["waiting"]), [])
        self.assertEqual([row.tracking_code for row in r.context["closed"]], codes_of(rejected))
        self.assertContains(r, "درخواستی در انتظار نیست.")

    def test_it_lists_only_the_staff_members_agency(self) -> None:
        mine = self.create_submission()
        gas = create_service(self.other_agency, slug="gas-connection", title="انشعاب گاز")
        theirs = self.create_submission(service=gas)
        self.client.force_login(self.expert)
        r = self.client.get(self.url)
        self.assertEqual(codes(r), codes_of(mine))
        self.assertNotContains(r, "انشعاب گاز")
        self.assertNotContains(r, reverse("submissions:staff_request", args=[theirs.tracking_code]))
        self.client.force_login(self.outsider)
        r = self.client.get(self.url)
        self.assertEqual(codes(r), codes_of(theirs))

    def test_it_404s_for_a_citizen(self) -> None:
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_it_signs_out_inactive_staff(self) -> None:
        self.expert.staff.is_active = False
        self.expert.staff.save()
        self.client.force_login(self.expert)
        r = self.client.get(self.url)
        self.assertRedirects(
            r, f"{reverse('accounts:staff_login')}?next={self.url}", fetch_redirect_response=False
        )
        self.assertIsNone(self.client.session.get("_auth_user_id"))

    def test_it_sends_anonymous_visitors_to_the_staff_sign_in(self) -> None:
        r = self.client.get(self.url)
        self.assertRedirects(
            r, f"{reverse('accounts:staff_login')}?next={self.url}", fetch_redirect_response=False
        )

    def queries_for(self, count: int) -> int:
        for i in range(count):
            submission = self.create_submission()
            if i % 3 == 1:
                self.transition(submission, "request_info", message="مدرک بیشتر")
            elif i % 3 == 2:
                self.transition(submission, "reject", message="ناقص")
        self.client.force_login(self.expert)
        # The list of the agency's services (the search's choices) is cached until a card
        # changes: read once, then not per page.
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as queries:
            r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        return len(queries)

    def test_it_uses_the_same_number_of_queries_for_3_or_10_requests(self) -> None:
        with_three = self.queries_for(3)
        Submission.objects.all().delete()
        with_ten = self.queries_for(10)
        self.assertEqual(with_three, with_ten)
        # Session, user, staff with its agency (one query), the department positions, then a
        # page of the inbox (which holds them all: no count), the payment states (one query), the
        # waiting and closed lists; the inquiries summary (inquiries to the agency, a count; the
        # agency's own late ones).
        self.assertLessEqual(with_ten, 10)
