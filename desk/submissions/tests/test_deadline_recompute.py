"""A calendar change moves running deadlines in a job, a bounded chunk of requests at a time,
idempotently and resumably; the admin's save only announces it."""

from __future__ import annotations

import datetime
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from desk.accounts.models import User
from desk.calendars import services as calendar_services
from desk.calendars.models import Closure
from desk.calendars.selectors import calendar_for_agency
from desk.core.events import CalendarChanged, CalendarScope
from desk.lib import tracking
from desk.lib.jalali import format_date
from desk.lib.persian import to_ascii_digits
from desk.submissions import deadlines
from desk.submissions.models import DeadlineRecompute, Status, Submission
from desk.submissions.tests.base import SubmissionTestCase

TABLE = Submission._meta.db_table


class RecomputeTestCase(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        self.first = self.create_submission()
        self.before = self.first.due_on
        self.closed = self.working_day_after(timezone.localdate(self.first.submitted_at))

    def working_day_after(self, day: datetime.date) -> datetime.date:
        return calendar_for_agency(self.agency).add_working_days(day, 1)

    def copies(self, count: int) -> list[Submission]:
        """More running requests like the first, straight in the table (many, quickly)."""
        rows = []
        for _ in range(count):
            row = Submission.objects.get(pk=self.first.pk)
            row.pk = None
            row.tracking_code = tracking.generate()
            row.idempotency_key = uuid.uuid4()
            rows.append(row)
        return Submission.objects.bulk_create(rows)

    def close_without_recompute(self) -> CalendarChanged:
        """The closure row alone, as if its job had not run yet."""
        with self.captureOnCommitCallbacks(execute=False):
            calendar_services.closure_create(
                created_by=self.root,
                scope="national",
                start=self.closed,
                end=self.closed,
                kind="pollution",
                reason="آلودگی هوا",
            )
        return CalendarChanged(scope=CalendarScope.NATIONAL, start=self.closed, end=self.closed)

    def due_dates(self) -> set[datetime.date]:
        return set(Submission.objects.values_list("due_on", flat=True))


class ChunkedRecomputeTests(RecomputeTestCase):
    def test_it_reads_the_requests_in_chunks_of_bounded_size(self) -> None:
        self.copies(6)  # 7 running requests
        run = deadlines.recompute_start(change=self.close_without_recompute())
        with CaptureQueriesContext(connection) as queries:
            deadlines.recompute_run(run, size=3)
        reads = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT") and f'FROM "{TABLE}"' in q["sql"]
        ]
        self.assertEqual(len(reads), 3)  # 3 + 3 + 1 requests
        for sql in reads:
            self.assertIn("LIMIT 3", sql)
        updates = [q for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{TABLE}"')]
        self.assertEqual(len(updates), 3)  # one bulk update per chunk
        run.refresh_from_db()
        self.assertEqual((run.examined, run.changed), (7, 7))
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(self.due_dates(), {self.working_day_after(self.before)})

    def test_it_resumes_after_the_last_chunk_a_dead_job_wrote(self) -> None:
        self.copies(4)  # 5 running requests
        run = deadlines.recompute_start(change=self.close_without_recompute())
        deadlines.recompute_chunk(run, deadlines._place(run), size=2)  # then the worker died
        self.assertEqual(deadlines.recompute_resume(), 0)  # not stale yet: its job may live
        later = timezone.now() + deadlines.RECOMPUTE_STALE + datetime.timedelta(seconds=1)
        self.assertEqual(deadlines.recompute_resume(now=later), 1)
        run.refresh_from_db()
        self.assertEqual((run.examined, run.changed), (5, 5))  # the first 2 were not read again
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(self.due_dates(), {self.working_day_after(self.before)})

    def test_running_it_again_changes_nothing(self) -> None:
        self.copies(2)
        change = self.close_without_recompute()
        first = deadlines.recompute_run(deadlines.recompute_start(change=change), size=2)
        again = deadlines.recompute_run(deadlines.recompute_start(change=change), size=2)
        self.assertEqual((first.changed, again.examined, again.changed), (3, 3, 0))

    def test_it_leaves_finished_requests_and_other_agencies_alone(self) -> None:
        done = self.copies(1)[0]
        Submission.objects.filter(pk=done.pk).update(status=Status.COMPLETED)
        with self.captureOnCommitCallbacks(execute=True):
            calendar_services.closure_create(
                created_by=self.root,
                scope="agency",
                agency=self.other_agency,
                start=self.closed,
                end=self.closed,
                kind="energy",
                reason="صرفه‌جویی برق",
            )
        self.assertEqual(self.due_dates(), {self.before})
        self.assertEqual(DeadlineRecompute.objects.get().examined, 0)

    def test_it_skips_requests_filed_after_the_closed_days(self) -> None:
        past = timezone.localdate(self.first.submitted_at) - datetime.timedelta(days=20)
        with self.captureOnCommitCallbacks(execute=True):
            calendar_services.closure_create(
                created_by=self.root,
                scope="national",
                start=past,
                end=past,
                kind="heat",
                reason="گرما",
            )
        self.assertEqual(DeadlineRecompute.objects.get().examined, 0)
        self.assertEqual(self.due_dates(), {self.before})


class AdminSaveTests(RecomputeTestCase):
    def post_closure(self) -> object:
        self.client.force_login(self.root)
        day = to_ascii_digits(format_date(self.closed))
        return self.client.post(
            reverse("admin:calendars_closure_add"),
            {
                "scope": "national",
                "starts_on": day,
                "ends_on": day,
                "kind": "pollution",
                "reason": "آلودگی هوا",
            },
        )

    def test_the_admin_save_returns_before_any_deadline_moves(self) -> None:
        self.copies(3)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            r = self.post_closure()
            self.assertEqual(r.status_code, 302)  # type: ignore[attr-defined]
            self.assertTrue(Closure.objects.exists())
            self.assertEqual(self.due_dates(), {self.before})
            self.assertFalse(DeadlineRecompute.objects.exists())
        for callback in callbacks:
            callback()
        self.assertEqual(self.due_dates(), {self.working_day_after(self.before)})
        self.assertIsNotNone(DeadlineRecompute.objects.get().finished_at)

    def test_removing_the_closure_in_the_admin_moves_deadlines_back(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.post_closure()
        self.assertEqual(self.due_dates(), {self.working_day_after(self.before)})
        closure = Closure.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                reverse("admin:calendars_closure_delete", args=[closure.pk]), {"post": "yes"}
            )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.due_dates(), {self.before})
