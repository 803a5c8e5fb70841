"""What inquiries cost the staff inbox: in-process, no server, no network.

Fills a database with `bench_data --scale S` if it is empty, measures the staff inbox
(`/requests/staff/`, which now also shows the inquiries summary) and the asked agency's
inquiries inbox (`/inquiries/`) as an expert of the first agency, then gives every fifth open
request of every agency an inquiry to the next agency (a third of them overdue, each with its
log row) and measures again. Prints milliseconds per page (wall, p50 and p95 of N calls) and
the number of queries.

    BENCH=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/desk_inquiries_bench \\
        .venv/bin/python bench/inquiries_inbox.py 0.05

Scale 1 is the 1,000,000 requests of `make bench` (9–10 minutes to generate).
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
os.environ.setdefault("BENCH", "1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from desk.agencies.models import Agency, Role, Staff  # noqa: E402
from desk.inquiries.models import Inquiry, InquiryLog, LogKind  # noqa: E402
from desk.lib.jalali import today_tehran  # noqa: E402
from desk.submissions.models import Status, Submission  # noqa: E402
from desk.test import DeskClient  # noqa: E402

CALLS = int(os.environ.get("BENCH_CALLS", "50"))
PAGES = ("/requests/staff/", "/inquiries/")


def measure(client: DeskClient) -> dict[str, tuple[float, float, int]]:
    figures = {}
    for path in PAGES:
        client.get(path)  # warm
        times = []
        for _ in range(CALLS):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        figures[path] = (statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries))
    return figures


def panel_cost(user: object) -> float:
    """Milliseconds of the two reads the inquiries summary adds to the staff inbox."""
    from desk.inquiries import selectors

    started = time.perf_counter()
    for _ in range(CALLS):
        selectors.open_count(user)
        list(selectors.late_asked_by(user))
    return (time.perf_counter() - started) * 1000 / CALLS


def add_inquiries() -> int:
    agencies = list(Agency.objects.order_by("pk").values_list("pk", "name"))
    today = today_tehran()
    made = 0
    for index, (agency_id, _name) in enumerate(agencies):
        asked = agencies[(index + 1) % len(agencies)]
        open_ones = Submission.objects.filter(
            agency_id=agency_id, status__in=(Status.SUBMITTED, Status.IN_REVIEW)
        ).values_list("pk", "tracking_code", "current_step_id")
        rows = [
            Inquiry(
                submission_id=pk,
                step_id=step_id,
                from_agency_id=agency_id,
                to_agency_id=asked[0],
                case_reference=code,
                question="آیا ملک بدهی دارد؟",
                fields=["address"],
                due_on=today + datetime.timedelta(days=(n % 3) * 4 - 3),
            )
            for n, (pk, code, step_id) in enumerate(open_ones)
            if n % 5 == 0
        ]
        Inquiry.objects.bulk_create(rows, batch_size=2000)
        InquiryLog.objects.bulk_create(
            [
                InquiryLog(
                    inquiry=row,
                    submission_id=row.submission_id,
                    kind=LogKind.SENT,
                    agency_id=agency_id,
                    agency_name=_name,
                    reason=row.question,
                )
                for row in rows
            ],
            batch_size=2000,
        )
        made += len(rows)
    return made


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05
    call_command("migrate", verbosity=0)
    if not Agency.objects.exists():
        call_command("bench_data", scale=scale)
    staff = (
        Staff.objects.filter(role=Role.EXPERT, agency__slug="bench-agency-0000")
        .select_related("user")
        .first()
    )
    assert staff is not None, "no bench data"
    client = DeskClient()
    client.force_login(staff.user)
    if os.environ.get("BENCH_RESET"):  # measure «before» again on a generated database
        InquiryLog.objects.all()._raw_delete(InquiryLog.objects.db)  # append-only: bypassed here
        Inquiry.objects.all().delete()
    requests = Submission.objects.count()
    before = measure(client) if not Inquiry.objects.exists() else None
    made = add_inquiries() if not Inquiry.objects.exists() else Inquiry.objects.count()
    after = measure(client)
    panel = panel_cost(staff.user)
    print(f"{connection.vendor}, {requests:,} requests, {made:,} inquiries, {CALLS} calls a page")
    print(
        "| page | before: p50 ms | p95 ms | queries | with inquiries: p50 ms | p95 ms | queries |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for path in PAGES:
        b = before[path] if before else (float("nan"),) * 2 + (0,)
        a = after[path]
        print(f"| `{path}` | {b[0]:.1f} | {b[1]:.1f} | {b[2]} | {a[0]:.1f} | {a[1]:.1f} | {a[2]} |")
    print(f"inquiries summary on the staff inbox (2 queries): {panel:.2f} ms per page")


if __name__ == "__main__":
    main()
