"""`make bench-surveys`: the survey results page with 1,000,000 requests and 300,000 responses.

1. Data — on the database at DATABASE_URL (PostgreSQL; created if missing): `migrate`, then
   `bench_data --scale S` if it holds no requests, then `bench_surveys --responses R` if it
   holds no invitations (one invitation per ended request, R responses among them).
2. Measure — the page `GET /surveys/staff/results/` in this process through Django's test
   client (no HTTP server, no network: the time the server spends on the page, database
   included), N times after 3 warm-ups for each view:
   - as the manager of the agency with the most responses (its year, a quarter, a month, and
     the year per month), the page a manager opens;
   - as an operator, every agency at once (the year per agency and per province: all
     responses of the year), the view oversight will have;
   and prints p50 / p95 / p99 / max and the queries of one page, then the plan of the national
   aggregate (EXPLAIN ANALYZE).
   The page reads the daily rollup (desk/surveys/rollup.py): the script back-fills it first
   (`survey_rollup` over every day, timed and printed) and the plan is the rollup's.

    make bench-surveys                                   # full scale (bench_data takes ~10 min)
    BENCH_SURVEYS_SCALE=0.1 BENCH_SURVEYS_RESPONSES=30000 make bench-surveys
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mz_h14a .venv/bin/python bench/surveys.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["BENCH"] = "1"  # desk.benchdata: the generator
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-surveys-" + "x" * 40)
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
    sys.path.insert(0, str(ROOT))
    _create_database(database_url)
    import django

    django.setup()


def _create_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def _data(scale: float, responses: int) -> None:
    from django.core.management import call_command

    from desk.submissions.models import Submission
    from desk.surveys.models import Invitation

    call_command("migrate", verbosity=0)
    if not Submission.objects.exists():
        call_command("bench_data", scale=scale)
    if not Invitation.objects.exists():
        call_command("bench_surveys", responses=responses)
    # The generator sets the counters past its rows at its end; a run cut short did not.
    from django.core.management.color import no_style
    from django.db import connection

    from desk.accounts.models import User

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [User, Submission]):
            cursor.execute(sql)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _measure(client: Any, url: str, count: int) -> dict[str, Any]:
    from django.db import connection

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    queries: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(url)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {
        "p50": statistics.median(times),
        "p95": _percentile(times, 0.95),
        "p99": _percentile(times, 0.99),
        "max": max(times),
        "queries": len(queries),
    }


def _people() -> tuple[Any, Any, int]:
    from django.db.models import Count

    from desk.accounts.models import User
    from desk.agencies.models import Role, Staff
    from desk.surveys.models import Response

    top = Response.objects.values("agency_id").annotate(n=Count("pk")).order_by("-n").first() or {}
    manager = (
        Staff.objects.filter(agency_id=top.get("agency_id"), role=Role.MANAGER).first()
        if top
        else None
    )
    if manager is None:
        raise SystemExit("no responses or no manager: run bench_data and bench_surveys first")
    operator = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-operator", password="bench-Strong-pass-1404"
    )
    return manager.user, operator, top["n"]


def _plan(year: int) -> str:
    from django.db import connection
    from django.db.models import Sum

    from desk.surveys.models import AXES, ResultDay

    query = (
        ResultDay.objects.filter(year=year)
        .values("agency_id")
        .annotate(n=Sum("responses"), **{a: Sum(f"{a}_sum") for a in AXES})
        .order_by()
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN "
        cursor.execute(prefix + sql, params)
        return "\n".join(str(row[0]) for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mz_bench_surveys"
        ),
    )
    scale = float(os.environ.get("BENCH_SURVEYS_SCALE", 1))
    parser.add_argument("--scale", type=float, default=scale)
    parser.add_argument(
        "--responses", type=int, default=int(os.environ.get("BENCH_SURVEYS_RESPONSES", 300_000))
    )
    parser.add_argument("-n", type=int, default=int(os.environ.get("BENCH_SURVEYS_N", 200)))
    args = parser.parse_args()
    _setup(args.database_url)
    _data(args.scale, args.responses)

    from django.db.models import Max

    from desk.submissions.models import Submission
    from desk.surveys.models import Invitation, Response, ResultDay
    from desk.surveys.rollup import all_days, survey_rollup
    from desk.test import DeskClient

    started = time.perf_counter()
    run = survey_rollup(days=all_days())
    print(
        f"rollup back-fill: {run.days:,} days, {ResultDay.objects.count():,} rows "
        f"in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    survey_rollup()
    print(f"rollup, nothing new since: {time.perf_counter() - started:.2f} s")
    manager, operator, agency_responses = _people()
    year = Response.objects.aggregate(y=Max("year"))["y"] - 1  # the last whole year
    year_responses = Response.objects.filter(year=year).count()
    print(
        f"data: {Submission.objects.count():,} requests, {Invitation.objects.count():,} "
        f"invitations, {Response.objects.count():,} responses; Jalali year {year}: "
        f"{year_responses:,} responses; the manager's agency: {agency_responses:,} responses"
    )
    url = "/surveys/staff/results/"
    views = [
        (manager, "manager: year by service", f"{url}?year={year}&period=y&group_by=service"),
        (manager, "manager: quarter by service", f"{url}?year={year}&period=q2&group_by=service"),
        (manager, "manager: month by service", f"{url}?year={year}&period=m7&group_by=service"),
        (manager, "manager: year by month", f"{url}?year={year}&period=y&group_by=month"),
        (operator, "operator: year by agency", f"{url}?year={year}&period=y&group_by=agency"),
        (operator, "operator: year by province", f"{url}?year={year}&period=y&group_by=province"),
    ]
    print("\n| view | p50 ms | p95 ms | p99 ms | max ms | queries |\n|---|---|---|---|---|---|")
    for user, name, address in views:
        client = DeskClient()
        client.force_login(user)
        figures = _measure(client, address, args.n)
        print(
            f"| {name} | {figures['p50']:.1f} | {figures['p95']:.1f} | {figures['p99']:.1f} "
            f"| {figures['max']:.1f} | {figures['queries']} |"
        )
    print("\nnational aggregate, one year:\n" + _plan(year))


if __name__ == "__main__":
    main()
