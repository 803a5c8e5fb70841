from __future__ import annotations

import io
import json
from unittest import skipUnless

from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from desk.accounts.models import User
from desk.agencies.models import Agency, Staff
from desk.benchdata import results
from desk.catalog.models import FormField, Service
from desk.lib import tracking
from desk.lib.persian import search_key
from desk.lib.validators import is_valid_national_code
from desk.notifications.models import OutboundMessage
from desk.submissions.models import (
    OPEN_STATUSES,
    Attachment,
    AttachmentKind,
    EventKind,
    Status,
    Submission,
    TimelineEvent,
)
from desk.submissions.selectors import inbox_for_staff
from desk.workflow.models import Position


# desk.benchdata is installed only with BENCH=1 (settings.py); `make unit` and .ci/run run these
# tests a second time with it: `BENCH=1 manage.py test desk.benchdata`.
@skipUnless(apps.is_installed("desk.benchdata"), "needs BENCH=1 (desk.benchdata installed)")
class BenchDataTests(TestCase):
    """The generator at a tiny scale: 2 agencies, 4 services, 10 citizens, 20 requests."""

    def setUp(self) -> None:
        super().setUp()
        call_command("bench_data", scale=0.00001, stdout=io.StringIO())

    def test_it_creates_the_scaled_counts(self) -> None:
        self.assertEqual(Agency.objects.count(), 2)
        self.assertEqual(Service.objects.count(), 4)
        self.assertEqual(User.objects.filter(national_code__isnull=False).count(), 10)
        self.assertEqual(Submission.objects.count(), 20)
        # An expert, a manager and a clerk per agency, and 5 experts in each of 10 departments
        # (the first expert is one of department 0's).
        self.assertEqual(Staff.objects.count(), 2 * (3 + 10 * 5 - 1))

    def test_it_puts_open_requests_at_workflow_steps_in_departments(self) -> None:
        for s in Submission.objects.select_related("current_step", "assigned_to"):
            with self.subTest(code=s.tracking_code, status=s.status):
                step = s.current_step
                assert step is not None
                self.assertIsNotNone(s.workflow_version_id)
                self.assertEqual(step.version_id, s.workflow_version_id)
                if s.status in OPEN_STATUSES:
                    self.assertEqual(s.department_id, step.department_id)
                    self.assertIsNotNone(s.step_due_on)
                    if s.status != "submitted":
                        assignee, department = s.assigned_to_id, s.department_id
                        assert assignee is not None and department is not None
                        self.assertTrue(
                            Position.objects.filter(
                                staff__user_id=assignee, department_id=department
                            ).exists()
                        )
                else:
                    self.assertTrue(step.is_end)

    def test_the_measured_expert_sees_only_their_share_of_the_open_requests(self) -> None:
        out = io.StringIO()
        call_command("bench_fixtures", citizens=1, codes=1, stdout=out)
        fixtures = json.loads(out.getvalue())
        expert = Staff.objects.get(user__username="bench-agency-0000-expert")
        waiting = inbox_for_staff(expert).count()
        open_in_agency = Submission.objects.filter(
            agency=expert.agency, status__in=OPEN_STATUSES
        ).count()
        self.assertGreater(open_in_agency, waiting)
        self.client.cookies[fixtures["session_cookie"]] = fixtures["staff_session"]
        page = self.client.get(reverse("submissions:inbox"))
        self.assertEqual(page.status_code, 200)

    def test_it_makes_valid_unique_codes(self) -> None:
        codes = list(Submission.objects.values_list("tracking_code", flat=True))
        self.assertEqual(len(set(codes)), len(codes))
        self.assertTrue(all(tracking.is_valid(code) for code in codes))
        national_codes = User.objects.exclude(national_code=None).values_list(
            "national_code", flat=True
        )
        self.assertTrue(all(is_valid_national_code(c or "") for c in national_codes))

    def test_it_copies_the_applicant_and_the_agency_into_each_request(self) -> None:
        for s in Submission.objects.select_related("applicant", "service"):
            with self.subTest(code=s.tracking_code):
                self.assertEqual(s.agency_id, s.service.agency_id)
                self.assertEqual(s.applicant_national_code, s.applicant.national_code)
                self.assertEqual(s.applicant_mobile, s.applicant.mobile)
                self.assertEqual(s.closed_at is None, s.status in OPEN_STATUSES)
                self.assertGreaterEqual(s.due_on, s.submitted_at.date())

    def test_it_gives_each_request_a_timeline_ending_in_its_status(self) -> None:
        for s in Submission.objects.prefetch_related("events"):
            events = list(s.events.all())
            with self.subTest(code=s.tracking_code):
                self.assertEqual(events[0].kind, EventKind.SUBMITTED)
                self.assertEqual(events[-1].status_after, s.status)
                times = [e.created_at for e in events]
                self.assertEqual(times, sorted(times))
                self.assertLessEqual(times[-1], timezone.now())

    def test_it_writes_one_sms_per_status_change(self) -> None:
        self.assertEqual(OutboundMessage.objects.count(), TimelineEvent.objects.count())
        per_code = dict(OutboundMessage.objects.values_list("reference").annotate(n=Count("pk")))
        for s in Submission.objects.annotate(n=Count("events")):
            self.assertEqual(per_code[s.tracking_code], s.n)

    def test_it_fills_the_search_key_and_the_form_of_every_service(self) -> None:
        for service in Service.objects.select_related("agency"):
            self.assertEqual(service.search_text, service.build_search_text())
            self.assertIn(search_key(service.title), service.search_text)
        self.assertEqual(FormField.objects.filter(kind="file").count(), 4)

    def test_it_moves_the_id_counters_past_the_rows_it_wrote(self) -> None:
        last = Submission.objects.aggregate(Max("pk"))["pk__max"]
        service = Service.objects.first()
        citizen = User.objects.exclude(national_code=None).first()
        assert service is not None and citizen is not None
        row = Submission.objects.create(
            tracking_code="123456789018",
            service=service,
            agency_id=service.agency_id,
            applicant=citizen,
            applicant_national_code="0084575948",
            applicant_mobile="+989121234567",
            due_on=timezone.now().date(),
        )
        self.assertGreater(row.pk, last)

    def test_it_refuses_a_database_that_is_not_empty(self) -> None:
        with self.assertRaises(CommandError):
            call_command("bench_data", scale=0.00001, stdout=io.StringIO())

    def test_it_gives_the_load_driver_working_sessions_and_codes(self) -> None:
        out = io.StringIO()
        call_command("bench_fixtures", citizens=2, codes=5, stdout=out)
        fixtures = json.loads(out.getvalue())
        self.assertEqual(len(fixtures["citizen_sessions"]), 2)
        self.assertEqual(len(fixtures["tracking"]), 5)
        code, national_code = fixtures["tracking"][0]
        self.assertTrue(
            Submission.objects.filter(
                tracking_code=code, applicant_national_code=national_code
            ).exists()
        )
        self.client.cookies[fixtures["session_cookie"]] = fixtures["citizen_sessions"][0]
        self.assertEqual(self.client.get(reverse("submissions:my_requests")).status_code, 200)
        self.client.cookies[fixtures["session_cookie"]] = fixtures["staff_session"]
        self.assertEqual(self.client.get(reverse("submissions:inbox")).status_code, 200)
        ids = Submission.objects.aggregate(low=Min("pk"), high=Max("pk"))
        self.assertEqual(ids["high"] - ids["low"] + 1, 20)

    def test_it_files_requests_away_from_the_inbox_it_measures(self) -> None:
        out = io.StringIO()
        call_command("bench_fixtures", citizens=1, codes=1, stdout=out)
        fixtures = json.loads(out.getvalue())
        applied = Service.objects.get(slug=fixtures["apply_slug"])
        self.assertNotEqual(applied.agency.slug, "bench-agency-0000")

    def test_it_forgets_the_requests_earlier_runs_filed(self) -> None:
        generated = Submission.objects.get(pk=20)
        filed = Submission.objects.create(
            tracking_code=tracking.generate(),
            service=generated.service,
            agency=generated.agency,
            applicant=generated.applicant,
            applicant_national_code=generated.applicant_national_code,
            applicant_mobile=generated.applicant_mobile,
            due_on=timezone.now().date(),
        )
        TimelineEvent.objects.create(
            submission=filed, kind=EventKind.SUBMITTED, status_after="submitted"
        )
        call_command("bench_reset", scale=0.00001, stdout=io.StringIO())
        self.assertFalse(Submission.objects.filter(pk=filed.pk).exists())
        self.assertEqual(Submission.objects.count(), 20)

    def test_every_completed_request_has_its_result_file_uploaded_by_who_completed_it(self) -> None:
        completed = Submission.objects.filter(status=Status.COMPLETED)
        self.assertTrue(completed.exists())
        for s in completed.prefetch_related("attachments", "events"):
            with self.subTest(code=s.tracking_code):
                (result,) = [a for a in s.attachments.all() if a.kind == AttachmentKind.RESULT]
                (done,) = [e for e in s.events.all() if e.kind == EventKind.COMPLETED]
                self.assertEqual(result.uploaded_by_id, done.actor_id)
                self.assertEqual(result.uploaded_at, s.closed_at)
                with result.file.open("rb") as stored:
                    self.assertEqual(stored.read(), results.RESULT_PDF)
                self.assertEqual(result.size, len(results.RESULT_PDF))
        self.assertFalse(
            Attachment.objects.filter(kind=AttachmentKind.RESULT)
            .exclude(submission__status=Status.COMPLETED)
            .exists()
        )

    def test_the_reset_adds_result_files_a_database_lacks_once_and_rewrites_the_pdf(self) -> None:
        results_ = Attachment.objects.filter(kind=AttachmentKind.RESULT)
        expected = results_.count()
        first = results_.order_by("pk").first()
        assert first is not None
        first.file.storage.delete(results.RESULT_FILE)  # bench/run.py empties the storage
        results_.filter(pk__gt=first.pk).delete()  # generated before results were
        call_command("bench_reset", scale=0.00001, stdout=io.StringIO())
        self.assertEqual(results_.count(), expected)
        self.assertTrue(first.file.storage.exists(results.RESULT_FILE))
        out = io.StringIO()
        call_command("bench_reset", scale=0.00001, stdout=out)
        self.assertEqual(results_.count(), expected)
        self.assertIn("0 result files added", out.getvalue())
