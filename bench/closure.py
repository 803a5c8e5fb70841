"""`make bench-closure`: adding a closure with N open requests in the database, on SQLite and
PostgreSQL — how long the admin's save takes, how long the job that moves the deadlines takes,
and how much memory that job needs (it must not grow with N).

For each database: a fresh one (a temporary VAR_DIR for SQLite; the `mz_events` database on
PostgreSQL, dropped and created again), one agency per province with a 10-working-day service,
and N open requests filed over the last week (written by desk/benchdata's fast writer), so that
a national closure tomorrow moves every one of them. Then, each in its own process:

1. save — `calendars.services.closure_create` for a national closure tomorrow, committed, as
   the admin's save calls it; its subscribers are queued in Huey (SqliteHuey), not run.
2. job — a worker process takes the queued jobs (the deadline recompute and the appointments
   job) from the queue and runs them: wall time, the process's peak RSS, and the requests read
   and changed. A bare worker process (Django set up, nothing run) gives the RSS baseline.
3. memory — the recompute run again (a new run of the same change: every request read again,
   none written) under tracemalloc, for the peak of Python allocations.

Writes the figures, the machine and the command into the "## Closure recompute" section of
docs/benchmarks.md (only that section). With `--no-doc` (or BENCH_CLOSURE_DOC=0) it only prints
them: ops's `make reliability` runs it with a small N in CI.

Settings (environment or arguments):
  BENCH_CLOSURE_N=100000,200000     open requests per run (--n 2000 for a quick run)
  BENCH_CLOSURE_DBS=sqlite,postgres
  BENCH_PG=postgres://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Closure recompute"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PG_DB = "mz_events"
INHERITED = ("DATABASE_URL", "REDIS_URL", "HUEY_BACKEND", "HUEY_REDIS_URL", "VAR_DIR", "DEBUG")
BATCH = 5000


# --- inside a Django process -------------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
    import django

    django.setup()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _tomorrow() -> datetime.date:
    from desk.lib.jalali import today_tehran

    return today_tehran() + datetime.timedelta(days=1)


def seed(count: int) -> dict[str, Any]:
    """Agencies, a service each, citizens, and `count` open requests due after tomorrow."""
    _django()
    import random

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from desk.accounts.models import User
    from desk.agencies.models import Agency
    from desk.benchdata import rows, words, writer
    from desk.catalog.models import Category, Service
    from desk.submissions.models import Status, Submission

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(1404)
    agencies = Agency.objects.bulk_create(rows.agency_row(i) for i in range(len(words.PROVINCES)))
    category = Category.objects.create(slug="bench-closure", name="سنجش تعطیلی")
    services = []
    for i, agency in enumerate(agencies):
        service = rows.service_row(i, agency=agency, category=category, rng=rng)
        service.duration_working_days = 10
        services.append(service)
    Service.objects.bulk_create(services)
    codes = sorted({rows.national_code(rng) for _ in range(2000)})
    citizens = User.objects.bulk_create(rows.citizen_row(code=c, rng=rng) for c in codes)
    applicants = [
        rows.Applicant(c.pk, c.get_full_name(), c.national_code or "", c.mobile) for c in citizens
    ]
    now = timezone.now()
    used: set[str] = set()
    started = time.perf_counter()
    for done in range(0, count, BATCH):
        batch = []
        for _ in range(min(BATCH, count - done)):
            row = rows.submission_row(
                service=rng.choice(services),
                applicant=rng.choice(applicants),
                status=rng.choice((Status.SUBMITTED, Status.IN_REVIEW)),
                now=now,
                used_codes=used,
                rng=rng,
            )
            # Filed in the last week: every deadline lies after tomorrow's closure.
            row.submitted_at = now - datetime.timedelta(seconds=rng.randrange(7 * 86400))
            row.due_on = row.submitted_at.date() + datetime.timedelta(days=14)
            batch.append(row)
        with transaction.atomic():
            writer.insert(Submission, batch)
    writer.reset_sequences([Submission])
    return {"seconds": time.perf_counter() - started, "requests": count}


def save() -> dict[str, Any]:
    """The admin's save: the closure row, committed, its subscribers queued."""
    _django()
    from django.db import transaction
    from huey.contrib.djhuey import HUEY

    from desk.accounts.models import User
    from desk.calendars.services import closure_create

    root = User.objects.create_superuser("bench-root", password="bench-Strong-pass-1404")
    day = _tomorrow()
    started = time.perf_counter()
    with transaction.atomic():
        closure_create(
            created_by=root,
            scope="national",
            start=day,
            end=day,
            kind="pollution",
            reason="آلودگی هوا",
        )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "queued": HUEY.pending_count()}


def work(*, run: bool) -> dict[str, Any]:
    """A worker: take the queued jobs and run them (or, with run=False, only start up)."""
    _django()
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    from desk.submissions.models import DeadlineRecompute

    autodiscover_modules("tasks")  # as run_huey does
    baseline = _rss_mb()
    tasks = []
    started = time.perf_counter()
    while run and (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
        tasks.append(task.name)
    seconds = time.perf_counter() - started
    recompute = DeadlineRecompute.objects.order_by("-pk").first()
    return {
        "seconds": seconds,
        "tasks": tasks,
        "rss_mb": _rss_mb(),
        "rss_start_mb": baseline,
        "examined": recompute.examined if recompute else 0,
        "changed": recompute.changed if recompute else 0,
        "finished": bool(recompute and recompute.finished_at),
    }


def replay() -> dict[str, Any]:
    """The recompute once more under tracemalloc: the peak of Python allocations."""
    _django()
    import tracemalloc

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from desk.core.events import CalendarChanged, CalendarScope
    from desk.submissions import deadlines

    day = _tomorrow()
    change = CalendarChanged(scope=CalendarScope.NATIONAL, start=day, end=day)
    run = deadlines.recompute_start(change=change)
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        deadlines.recompute_run(run)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    chunks = sum(
        1
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "submissions_submission" in q["sql"]
    )
    return {
        "peak_mb": peak / 2**20,
        "examined": run.examined,
        "changed": run.changed,
        "chunk_reads": chunks,
    }


# --- the orchestrator --------------------------------------------------------------------------


def _env(db: str, var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="desk.settings",
        BENCH="1",
        VAR_DIR=var_dir,
        SMS_BACKEND="memory",
        HUEY_BACKEND="sqlite",
        LOG_LEVEL="WARNING",
        DATABASE_URL=(f"sqlite:///{var_dir}/db.sqlite3" if db == "sqlite" else f"{PG}/{PG_DB}"),
    )
    return env


def _step(step: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [PYTHON, __file__, step, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench/closure.py {step} failed")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _fresh_postgres() -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
        version = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {version[0] if version else '?'}"


def _postgres_reachable() -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{PG}/postgres", connect_timeout=5):
            return True
    except psycopg.OperationalError:
        return False


def measure(db: str, count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-closure-") as var_dir:
        engine = _fresh_postgres() if db == "postgres" else "SQLite (WAL)"
        env = _env(db, var_dir)
        seeded = _step("seed", env, str(count))
        saved = _step("save", env)
        idle = _step("work", env, "--idle")
        job = _step("work", env)
        memory = _step("replay", env)
    figures = {
        "db": engine,
        "requests": count,
        "seed_s": seeded["seconds"],
        "save_ms": saved["seconds"] * 1000,
        "queued": saved["queued"],
        "job_s": job["seconds"],
        "examined": job["examined"],
        "changed": job["changed"],
        "finished": job["finished"],
        "rss_idle_mb": idle["rss_mb"],
        "rss_job_mb": job["rss_mb"],
        "tracemalloc_peak_mb": memory["peak_mb"],
        "chunk_reads": memory["chunk_reads"],
    }
    print(json.dumps(figures), flush=True)
    if not job["finished"] or job["examined"] != count:
        raise SystemExit(f"the job did not read every running request: {figures}")
    return figures


def _table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| database | open requests | changed | admin save | job | rows per s "
        "| peak RSS (idle worker) | tracemalloc peak | chunk reads |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['db']} | {r['requests']:,} | {r['changed']:,} | {r['save_ms']:.0f} ms "
            f"| {r['job_s']:.1f} s "
            f"| {r['requests'] / r['job_s']:,.0f} | {r['rss_job_mb']:.0f} MB "
            f"({r['rss_idle_mb']:.0f} MB) | {r['tracemalloc_peak_mb']:.1f} MB "
            f"| {r['chunk_reads']} |"
        )
    return "\n".join(lines)


def _write_doc(results: list[dict[str, Any]], command: str) -> None:
    cpu = platform.processor() or platform.machine()
    body = f"""{SECTION}

`{command}` (bench/closure.py) — measured {datetime.date.today().isoformat()} on
{os.cpu_count()} cores ({cpu}, {platform.python_implementation()} {platform.python_version()}),
one database after the other. A national closure
tomorrow, added through `calendars.services.closure_create` as the admin's save calls it, with N
open requests that it moves (filed in the last week, 10-working-day services, one agency per
province). *Admin save*: the service call with its commit; the deadline job and the
appointments job are only queued (Huey). *Job*: a worker process taking both jobs from the queue
and running them; every request is read (1,000 per transaction) and those whose deadline moved
are rewritten (*changed*). *Peak RSS*: the
worker's peak resident memory, next to a worker that only started. *tracemalloc peak*: the
recompute run again under tracemalloc (Python allocations). *Chunk reads*: the SELECTs of
requests that run made (N / 1,000 + 1): memory stays flat as N doubles.

{_table(results)}
"""
    text = DOC.read_text()
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(body + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + body
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", "--requests", default=os.environ.get("BENCH_CLOSURE_N", "100000,200000")
    )
    parser.add_argument("--dbs", default=os.environ.get("BENCH_CLOSURE_DBS", "sqlite,postgres"))
    parser.add_argument(
        "--no-doc", action="store_true", default=os.environ.get("BENCH_CLOSURE_DOC") == "0"
    )
    options = parser.parse_args()
    counts = [int(n) for n in options.n.split(",") if n.strip()]
    dbs = [d.strip() for d in options.dbs.split(",") if d.strip()]
    if "postgres" in dbs and not _postgres_reachable():
        sys.stderr.write(f"PostgreSQL at {PG} is not reachable: measured on SQLite only.\n")
        dbs.remove("postgres")
    results = [measure(db, n) for db in dbs for n in counts]
    print(_table(results))
    if not options.no_doc:
        command = f"make bench-closure BENCH_CLOSURE_N={options.n} BENCH_CLOSURE_DBS={options.dbs}"
        _write_doc(results, command)


if __name__ == "__main__":
    steps = {
        "seed": lambda: seed(int(sys.argv[2])),
        "save": save,
        "work": lambda: work(run="--idle" not in sys.argv),
        "replay": replay,
    }
    if len(sys.argv) > 1 and sys.argv[1] in steps:
        print(json.dumps(steps[sys.argv[1]]()))
    else:
        main()
