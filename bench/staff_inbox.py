"""The staff inbox at full scale: its first page and a later page (by the "next" cursor), in
process and then saturated through gunicorn. Reads the database, writes nothing to it (the
expert's session lives in Redis).

    BENCH=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/mz_big \\
        REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/staff_inbox.py

1. In process: BENCH_CALLS (200) GETs of each page through the WSGI handler (Django's test
   client, the server's middleware), wall milliseconds p50/p95/p99 and queries per page; the
   page's queries with EXPLAIN ANALYZE (`--explain`).
2. Saturated: gunicorn with deploy/gunicorn.conf.py (BENCH_WORKERS workers, 4 by default:
   2 × cores) and BENCH_CONCURRENCY (8) closed-loop clients of bench/load.py, each sending its
   next request when the last one has answered, for BENCH_DURATION seconds after a warm-up:
   every worker always busy, so latencies include queueing behind the other clients. Then the
   same page paced (open loop) at half the throughput just measured. Load average printed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
os.environ.setdefault("BENCH", "1")
os.environ.setdefault("SESSION_BACKEND", "cache")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

import load  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from desk.agencies.models import Staff  # noqa: E402
from desk.benchdata.management.commands.bench_fixtures import session_for  # noqa: E402
from desk.submissions.selectors import inbox_page  # noqa: E402

INBOX = "/requests/staff/"
CALLS = int(os.environ.get("BENCH_CALLS", "200"))
PORT = int(os.environ.get("BENCH_PORT", "8196"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
DURATION = float(os.environ.get("BENCH_DURATION", "20"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "10"))  # every worker past its first requests
ROW = b'<bdi class="tracking-code"'
NEXT = re.compile(rb'href="\?after=([0-9_-]+)&amp;from=(\d+)"')


def pct(values: list[float], q: float) -> float:
    return round(load.percentile(sorted(values), q), 1)


def in_process(client: Client, paths: dict[str, str], explain: bool) -> None:
    for name, path in paths.items():
        for _ in range(5):
            client.get(path)
        times = []
        for _ in range(CALLS):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(
            f"in process  {name:<12} p50 {pct(times, 0.5):6.1f}  p95 {pct(times, 0.95):6.1f}  "
            f"p99 {pct(times, 0.99):6.1f} ms  mean {statistics.fmean(times):6.1f}  "
            f"queries {len(queries)}  ({CALLS} calls, {response.content.count(ROW)} rows)"
        )
        if explain:
            for query in queries.captured_queries:
                if "submissions_submission" not in query["sql"]:
                    continue
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    plan = "\n    ".join(row[0] for row in cursor.fetchall())
                print(f"  {query['sql'][:160]}…\n    {plan}")


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


APP_NAME = "mz-staff-inbox-bench"  # PGAPPNAME of the server's connections, to find them


def probe_for(server: subprocess.Popen[bytes]) -> load.Probe:
    """CPU seconds so far of gunicorn (master and workers) and of the PostgreSQL backends
    that serve it (bench/run.py's CpuProbe, keyed by the connections' application name)."""
    import psycopg
    from run import children, cpu_seconds

    pids = [server.pid, *children(server.pid)]
    db = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)

    def probe() -> dict[str, float]:
        out = {f"server:{pid}": cpu_seconds(pid) for pid in pids}
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APP_NAME,)
        ).fetchall()
        out.update({f"database:{pid}": cpu_seconds(pid) for (pid,) in rows})
        return out

    return probe


def cpu_note(result: load.Result) -> str:
    spent = {"server": 0.0, "database": 0.0, "driver": 0.0}
    for key, seconds in (result.cpu_s or {}).items():
        spent[key.split(":", 1)[0]] += max(0.0, seconds)
    per = {k: v * 1000 / max(result.requests, 1) for k, v in spent.items()}
    return (
        f"CPU/request: gunicorn {per['server']:.1f} ms + PostgreSQL {per['database']:.1f} ms "
        f"(driver {per['driver']:.1f} ms)"
    )


def saturated(cookie: str, paths: dict[str, str]) -> None:
    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_LOG_LEVEL": "warning",
        "SMS_BACKEND": "memory",
        "VAR_DIR": str(ROOT / "bench" / ".work" / "staff_inbox"),
        "PGAPPNAME": APP_NAME,
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "desk.wsgi"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        print(f"gunicorn: {WORKERS} workers; {CONCURRENCY} closed-loop clients; load {loadavg()}")
        probe = probe_for(server)
        for name, path in paths.items():

            def inbox(i: int, path: str = path) -> bytes:
                return load.http_request("GET", path, host="127.0.0.1", headers={"Cookie": cookie})

            def shown(status: int, body: bytes) -> bool:
                return status == 200 and b"inbox-title" in body

            result = load.run(
                f"inbox {name}",
                port=PORT,
                make_request=inbox,
                check=shown,
                concurrency=CONCURRENCY,
                duration=DURATION,
                warmup=WARMUP,
                probe=probe,
            )
            print(
                f"saturated   {name:<12} p50 {result.p50_ms:6.1f}  p95 {result.p95_ms:6.1f}  "
                f"p99 {result.p99_ms:6.1f} ms  {result.rps} req/s  {result.requests} requests  "
                f"errors {result.errors} {result.first_error[:80]}  driver CPU "
                f"{result.client_cpu_s} s  load {loadavg()}\n            {cpu_note(result)}"
            )
            paced = load.run_at_rate(
                f"inbox {name} paced",
                port=PORT,
                make_request=inbox,
                check=shown,
                rate=max(1.0, result.rps / 2),
                duration=DURATION,
            )
            print(
                f"paced ½     {name:<12} p50 {paced.p50_ms:6.1f}  p95 {paced.p95_ms:6.1f}  "
                f"p99 {paced.p99_ms:6.1f} ms  at {paced.rps} req/s  errors {paced.errors}  "
                f"load {loadavg()}"
            )
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--username", default="bench-agency-0000-expert")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    staff = Staff.objects.select_related("user").get(user__username=args.username)
    session = session_for(staff.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    first = client.get(INBOX)
    match = NEXT.search(first.content)
    paths = {"first page": INBOX}
    if match:
        paths["next page"] = f"{INBOX}?after={match[1].decode()}&from={match[2].decode()}"
    print(
        f"{args.username}: {inbox_page(staff).count} waiting; "
        f"pages {list(paths.values())}; {connection.vendor}; load {loadavg()}"
    )
    in_process(client, paths, args.explain)
    if not args.no_http:
        connection.close()
        saturated(cookie, paths)


if __name__ == "__main__":
    main()
