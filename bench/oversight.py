"""`make bench-oversight`: the oversight dashboards at 1,000,000 requests, and the aggregation.

1. Data — on the database at DATABASE_URL (PostgreSQL; created if missing): `migrate`, then
   `bench_data --scale S` if it holds no requests (requests over the last two years).
2. Aggregation — `oversight_aggregate` over the last D days (default 365: the dashboards' year),
   timed: total and per day.
3. Measure — each dashboard level in this process through Django's test client (no HTTP
   server: the time the server spends on the page, database included), N times after 3
   warm-ups, as a national evaluator: the country (by province), a province (by agency), the
   busiest agency (by service), its busiest service (by month), the league table; prints
   p50 / p95 / p99 / max and the queries of one page. The dashboards cache their figures until
   the next aggregation (desk/oversight/kpis.py), so after the warm-ups every sample is a cache
   hit: each view is therefore also timed cold — its first call after the cache generation is
   bumped, then ``--cold`` calls with a bump before each (p50 / p95 / p99 / max). Run with REDIS_URL
   to measure the cache as deployed (without it the cache is this process's memory).

    make bench-oversight                                     # full scale
    BENCH_OVERSIGHT_SCALE=0.05 BENCH_OVERSIGHT_DAYS=60 make bench-oversight   # CI-sized
    .venv/bin/python bench/oversight.py --database-url postgres://…/mz_h17k_bench --scale 1
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from surveys import _measure, _percentile, _setup  # noqa: E402  (the same set-up and timer)


def _data(scale: float) -> None:
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    from desk.accounts.models import User
    from desk.submissions.models import Submission

    call_command("migrate", verbosity=0)
    if not Submission.objects.exists():
        started = time.perf_counter()
        call_command("bench_data", scale=scale)
        print(f"bench_data --scale {scale}: {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [User, Submission]):
            cursor.execute(sql)


def _aggregate(days: int) -> tuple[float, int]:
    from desk.lib.jalali import today_tehran
    from desk.oversight.aggregation import aggregate_days

    last = today_tehran()
    first = last - datetime.timedelta(days=days - 1)
    started = time.perf_counter()
    run = aggregate_days(first, last, trigger="bench")
    return time.perf_counter() - started, run.rows


def _evaluator() -> Any:
    from desk.accounts.models import User
    from desk.agencies.models import Agency, OversightLevel, Role, Staff

    agency, _ = Agency.objects.get_or_create(
        slug="bench-aeo",
        defaults={"name": "سازمان اداری و استخدامی کشور", "oversight": OversightLevel.NATIONAL},
    )
    user = User.objects.filter(username="bench-evaluator").first()
    if user is None:
        user = User.objects.create_user("bench-evaluator", password="bench-Strong-pass-1404")
        Staff.objects.create(user=user, agency=agency, role=Role.EXPERT)
    return user


def _busiest(year: int) -> tuple[int, str, int]:
    from django.db.models import Sum

    from desk.agencies.models import Agency
    from desk.oversight.models import MonthlyFigures

    rows = MonthlyFigures.objects.filter(year=year)
    agency = (
        rows.filter(service=None)
        .values("agency_id")
        .annotate(n=Sum("filed"))
        .order_by("-n")
        .first()
    )
    assert agency, "no figures: the aggregation wrote nothing"
    service = (
        rows.filter(agency_id=agency["agency_id"], service__isnull=False)
        .values("service_id")
        .annotate(n=Sum("filed"))
        .order_by("-n")
        .first()
    )
    assert service
    province = Agency.objects.get(pk=agency["agency_id"]).province
    return agency["agency_id"], province, service["service_id"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mz_bench_oversight"
        ),
    )
    parser.add_argument(
        "--scale", type=float, default=float(os.environ.get("BENCH_OVERSIGHT_SCALE", 1))
    )
    parser.add_argument(
        "--days", type=int, default=int(os.environ.get("BENCH_OVERSIGHT_DAYS", 365))
    )
    parser.add_argument("-n", type=int, default=int(os.environ.get("BENCH_OVERSIGHT_N", 100)))
    parser.add_argument("--skip-aggregation", action="store_true")
    parser.add_argument(
        "--cold",
        type=int,
        default=int(os.environ.get("BENCH_OVERSIGHT_COLD", 30)),
        help="pages timed with the figures' cache made stale before each",
    )
    args = parser.parse_args()
    _setup(args.database_url)
    _data(args.scale)

    from django.urls import reverse

    from desk.lib import jalali
    from desk.oversight.models import DailyFigures, MonthlyFigures
    from desk.submissions.models import Submission
    from desk.test import DeskClient

    print(f"data: {Submission.objects.count():,} requests")
    if not args.skip_aggregation:
        seconds, rows = _aggregate(args.days)
        print(
            f"aggregation of {args.days} days: {seconds:.0f} s "
            f"({seconds / args.days:.2f} s a day), "
            f"{rows:,} daily rows; {DailyFigures.objects.count():,} daily and "
            f"{MonthlyFigures.objects.count():,} monthly rows in all"
        )
    year = jalali.to_jalali(jalali.today_tehran()).year
    agency_id, province, service_id = _busiest(year)
    query = f"?year={year}&period=y"
    views = [
        ("country, year by province", reverse("oversight:country") + query),
        ("province, year by agency", reverse("oversight:province", args=[province]) + query),
        ("agency, year by service", reverse("oversight:agency", args=[agency_id]) + query),
        (
            "service, year by month",
            reverse("oversight:service", args=[agency_id, service_id]) + query,
        ),
        ("league, year, on time", reverse("oversight:league") + query + "&kpi=on_time"),
        ("country, one month", reverse("oversight:country") + f"?year={year}&period=m1"),
    ]
    client = DeskClient()
    client.force_login(_evaluator())
    client.get(reverse("oversight:home"))  # the session and the person, not the figures
    print(
        "\n| view | cold first ms | cold p50 ms | cold p95 ms | cold p99 ms | cold max ms "
        "| cold queries "
        "| warm p50 ms | warm p95 ms | warm p99 ms | warm max ms | warm queries |"
        "\n|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    for name, address in views:
        client.get(address)  # templates and code loaded: a running server after a night's run
        cold = _cold(client, address, max(args.cold, 1))
        f = _measure(client, address, args.n)
        print(
            f"| {name} | {cold['first']:.1f} | {cold['p50']:.1f} | {cold['p95']:.1f} "
            f"| {cold['p99']:.1f} | {cold['max']:.1f} | {cold['queries']} "
            f"| {f['p50']:.1f} | {f['p95']:.1f} | {f['p99']:.1f} | {f['max']:.1f} "
            f"| {f['queries']} |"
        )


def _cold(client: Any, url: str, count: int) -> dict[str, Any]:
    """Each page with the figures' cache made stale just before (as after an aggregation run):
    the first such call's time and queries, then the spread over ``count`` such calls."""
    import statistics

    from django.db import connection

    from desk.core.cache import OVERSIGHT_GENERATION, generation_bump

    queries: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    times = []
    for i in range(count):
        generation_bump(OVERSIGHT_GENERATION)
        started = time.perf_counter()
        if i == 0:
            with connection.execute_wrapper(record):
                response = client.get(url)
        else:
            response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return {
        "first": times[0],
        "p50": statistics.median(times),
        "p95": _percentile(times, 0.95),
        "p99": _percentile(times, 0.99),
        "max": max(times),
        "queries": len(queries),
    }


if __name__ == "__main__":
    main()
