"""`make bench-smoke`: the benchmark's requests at a CI size (500 generated requests), checked
for what they must do and how many queries they send — no timings (docs/benchmarks.md).

The very requests of bench/run.py (its fixtures and raw HTTP bodies) go straight to the WSGI
application, as bench/hotspots.py and bench/instructions.py send them. A page whose query count
grows fails here before it shows in a full `make bench`.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any
from unittest import skipUnless

from django.apps import apps
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from desk.agencies.models import Staff
from desk.submissions.models import OPEN_STATUSES, Attachment, AttachmentKind, Status, Submission
from desk.submissions.selectors import inbox_for_staff

BENCH = Path(__file__).resolve().parents[3] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

# Queries per request of every benchmarked page, with the settings of this test run (the
# database's own sessions unless SESSION_ENGINE says otherwise). Lower them when a change
# removes a query; never raise one without saying why in docs/benchmarks.md.
QUERIES = {
    "empty": (0, 0),
    # The request with whether it has results or documents, and its timeline; a completed
    # request (70 % of the replayed codes) has its result file, as in life (the default
    # workflow asks for one: desk/benchdata/results.py), which comes with the request's query
    # (a second result file would add the query that lists them; COMPLETED_LOOKUP below).
    # On PostgreSQL the timeline comes with the request's query (a JSON array): 1.
    "tracking lookup": (1, 1) if connection.vendor == "postgresql" else (2, 2),
    # The document staged (the user with their staff record in one statement:
    # desk/accounts/middleware.py; the insert), the form with its reference (the user, the
    # staged file checked), «send» (12). 19 -> 16: the staff record comes with the user.
    "application (200 KB staged upload)": (16, 16),
    # The smoke expert's queue fits on the first page: its length is the count (no COUNT
    # query); a fuller queue (1,000,000: bench/staff_inbox.py) carries it on its rows. 10 -> 9:
    # the staff record comes with its agency (access.staff_record), once per request; 9 -> 8:
    # the user and their staff record in one statement (desk/accounts/middleware.py).
    "staff inbox": (8, 8),
    # No service matches the phrase at this scale: the page's query, no count.
    "catalog search": (1, 1),
    # The card from the cache (rendered once per version); a service that offers appointments
    # also looks for an office with slots.
    "service page": (0, 1),
}
# The lookup of a completed request with its result file: the request with its result file,
# its timeline (no session: its links carry a signed download proof, desk/submissions/proofs.py);
# on PostgreSQL the timeline in the request's query.
COMPLETED_LOOKUP = 1 if connection.vendor == "postgresql" else 2
REQUESTS = 6


@skipUnless(apps.is_installed("desk.benchdata"), "needs BENCH=1 (desk.benchdata installed)")
@override_settings(
    BENCH_EMPTY_VIEW=True,
    TRACKING_LOOKUPS_PER_IP_PER_HOUR=10**9,
    SESSION_ENGINE="django.contrib.sessions.backends.cache",  # as in production
)
class BenchSmokeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("bench_data", scale=0.0005, stdout=io.StringIO())

    def setUp(self) -> None:
        super().setUp()
        # The raw WSGI application closes "old" connections at each request's start and end, as
        # a server must; inside a test's transaction that would close PostgreSQL's connection
        # (SQLite's in-memory one survives), so do what Django's test client does.
        for signal in (signals.request_started, signals.request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        out = io.StringIO()  # sessions in the cache, which every test starts without
        call_command("bench_fixtures", citizens=3, codes=200, stdout=out)
        self.fixtures_ = json.loads(out.getvalue())

    def send(
        self, name: str, count: int = REQUESTS, fixtures: dict[str, Any] | None = None
    ) -> tuple[list[int], bytes]:
        """Send `count` requests of a scenario; the queries each one made, the last answer."""
        import hotspots
        import run

        scenarios = {
            n: (make, check) for n, make, check in run.desk_scenarios(fixtures or self.fixtures_)
        }
        make, check = scenarios[name]
        app = get_wsgi_application()
        for i in range(1, count + 1):  # caches warm, as in a running server
            hotspots.respond(app, name, make(i), check)
        counts, answer = [], b""
        for i in range(1, count + 1):
            with CaptureQueriesContext(connection) as queries:
                answer = hotspots.respond(app, name, make(i), check)
            counts.append(len(queries))
        return counts, answer

    def test_every_page_answers_as_the_load_driver_expects_in_its_pinned_queries(self) -> None:
        for name, (low, high) in QUERIES.items():
            with self.subTest(page=name):
                counts, _answer = self.send(name)
                self.assertTrue(all(low <= n <= high for n in counts), (name, counts))

    def test_a_completed_lookup_shows_its_result_file_in_its_pinned_queries(self) -> None:
        result = (
            Attachment.objects.filter(kind=AttachmentKind.RESULT)
            .select_related("submission")
            .order_by("pk")
            .first()
        )
        assert result is not None  # bench_data gives every completed request its result
        s = result.submission
        self.assertEqual(s.status, Status.COMPLETED)
        fixtures = {**self.fixtures_, "tracking": [[s.tracking_code, s.applicant_national_code]]}
        counts, answer = self.send("tracking lookup", fixtures=fixtures)
        self.assertEqual(set(counts), {COMPLETED_LOOKUP}, counts)
        self.assertIn(reverse("submissions:download", args=[result.public_id]).encode(), answer)
        # The stored file is there to download (bench/run.py writes it again after emptying
        # the storage): the answer's link (with its download proof) fetches it.
        with result.file.open("rb") as stored:
            self.assertEqual(len(stored.read()), result.size)

    def test_the_measured_expert_has_a_realistic_queue(self) -> None:
        expert = Staff.objects.get(user__username="bench-agency-0000-expert")
        waiting = inbox_for_staff(expert).count()
        open_requests = Submission.objects.filter(
            agency=expert.agency, status__in=OPEN_STATUSES
        ).count()
        self.assertGreater(waiting, 0)
        self.assertLess(waiting, open_requests / 3)
        self.assertTrue(inbox_for_staff(expert).filter(assigned_to=expert.user).exists())
        self.assertTrue(inbox_for_staff(expert).filter(assigned_to=None).exists())

    def test_lookups_are_replayed_in_the_state_mix(self) -> None:
        first = [code for code, _n in self.fixtures_["tracking"][:60]]
        statuses = set(
            Submission.objects.filter(tracking_code__in=first).values_list("status", flat=True)
        )
        self.assertIn(Status.COMPLETED, statuses)
        self.assertTrue(statuses & set(OPEN_STATUSES))

    def test_the_cpu_per_request_adds_every_process_group(self) -> None:
        import run

        rounds = [
            {"requests": 100, "cpu_s": {"server:1": 0.2, "database:2": 0.1, "driver": 0.05}},
            {"requests": 100, "cpu_s": {"server:1": 0.2, "redis:3": 0.1, "driver": 0.05}},
        ]
        cpu = run.cpu_per_request(rounds)
        self.assertEqual(cpu["server"], 2.0)
        self.assertEqual(cpu["side"], 3.0)
        self.assertEqual(cpu["total"], 3.5)
