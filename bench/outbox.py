"""`make bench-outbox`: how many messages per second one outbox worker sends, with the fake
gateway, on SQLite and on PostgreSQL, and that none is lost or sent twice while doing it.

For each database: a fresh database (a temporary VAR_DIR for SQLite, `desk_bench_outbox` on
PostgreSQL), queued messages, then 1, 2, 4 … worker processes draining them through
`messages_send_due()` (claim under a lease, send through MemoryBackend, record the result) — the
same code path as the periodic Huey job. Two gateways: one that answers instantly, so that the
figures measure the outbox itself (its claims and writes), and one that takes
BENCH_OUTBOX_LATENCY_MS per message like a real provider, which shows how workers add up.

Writes the figures, the machine and the command into the "## Outbox throughput" section of
docs/benchmarks.md (only that section; the rest of the file is left as it is).

Settings (environment):
  BENCH_OUTBOX_DBS=sqlite,postgres
  BENCH_OUTBOX_MESSAGES=3000        messages per run, instant gateway
  BENCH_OUTBOX_SLOW_MESSAGES=400    messages per run, slow gateway
  BENCH_OUTBOX_WORKERS=1,2,4        worker processes per run
  BENCH_OUTBOX_LATENCY_MS=50        the slow gateway's round trip (0: skip those runs)
  BENCH_PG=postgres://postgres@127.0.0.1:5432
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Outbox throughput"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PG_DB = "desk_bench_outbox"
INHERITED = ("DATABASE_URL", "REDIS_URL", "HUEY_BACKEND", "HUEY_REDIS_URL", "VAR_DIR", "DEBUG")


def _ints(name: str, default: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, default).split(",") if x.strip()]


MESSAGES = _ints("BENCH_OUTBOX_MESSAGES", "3000")[0]
SLOW_MESSAGES = _ints("BENCH_OUTBOX_SLOW_MESSAGES", "400")[0]
WORKERS = _ints("BENCH_OUTBOX_WORKERS", "1,2,4")
LATENCY_MS = _ints("BENCH_OUTBOX_LATENCY_MS", "50")[0]
DBS = [d.strip() for d in os.environ.get("BENCH_OUTBOX_DBS", "sqlite,postgres").split(",") if d]


# --- inside a Django process -------------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
    import django

    django.setup()


def seed(count: int) -> None:
    _django()
    from django.utils import timezone

    from desk.notifications.models import OutboundMessage

    OutboundMessage.objects.all().delete()
    now = timezone.now()
    rows = [
        OutboundMessage(
            to=f"+98912{i % 10_000_000:07d}",
            body=f"درخواست {i} در حال بررسی است.\nمیز خدمت شهرداری نمونه",
            kind="status_in_review",
            reference=f"{i:012d}",
            provider="memory",
            created_at=now,
            next_attempt_at=now,
        )
        for i in range(count)
    ]
    OutboundMessage.objects.bulk_create(rows, batch_size=1000)


def work() -> None:
    """One worker: wait for the start signal, drain the outbox, report what it sent."""
    _django()
    from django.db import connection

    from desk.notifications.backends import MemoryBackend
    from desk.notifications.services import messages_send_due

    latency = int(os.environ.get("OUTBOX_WORKER_LATENCY_MS", "0"))
    if latency:
        real_send = MemoryBackend.send

        def slow_send(self: MemoryBackend, message: Any) -> Any:
            time.sleep(latency / 1000)
            return real_send(self, message)

        MemoryBackend.send = slow_send  # type: ignore[method-assign]
    connection.ensure_connection()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    sys.stdin.readline()
    started = time.perf_counter()
    claimed = 0
    # Another worker may still hold a few claims when this one finds nothing: ask twice.
    for _ in range(2):
        while (n := messages_send_due()) > 0:
            claimed += n
    seconds = time.perf_counter() - started
    sent = [m["local_id"] for m in MemoryBackend.outbox]
    sys.stdout.write(json.dumps({"claimed": claimed, "seconds": seconds, "sent": sent}) + "\n")


def count_statuses() -> None:
    _django()
    from django.db.models import Count

    from desk.notifications.models import OutboundMessage

    rows = OutboundMessage.objects.values("status").annotate(n=Count("pk")).order_by()
    sys.stdout.write(json.dumps({r["status"]: r["n"] for r in rows}) + "\n")


# --- the orchestrator --------------------------------------------------------------------------


def _env(db: str, var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="desk.settings",
        VAR_DIR=var_dir,
        SMS_BACKEND="memory",
        SMS_QUIET_HOURS="off",
        HUEY_BACKEND="sqlite",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        DATABASE_URL=(f"sqlite:///{var_dir}/db.sqlite3" if db == "sqlite" else f"{PG}/{PG_DB}"),
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return result.stdout


def _fresh_postgres() -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
        version = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {version[0] if version else '?'}"


def measure(db: str, workers: int, env: dict[str, str], latency: int) -> dict[str, Any]:
    messages = SLOW_MESSAGES if latency else MESSAGES
    _run([PYTHON, __file__, "seed", str(messages)], env)
    procs = [
        subprocess.Popen(
            [PYTHON, __file__, "work"],
            env={**env, "OUTBOX_WORKER_LATENCY_MS": str(latency)},
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    for proc in procs:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit("a worker did not start")
    started = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    reports = []
    for proc in procs:
        out, _err = proc.communicate(timeout=3600)
        if proc.returncode:
            raise SystemExit(f"a worker failed on {db}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    wall = time.perf_counter() - started
    sent = [local_id for r in reports for local_id in r["sent"]]
    statuses = json.loads(_run([PYTHON, __file__, "count"], env))
    rate = messages / wall
    return {
        "db": db,
        "latency": latency,
        "workers": workers,
        "messages": messages,
        "seconds": round(wall, 2),
        "per_second": round(rate),
        "per_worker": round(rate / workers),
        "sent_twice": len(sent) - len(set(sent)),
        "not_sent": messages - statuses.get("sent", 0),
        "claimed_by_worker": [r["claimed"] for r in reports],
    }


def machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import sqlite3

    return {
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "kernel": platform.release(),
    }


def write_section(results: list[dict[str, Any]], info: dict[str, str]) -> None:
    lines = [
        SECTION,
        "",
        "How many messages per second an outbox worker gets through with the fake gateway",
        "(`SMS_BACKEND=memory`): each message is claimed under a lease (PostgreSQL",
        "`FOR UPDATE SKIP LOCKED`, SQLite compare-and-set), sent, and its result written — the",
        "path of the periodic Huey job. Workers are separate processes draining the same queued",
        "messages. Every run also checks, on what reached the fake gateway, that no message was",
        "sent twice and none was left unsent.",
        "",
        f"- Command: `make bench-outbox` (`{Path(PYTHON).name} bench/outbox.py`; "
        f"BENCH_OUTBOX_MESSAGES={MESSAGES}, BENCH_OUTBOX_SLOW_MESSAGES={SLOW_MESSAGES}, "
        f"BENCH_OUTBOX_WORKERS={','.join(map(str, WORKERS))}, "
        f"BENCH_OUTBOX_LATENCY_MS={LATENCY_MS})",
        f"- Machine: {info['nproc']} CPUs (`nproc`), {info['cpu']}; Linux {info['kernel']}; "
        f"Python {info['python']}; SQLite {info['sqlite']}; "
        f"{info.get('postgres', 'no PostgreSQL')}; the database server on the same machine",
        f"- Run: {datetime.date.today().isoformat()}; load average before the run "
        f"{info['load']} (other work on the machine lowers the figures)",
        "",
        "| database | gateway | workers | messages | seconds | messages/s | per worker "
        "| sent twice | not sent |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        gateway = f"{r['latency']} ms" if r["latency"] else "instant"
        lines.append(
            f"| {r['db']} | {gateway} | {r['workers']} | {r['messages']:,} | {r['seconds']} | "
            f"{r['per_second']:,} | {r['per_worker']:,} | {r['sent_twice']} | {r['not_sent']} |"
        )
    lines += [
        "",
        "Reading the figures. With the instant gateway they are the outbox's own cost: about",
        "three queries per claimed batch of `SMS_CLAIM_BATCH` messages plus one conditional",
        "UPDATE per message, each its own commit so that a sent message is recorded at once.",
        "On PostgreSQL that commit waits for the WAL flush, which bounds a worker; SQLite in WAL",
        "mode with `synchronous=NORMAL` does not flush on every commit, and its single writer",
        "means extra workers share, rather than add, its throughput. With a gateway that takes",
        "as long as a real one (Kavenegar and sms.ir answer in 50–300 ms), a worker spends its",
        "time waiting for the provider, and throughput grows with the number of workers on both",
        "databases (less than linearly here: two CPUs shared by the workers, the database and",
        "whatever else runs). The outbox is not the bottleneck; the provider's latency and rate",
        "limit are, and `HUEY_WORKERS` is the knob.",
        "",
    ]
    section = "\n".join(lines)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    results: list[dict[str, Any]] = []
    info = machine()
    for db in DBS:
        with tempfile.TemporaryDirectory(prefix="desk-bench-outbox-") as var_dir:
            env = _env(db, var_dir)
            if db == "postgres":
                info["postgres"] = _fresh_postgres()
            _run([PYTHON, "manage.py", "migrate", "--noinput"], env)
            for latency in sorted({0, LATENCY_MS}):
                for workers in WORKERS:
                    result = measure(db, workers, env, latency)
                    results.append(result)
                    print(
                        f"{db:8} gateway {latency:>3} ms, {workers} worker(s): "
                        f"{result['per_second']:>6,} messages/s ({result['per_worker']:,} per "
                        f"worker), sent twice {result['sent_twice']}, "
                        f"not sent {result['not_sent']}",
                        flush=True,
                    )
                    if result["sent_twice"] or result["not_sent"]:
                        raise SystemExit(f"the outbox lost or doubled messages: {result}")
    write_section(results, info)
    print(f"written to {DOC.relative_to(ROOT)} ({SECTION})")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "main"
    if command == "seed":
        seed(int(sys.argv[2]))
    elif command == "work":
        work()
    elif command == "count":
        count_statuses()
    else:
        main()
