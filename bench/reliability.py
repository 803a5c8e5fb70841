"""`make reliability`: the figures of issue 11, measured, and written into docs/reliability.md.

Each figure runs in its own process against a scratch database (a temporary VAR_DIR with
SQLite, or the PostgreSQL database `mz_reliability` beside BENCH_PG), so nothing here touches a
developer's data. Figures of other parts of the work are scripts of their own (bench/*.py that
print one JSON line and exit 1 when the guarantee fails); they are run when present and shown as
"pending" otherwise.

Counts (environment; CI sets small ones, the defaults are the issue's):
  RELIABILITY_KILLS=100      kill -9 of a sending worker
  RELIABILITY_SMS=1000       messages queued for the kills
  RELIABILITY_DROPS=20       database connections dropped (pg_terminate_backend) ...
  RELIABILITY_SUBMISSIONS=200  ... while this many requests are filed (PostgreSQL only)
  RELIABILITY_TAMPER=100     audit tamper trials
  RELIABILITY_SCALE=full|ci  ci: the small counts of .ci/run for the other figures' scripts
  RELIABILITY_DOC=1          0: print and write bench/results only, leave the doc alone
  BENCH_PG=postgres://postgres@127.0.0.1:5432   (empty: skip the PostgreSQL figures)
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DOC = ROOT / "docs" / "reliability.md"
RESULTS = ROOT / "bench" / "results"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PG_DB = "mz_reliability"
SCALE = os.environ.get("RELIABILITY_SCALE", "full")
INHERITED = ("DATABASE_URL", "REDIS_URL", "HUEY_BACKEND", "HUEY_REDIS_URL", "VAR_DIR", "DEBUG")


def _count(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# --- inside a figure's process -----------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
    import django

    django.setup()


def _gateway_latency(seconds: float) -> None:
    """The file gateway (our fake provider, with lookup) made as slow as a real one on both
    sides of its write, so that kills land before, during and after sends."""
    from desk.notifications.backends.local import FileBackend

    real_send = FileBackend.send

    def slow_send(self: Any, message: Any) -> Any:
        time.sleep(seconds)
        accepted = real_send(self, message)
        time.sleep(seconds)
        return accepted

    FileBackend.send = slow_send  # type: ignore[method-assign]


def figure_kills(kills: int, messages: int) -> dict[str, Any]:
    """Queue `messages` SMS, then `kills` times: fork a worker that sends them (the periodic
    job's code path) and kill -9 it at a random moment. Then one last worker finishes, after the
    dead workers' leases ran out. Every message must have reached the gateway exactly once."""
    _django()
    from django.conf import settings
    from django.db import connections

    sys.path.insert(0, str(ROOT / "bench"))
    from outbox import seed  # the outbox benchmark's queue of status SMS

    from desk.notifications.models import MessageStatus, OutboundMessage
    from desk.notifications.services import messages_send_due

    seed(messages)
    _gateway_latency(0.002)
    messages_send_due(limit=1)  # warm: every module a send needs is imported before the forks
    connections.close_all()
    rng = random.Random(1404)
    started = time.monotonic()
    sent_during_kills = 0
    for _ in range(kills):
        pid = os.fork()
        if pid == 0:  # the worker: send until killed
            try:
                while messages_send_due(limit=settings.SMS_CLAIM_BATCH):
                    pass
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    sent_during_kills = OutboundMessage.objects.filter(status=MessageStatus.SENT).count()
    connections.close_all()
    time.sleep(settings.SMS_LEASE_SECONDS + 1)  # every dead worker's lease runs out
    while messages_send_due():
        pass
    lines = Path(settings.SMS_FILE_PATH).read_text("utf-8").splitlines()
    at_gateway = Counter(line.split("\t")[1] for line in lines if line.count("\t") >= 3)
    ids = {str(pk) for pk in OutboundMessage.objects.values_list("pk", flat=True)}
    return {
        "kills": kills,
        "messages": messages,
        "sent_while_killing": sent_during_kills,
        "lost": len(ids - set(at_gateway)),
        "doubled": sum(1 for count in at_gateway.values() if count > 1),
        "not_sent_in_db": OutboundMessage.objects.exclude(status=MessageStatus.SENT).count(),
        "seconds": round(time.monotonic() - started, 1),
        "database": connections["default"].vendor,
    }


def figure_drops(drops: int, submissions: int) -> dict[str, Any]:
    """File `submissions` requests with a document each from 8 threads through the apply view
    while another connection terminates every other backend of the database `drops` times. A
    client whose request failed posts it again with the same idempotency key, as a browser
    would. Then: every request exactly once, and no stored file without its row after the
    sweeper (when the uploads sweeper exists)."""
    _django()
    from django.core.files.storage import default_storage
    from django.core.management import call_command, get_commands
    from django.db import connection, connections
    from django.test import Client
    from django.urls import reverse

    from desk.operations.backup import storage_walk
    from desk.submissions.models import Attachment, Submission
    from desk.test import PDF_BYTES, create_agency, create_citizen, create_service

    agency = create_agency(slug=f"agency-{uuid.uuid4().hex[:8]}")
    service = create_service(agency)
    url = reverse("submissions:apply", args=[service.slug])
    keys = [str(uuid.uuid4()) for _ in range(submissions)]
    # One citizen and one address per request: the per-citizen and per-address quotas on
    # submissions are not what this figure measures.
    people = {
        key: create_citizen(_national_code(n), f"+98912{n:07d}") for n, key in enumerate(keys)
    }
    pending = list(enumerate(keys))
    lock = threading.Lock()
    failures = Counter[str]()
    refusals: list[str] = []
    stop = threading.Event()

    def client() -> None:
        browser = Client(raise_request_exception=True)
        while True:
            with lock:
                if not pending:
                    return
                number, key = pending.pop()
            for _attempt in range(20):
                from django.core.files.uploadedfile import SimpleUploadedFile

                data = {
                    "address": "تهران، خیابان آزادی",
                    "deed": SimpleUploadedFile("deed.pdf", PDF_BYTES, "application/pdf"),
                    "idempotency_key": key,
                }
                try:
                    browser.force_login(people[key])  # a session row: needs the database too
                    address = f"10.9.{number // 200}.{number % 200}"
                    response = browser.post(url, data, REMOTE_ADDR=address)
                    if response.status_code == 302 and response["Location"].endswith("/check/"):
                        # «Check your answers»: sending the draft is what files the request.
                        response = browser.post(response["Location"], {}, REMOTE_ADDR=address)
                    if response.status_code == 302 and "/check/" not in response["Location"]:
                        break
                    failures[f"http {response.status_code}"] += 1
                    if response.status_code == 200:  # the form again, with a message
                        refusals.append(_error_text(response.content.decode()))
                except Exception as exc:  # a dropped connection surfaces as any DB error
                    failures[type(exc).__name__] += 1
                    connection.close()
            connection.close()

    def dropper() -> None:
        with connections["default"].cursor() as cursor:
            for _ in range(drops):
                if stop.wait(0.4):
                    return
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connections["default"].close()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(8)]
    killer = threading.Thread(target=dropper)
    for thread in [*threads, killer]:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    killer.join()
    connections.close_all()
    filed = Counter(str(k) for k in Submission.objects.values_list("idempotency_key", flat=True))
    named = set(Attachment.objects.values_list("file", flat=True))
    orphans_before = len(set(storage_walk(default_storage)) - named)
    swept = "sweep_uploads" in get_commands()
    if swept:
        call_command("sweep_uploads", grace_minutes=0, verbosity=0)
        # Files of drafts a failed attempt left behind (the retry made a new draft): what the
        # daily sweep_drafts removes, here at once.
        from datetime import timedelta

        from desk.submissions.drafts import drafts_sweep

        drafts_sweep(older_than=timedelta(0))
        # Documents a failed attempt staged (the retry staged its own again): the staging area
        # keeps them for the citizen until they expire (STAGED_UPLOAD_HOURS), when the hourly
        # sweep removes them with their files; here as if that time had passed.
        from django.utils import timezone

        from desk.submissions.staging import lifetime, staged_sweep

        staged_left = staged_sweep(now=timezone.now() + lifetime() + timedelta(seconds=1))
    orphans_after = len(set(storage_walk(default_storage)) - named)
    return {
        "drops": drops,
        "submissions": submissions,
        "filed": len(filed),
        "lost": len(set(keys) - set(filed)),
        "doubled": sum(1 for count in filed.values() if count > 1),
        "failed_attempts": dict(failures),
        "refusals": sorted(set(refusals))[:5],
        "orphan_files_before_sweep": orphans_before,
        "orphan_files_after_sweep": orphans_after if swept else None,
        "staged_files_expired": staged_left if swept else None,
        "sweeper": "sweep_uploads" if swept else "pending uploads (manage.py sweep_uploads)",
        "seconds": round(time.monotonic() - started, 1),
    }


def _error_text(page: str) -> str:
    import re

    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert)[^"]*"[^>]*>(.*?)<', page, re.S)
    return " | ".join(text.strip() for text in found if text.strip())[:300]


def _national_code(number: int) -> str:
    """A valid national code (کد ملی) made from `number`: nine digits and their check digit."""
    digits = f"{700000000 + number:09d}"
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 11
    return digits + str(total if total < 2 else 11 - total)


def figure_tamper(trials: int) -> dict[str, Any]:
    _django()
    from desk.audit.tests.tamper import run_tamper_trials

    started = time.monotonic()
    outcome = run_tamper_trials(trials)
    return {
        "trials": outcome.trials,
        "detected": outcome.detected,
        "located": outcome.located,
        "by_kind": outcome.by_kind,
        "seconds": round(time.monotonic() - started, 1),
    }


def figure_drill() -> dict[str, Any]:
    """A restore drill of whatever the figures before it left in this database."""
    _django()
    from django.core.management import call_command

    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        call_command("restore_drill", "--json", out.name, verbosity=0)
        return dict(json.loads(Path(out.name).read_text("utf-8")))


FIGURES: dict[str, Callable[..., dict[str, Any]]] = {
    "kills": figure_kills,
    "drops": figure_drops,
    "tamper": figure_tamper,
    "drill": figure_drill,
}


# --- the driver ------------------------------------------------------------------------------


def _env(var_dir: str, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env.update(
        VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="desk.settings",
        SMS_BACKEND="file",
        SMS_FILE_PATH=str(Path(var_dir) / "gateway.log"),
        SMS_QUIET_HOURS="off",
        SMS_TIMEOUT_SECONDS="1",
        SMS_LEASE_SECONDS="3",
        SMS_URGENT_LEASE_SECONDS="3",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(
    args: list[str], env: dict[str, str], timeout: int = 3600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _figure(name: str, env: dict[str, str], *args: object) -> dict[str, Any]:
    result = _run([PYTHON, __file__, "_figure", name, *map(str, args)], env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        return {"error": (result.stderr or result.stdout)[-2000:]}
    return dict(json.loads(lines[-1]))


def _database(env: dict[str, str]) -> None:
    done = _run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    if done.returncode != 0:
        raise SystemExit(f"migrate failed:\n{done.stderr[-3000:]}")


def _pg_available() -> bool:
    if not PG:
        return False
    probe = _run(["psql", f"{PG}/postgres", "-Atc", "select 1"], dict(os.environ), timeout=30)
    return probe.returncode == 0


def _pg_recreate() -> str:
    for statement in (f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)", f"CREATE DATABASE {PG_DB}"):
        _run(["psql", f"{PG}/postgres", "-qc", statement], dict(os.environ), timeout=120)
    return f"{PG}/{PG_DB}"


# Other parts of issue 11 measure their own figures: (figure, owner, the file that must exist,
# the command for the full run, the command for CI). A script prints one JSON line; a command
# prints its figures as text; either exits non-zero when its guarantee fails.
MANAGE = ["manage.py"]
OTHERS: list[tuple[str, str, str, list[str], list[str]]] = [
    (
        "staff and admin login doors",
        "staffauth",
        "bench/login_doors.py",
        ["bench/login_doors.py"],
        ["bench/login_doors.py"],
    ),
    (
        "100 client addresses through the unix-socket proxy",
        "hardening",
        "bench/proxy_addresses.py",
        ["bench/proxy_addresses.py"],
        ["bench/proxy_addresses.py"],
    ),
    (
        "100 concurrent double bookings by one citizen",
        "hardening",
        "bench/double_booking.py",
        ["bench/double_booking.py"],
        ["bench/double_booking.py", "--attempts", "20"],
    ),
    (
        "Redis down 30 s: 0 HTTP 500s, 0 sessions lost",
        "hardening",
        "bench/redis_outage.py",
        ["bench/redis_outage.py"],
        ["bench/redis_outage.py"],
    ),
    (
        "hostile upload corpus (≥ 200 files)",
        "uploads",
        "desk/core/management/commands/upload_corpus_report.py",
        [*MANAGE, "upload_corpus_report"],
        [*MANAGE, "upload_corpus_report"],
    ),
    (
        "closure with 200,000 open requests",
        "events",
        "bench/closure.py",
        ["bench/closure.py", "--requests", "200000", "--no-doc"],
        ["bench/closure.py", "--requests", "2000", "--no-doc"],
    ),
]


def _others(var_dir: str) -> list[dict[str, Any]]:
    rows = []
    for title, owner, path, full, ci in OTHERS:
        row: dict[str, Any] = {"figure": title, "owner": owner, "script": path}
        command = ci if SCALE == "ci" else full
        if not (ROOT / path).is_file():
            row["status"] = f"pending {owner}"
            rows.append(row)
            continue
        env = _env(var_dir, f"{PG}/mz_reliability_{owner}" if "bench/" in path else None)
        result = _run([PYTHON, *command], env)
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        json_lines = [line for line in lines if line.startswith("{")]
        row["result"] = (
            json.loads(json_lines[-1]) if json_lines else "; ".join(lines[:3] + lines[-3:])
        ) or result.stderr[-500:]
        row["status"] = "held" if result.returncode == 0 else "FAILED"
        rows.append(row)
    return rows


def measure() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    kills, sms = _count("RELIABILITY_KILLS", 100), _count("RELIABILITY_SMS", 1000)
    drops, submissions = _count("RELIABILITY_DROPS", 20), _count("RELIABILITY_SUBMISSIONS", 200)
    with tempfile.TemporaryDirectory(prefix="desk-reliability-") as var_dir:
        env = _env(var_dir, None)
        _database(env)
        figures["kills_sqlite"] = _figure("kills", env, kills, sms)
        # Requests with documents for the drill to restore (no connection drops on SQLite).
        figures["files_sqlite"] = _figure("drops", env, 0, min(submissions, 40))
        figures["drill_sqlite"] = _figure("drill", env)
        # Last: the tamper trials leave chains broken on purpose.
        figures["tamper"] = _figure("tamper", env, _count("RELIABILITY_TAMPER", 100))
    if _pg_available():
        with tempfile.TemporaryDirectory(prefix="desk-reliability-pg-") as var_dir:
            env = _env(var_dir, _pg_recreate())
            _database(env)
            figures["drops"] = _figure("drops", env, drops, submissions)
            figures["kills_postgres"] = _figure("kills", env, kills, sms)
            figures["drill_postgres"] = _figure("drill", env)
        _run(
            ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"],
            dict(os.environ),
        )
    with tempfile.TemporaryDirectory(prefix="desk-reliability-others-") as var_dir:
        figures["others"] = _others(var_dir)
    return figures


def held(figures: dict[str, Any]) -> list[str]:
    """The guarantees that did not hold (empty: all held)."""
    broken = []
    for key in ("kills_sqlite", "kills_postgres"):
        f = figures.get(key)
        if f is not None and (f.get("error") or f["lost"] or f["doubled"] or f["not_sent_in_db"]):
            broken.append(key)
    f = figures.get("drops")
    if f is not None and (
        f.get("error") or f["lost"] or f["doubled"] or f["orphan_files_after_sweep"]
    ):
        broken.append("drops")
    f = figures["tamper"]
    if f.get("error") or f["detected"] != f["trials"]:
        broken.append("tamper")
    for key in ("drill_sqlite", "drill_postgres"):
        f = figures.get(key)
        if f is not None and (f.get("error") or f["problems"] or f["files_verified"] != f["files"]):
            broken.append(key)
    broken += [row["figure"] for row in figures["others"] if row["status"] == "FAILED"]
    return broken


def _table(figures: dict[str, Any]) -> str:
    rows = ["| guarantee | measured | held |", "|---|---|---|"]

    def add(title: str, text: str, ok: bool | None) -> None:
        rows.append(f"| {title} | {text} | {'yes' if ok else 'pending' if ok is None else 'NO'} |")

    for key, db in (("kills_sqlite", "SQLite"), ("kills_postgres", "PostgreSQL")):
        f = figures.get(key)
        if f is None:
            continue
        if f.get("error"):
            add(f"worker kill -9 ({db})", "error: see bench/results", False)
            continue
        add(
            f"worker kill -9 ×{f['kills']} with {f['messages']:,} SMS queued ({db})",
            f"{f['lost']} lost, {f['doubled']} doubled; {f['sent_while_killing']:,} sent while "
            f"killing, the rest after the leases ran out; {f['seconds']} s",
            not (f["lost"] or f["doubled"] or f["not_sent_in_db"]),
        )
    f = figures.get("drops")
    if f is None:
        add("database connections dropped during submissions", "needs PostgreSQL (BENCH_PG)", None)
    elif f.get("error"):
        add("database connections dropped during submissions", "error: see bench/results", False)
    else:
        after = f["orphan_files_after_sweep"]
        orphans = (
            f"{f['orphan_files_before_sweep']} files unclaimed before the sweepers "
            f"({f['staged_files_expired']} staged by failed attempts, removed at their expiry), "
            f"{after} after"
            if after is not None
            else f"{f['orphan_files_before_sweep']} orphan files before any sweep; {f['sweeper']}"
        )
        add(
            f"database connections dropped ×{f['drops']} during {f['submissions']} submissions",
            f"{f['lost']} lost, {f['doubled']} doubled; {orphans}; failed attempts retried: "
            f"{sum(f['failed_attempts'].values())}; {f['seconds']} s",
            (not (f["lost"] or f["doubled"] or after)) if after is not None else None,
        )
    f = figures["tamper"]
    if f.get("error"):
        add("audit tamper", "error: see bench/results", False)
    else:
        kinds = ", ".join(f"{k} {d}/{t}" for k, (t, d) in sorted(f["by_kind"].items()))
        add(
            f"audit tamper: {f['trials']} trials (edit, delete, reorder, insert)",
            f"{f['detected']}/{f['trials']} detected, {f['located']} at the row tampered with "
            f"({kinds}); {f['seconds']} s",
            f["detected"] == f["trials"],
        )
    for key, db in (("drill_sqlite", "SQLite"), ("drill_postgres", "PostgreSQL")):
        f = figures.get(key)
        if f is None:
            continue
        if f.get("error"):
            add(f"restore drill ({db})", "error: see bench/results", False)
            continue
        add(
            f"restore drill ({db})",
            f"{f['tables']} tables / {f['rows']:,} rows counted, {f['audit_chains']} audit chains "
            f"({f['audit_entries']:,} entries) verified, {f['files_verified']}/{f['files']} file "
            f"hashes; **RTO {f['rto_seconds']} s** (backup {f['backup_seconds']:.2f} s)",
            not f["problems"] and f["files_verified"] == f["files"],
        )
    for row in figures["others"]:
        if row["status"].startswith("pending"):
            add(row["figure"], f"{row['status']}: `{row['script']}` not in the tree yet", None)
        else:
            shown = row["result"]
            if not isinstance(shown, str):
                shown = json.dumps(shown, ensure_ascii=False)
            add(row["figure"], f"`{row['script']}`: {shown[:400]}", row["status"] == "held")
    return "\n".join(rows)


def write_doc(figures: dict[str, Any], command: str) -> None:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = "\n".join(
        [
            START,
            f"Measured {stamp} on {platform.node()} ({os.cpu_count()} cores, Python "
            f"{platform.python_version()}) with `{command}`.",
            "",
            _table(figures),
            END,
        ]
    )
    text = DOC.read_text("utf-8")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(before + block + after, "utf-8")


def main() -> int:
    if sys.argv[1:2] == ["_figure"]:
        name, *args = sys.argv[2:]
        print(json.dumps(FIGURES[name](*map(int, args)), ensure_ascii=False))
        return 0
    figures = measure()
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"reliability-{stamp}.json").write_text(json.dumps(figures, indent=1), "utf-8")
    command = " ".join(
        [f"{k}={os.environ[k]}" for k in sorted(os.environ) if k.startswith("RELIABILITY_")]
        + ["make reliability"]
    )
    print(_table(figures))
    if os.environ.get("RELIABILITY_DOC", "1") != "0":
        write_doc(figures, command)
    broken = held(figures)
    if broken:
        print("did not hold:", ", ".join(broken), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
