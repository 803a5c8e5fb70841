"""`make bench-registries`: what one national-system call costs the desk itself.

The fake GSB (desk/registries/fake.py, answering at once) behind the real client stack, so
that the figures are our overhead only: request building and parsing, the shared breaker, the
answer cache, the retry loop and the AdapterCall insert. Four paths, each N calls in one
process, on SQLite + local-memory cache and on PostgreSQL + Redis:

- transport alone: the fake's answer, no stack (the floor);
- log insert alone: one AdapterCall row (autocommit: its own transaction);
- miss: a new input each call (breaker, transport, parse, cache write, log insert);
- hit: the same input again (cache read, log insert);
- breaker open: the system marked down (breaker read, log insert; nothing sent).

Writes the "## Adapter overhead" section of docs/benchmarks.md (only that section).

Settings (environment):
  BENCH_REGISTRIES_CALLS=2000
  BENCH_REGISTRIES_DBS=sqlite,postgres
  BENCH_PG=postgres://postgres@127.0.0.1:5432    BENCH_REDIS=redis://127.0.0.1:6379/15
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Adapter overhead"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PG_DB = "desk_bench_registries"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15")
CALLS = int(os.environ.get("BENCH_REGISTRIES_CALLS", "2000"))
DBS = [d for d in os.environ.get("BENCH_REGISTRIES_DBS", "sqlite,postgres").split(",") if d]
INHERITED = ("DATABASE_URL", "REDIS_URL", "HUEY_BACKEND", "HUEY_REDIS_URL", "VAR_DIR", "DEBUG")


def _timed(calls: int, one: Any) -> dict[str, float]:
    samples = []
    for i in range(calls):
        started = time.perf_counter()
        one(i)
        samples.append((time.perf_counter() - started) * 1_000_000)
    samples.sort()
    return {
        "mean_us": statistics.fmean(samples),
        "p50_us": samples[len(samples) // 2],
        "p99_us": samples[int(len(samples) * 0.99) - 1],
    }


def measure() -> None:
    """Inside a Django process on the configured database and cache."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
    import django

    django.setup()
    from django.core.cache import cache

    from desk.registries.adapters import SPECS, gsb_request
    from desk.registries.breaker import Breaker
    from desk.registries.client import registry_ask
    from desk.registries.fake import FakeTransport
    from desk.registries.models import Adapter, AdapterCall
    from desk.registries.services import adapter_call_record

    fake = FakeTransport()
    spec = SPECS[Adapter.POSTAL_CODE]

    def query(i: int) -> dict[str, str]:
        return {"postal_code": f"{1_000_000_000 + i * 7 % 8_999_999_999:010d}"}

    def transport_only(i: int) -> None:
        fake(gsb_request(spec, query(i), purpose="bench", base_url="https://gsb.invalid",
                         client_id="bench", token="bench"), timeout=5)  # fmt: skip

    def ask(q: dict[str, str]) -> None:
        registry_ask(Adapter.POSTAL_CODE, q, purpose="سنجش کارایی")

    cache.clear()
    registry_ask(Adapter.POSTAL_CODE, query(0), purpose="warm-up")
    figures = {"transport alone": _timed(CALLS, transport_only)}
    figures["log insert alone"] = _timed(
        CALLS,
        lambda i: adapter_call_record(
            adapter=Adapter.POSTAL_CODE, purpose="bench-log", status="ok", latency_ms=1
        ),
    )
    figures["miss (full stack)"] = _timed(CALLS, lambda i: ask(query(i + 1)))
    figures["hit (cached answer)"] = _timed(CALLS, lambda i: ask(query(1)))
    breaker = Breaker(Adapter.POSTAL_CODE)
    for _ in range(10):
        breaker.failure()
    figures["breaker open"] = _timed(CALLS, lambda i: ask(query(CALLS + i + 2)))
    breaker.success()
    logged = AdapterCall.objects.filter(purpose="سنجش کارایی").count()
    print(json.dumps({"figures": figures, "logged": logged}))


def _env(db: str, var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env.update(
        DJANGO_SETTINGS_MODULE="desk.settings",
        VAR_DIR=var_dir,
        REGISTRY_BACKEND="fake",
        HUEY_BACKEND="sqlite",
        LOG_LEVEL="ERROR",
        DATABASE_URL=(f"sqlite:///{var_dir}/db.sqlite3" if db == "sqlite" else f"{PG}/{PG_DB}"),
    )
    if db == "postgres":
        env["REDIS_URL"] = REDIS
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return result.stdout


def _fresh_postgres() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")


def _write_doc(rows: list[tuple[str, str, dict[str, float]]], logged: dict[str, int]) -> None:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        SECTION,
        "",
        "What one call to a national system costs the desk itself: the fake GSB (answering at",
        "once) behind the real client stack — request building and parsing, the breaker (its",
        "state in the shared cache), the answer cache, the retry loop and the append-only",
        "AdapterCall insert. A real GSB adds its own round trip (tens to hundreds of ms) to a",
        "miss.",
        "",
        f"- Command: `make bench-registries` (`python bench/registries.py`; "
        f"BENCH_REGISTRIES_CALLS={CALLS})",
        f"- Machine: {os.cpu_count()} CPUs (`nproc`); Python {platform.python_version()}; "
        f"the database and Redis on the same machine",
        f"- Run: {datetime.date.today().isoformat()}; load average before the run {load} "
        "(other work on the machine raises the figures)",
        "",
        "| database + cache | path | mean µs | p50 µs | p99 µs |",
        "|---|---|---:|---:|---:|",
    ]
    for db, path, f in rows:
        lines.append(
            f"| {db} | {path} | {f['mean_us']:,.0f} | {f['p50_us']:,.0f} | {f['p99_us']:,.0f} |"
        )
    lines += [
        "",
        "Every call of the last three paths was logged ("
        + ", ".join(f"{db}: {n:,} rows" for db, n in logged.items())
        + f" of {3 * CALLS:,}). The log insert (its own commit: on PostgreSQL a WAL flush) is",
        "most of every path's cost; a miss adds the cache write and the breaker reset, a hit",
        "the cache read (one Redis round trip each).",
        "",
    ]
    text = DOC.read_text(encoding="utf-8")
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + "\n".join(lines) + (text[end:] if end != -1 else "")
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    rows: list[tuple[str, str, dict[str, float]]] = []
    logged: dict[str, int] = {}
    for db in DBS:
        with tempfile.TemporaryDirectory(prefix="bench-registries-") as var_dir:
            if db == "postgres":
                _fresh_postgres()
            env = _env(db, var_dir)
            _run([PYTHON, "manage.py", "migrate", "--noinput"], env)
            report = json.loads(_run([PYTHON, __file__, "measure"], env).strip().splitlines()[-1])
        label = "SQLite + local memory" if db == "sqlite" else "PostgreSQL + Redis"
        for path, figures in report["figures"].items():
            rows.append((label, path, figures))
            print(f"{label:24} {path:22} mean {figures['mean_us']:8.0f} µs  "
                  f"p50 {figures['p50_us']:8.0f}  p99 {figures['p99_us']:8.0f}")  # fmt: skip
        logged[label] = report["logged"]
    _write_doc(rows, logged)


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        measure()
    else:
        main()
