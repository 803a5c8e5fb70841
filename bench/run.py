"""`make bench`: generate the data, serve it with gunicorn, drive the load, compare.

For each database (SQLite, then PostgreSQL): a database filled by `manage.py bench_data` at
BENCH_SCALE (1 = 1,000,000 requests), Mizkhedmat under gunicorn with deploy/gunicorn.conf.py,
and, in the same run, the empty view (the ceiling) and django-helpdesk (the peer) under the
same gunicorn settings with as many tickets. Figures go to bench/results/ as JSON and are printed
as a table for docs/benchmarks.md.

Everything listens on 127.0.0.1 and every scenario stops after BENCH_DURATION seconds.
Settings (environment):
  BENCH_SCALE=1          data scale; 0.01 for a quick run
  BENCH_DBS=sqlite,postgres
  BENCH_DURATION=20      seconds measured per scenario (after BENCH_WARMUP=3)
  BENCH_CONCURRENCY=8    clients at once
  BENCH_WORKERS=         gunicorn workers (default 2 x cores)
  BENCH_REUSE=1          keep a database generated earlier at the same scale
  BENCH_PEER=1           0 skips django-helpdesk
  BENCH_LATENCY_LOAD=0.5 latency measured at this fraction of each page's throughput
  BENCH_PG=postgres://postgres@127.0.0.1:5432   server for desk_bench and desk_bench_peer
  BENCH_REDIS=redis://127.0.0.1:6379/13          flushed before each PostgreSQL run
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
RESULTS = ROOT / "bench" / "results"
PEER_VENV = ROOT / "bench" / ".peer"
PEER_DIR = ROOT / "bench" / "peer"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8100"))
PEER_PACKAGES = ["django-helpdesk==2.6.1", "dj-database-url", "redis", "psycopg[binary]"]
# Variables of the caller's shell that would change what is measured.
INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "HUEY_BACKEND",
    "HUEY_REDIS_URL",
    "SESSION_BACKEND",
    "STORAGE_BACKEND",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "VAR_DIR",
)
PDF_200K = b"%PDF-1.4\n%" + b"0" * (200 * 1024 - 20) + b"\n%%EOF\n"
CSRF = "benchCsrfSecret0123456789abcdefg"  # 32 characters: Django accepts the bare secret


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


SCALE = env_float("BENCH_SCALE", 1.0)
DBS = [d.strip() for d in os.environ.get("BENCH_DBS", "sqlite,postgres").split(",") if d.strip()]
DURATION = env_float("BENCH_DURATION", 20)
WARMUP = env_float("BENCH_WARMUP", 3)
CONCURRENCY = int(env_float("BENCH_CONCURRENCY", 8))
WORKERS = int(env_float("BENCH_WORKERS", 2 * (os.cpu_count() or 1)))
REUSE = os.environ.get("BENCH_REUSE", "1") == "1"
PEER = os.environ.get("BENCH_PEER", "1") == "1"
LATENCY_LOAD = env_float("BENCH_LATENCY_LOAD", 0.5)
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Environments ---------------------------------------------------------------------------


def base_env(db: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env.update(
        DEBUG="0",
        HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="600",
        GUNICORN_BIND=f"{HOST}:{PORT}",
        GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_LOG_LEVEL="warning",
    )
    if db == "postgres":
        env.update(REDIS_URL=REDIS)
    return env


def desk_env(db: str) -> dict[str, str]:
    env = base_env(db, WORK / db / "var")
    env.update(
        BENCH="1",  # installs desk.benchdata (bench_data, bench_fixtures, bench_reset)
        BENCH_EMPTY_VIEW="1",
        SMS_BACKEND="memory",
        # One client address sends every lookup: the per-IP limit would stop the run at 30.
        TRACKING_LOOKUPS_PER_IP_PER_HOUR="1000000000",
    )
    if db == "postgres":
        env.update(DATABASE_URL=f"{PG}/desk_bench", HUEY_BACKEND="redis", SESSION_BACKEND="cache")
    else:
        env.update(DATABASE_URL=f"sqlite:///{WORK / db / 'var' / 'db.sqlite3'}")
    return env


def peer_env(db: str) -> dict[str, str]:
    env = base_env(db, WORK / f"peer-{db}" / "var")
    env["PYTHONPATH"] = str(ROOT)  # the peer's loader reuses desk.benchdata.writer
    if db == "postgres":
        env["DATABASE_URL"] = f"{PG}/desk_bench_peer"
        env["REDIS_URL"] = REDIS.rsplit("/", 1)[0] + "/12"
    else:
        env["DATABASE_URL"] = f"sqlite:///{WORK / f'peer-{db}' / 'var' / 'peer.sqlite3'}"
    return env


def run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT, capture: bool = False) -> str:
    result = subprocess.run(
        cmd, env=env, cwd=cwd, check=True, text=True, stdout=subprocess.PIPE if capture else None
    )
    return result.stdout or ""


# --- Databases ------------------------------------------------------------------------------


def recreate_database(db: str, name: str, sqlite_file: Path) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(kind: str, db: str, env: dict[str, str], generate: Callable[[], None]) -> None:
    """Generate the data unless a database of this scale is already there (BENCH_REUSE)."""
    folder = Path(env["VAR_DIR"]).parent
    marker = folder / "scale"
    folder.mkdir(parents=True, exist_ok=True)
    if REUSE and marker.exists() and float(marker.read_text()) == SCALE:
        log(f"{kind}/{db}: reusing the database generated at scale {SCALE}")
        return
    marker.unlink(missing_ok=True)
    started = time.monotonic()
    generate()
    marker.write_text(str(SCALE))
    log(f"{kind}/{db}: data generated in {time.monotonic() - started:.0f} s")


def prepare_desk(db: str, env: dict[str, str]) -> None:
    def generate() -> None:
        recreate_database(db, "desk_bench", WORK / db / "var" / "db.sqlite3")
        run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"], env)
        run([str(PYTHON), "manage.py", "bench_data", "--scale", str(SCALE)], env)

    prepare("desk", db, env, generate)
    # Migrations that landed since the data was generated; then forget the requests that
    # earlier runs filed, so that every run measures the same data.
    run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"], env)
    run([str(PYTHON), "manage.py", "bench_reset", "--scale", str(SCALE)], env)


def prepare_peer(db: str, env: dict[str, str], tickets: int) -> None:
    python = str(PEER_VENV / "bin" / "python")

    def generate() -> None:
        recreate_database(db, "desk_bench_peer", WORK / f"peer-{db}" / "var" / "peer.sqlite3")
        run([python, "manage.py", "migrate", "--noinput", "-v0"], env, cwd=PEER_DIR)
        run([python, "manage.py", "peer_data", "--tickets", str(tickets)], env, cwd=PEER_DIR)

    prepare("peer", db, env, generate)


def ensure_peer_venv() -> None:
    if (PEER_VENV / "bin" / "gunicorn").exists():
        return
    log("installing django-helpdesk in bench/.peer (its own virtualenv)")
    import django
    import gunicorn

    subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    pins = [f"Django=={django.__version__}", f"gunicorn=={gunicorn.__version__}"]
    pip = [str(PEER_VENV / "bin" / "pip"), "install", "--quiet"]
    subprocess.run([*pip, *PEER_PACKAGES, *pins], check=True)


def flush_redis() -> None:
    import redis

    for url in (REDIS, REDIS.rsplit("/", 1)[0] + "/12"):
        redis.Redis.from_url(url).flushdb()


# --- Servers --------------------------------------------------------------------------------


class Server:
    def __init__(self, gunicorn: Path, app: str, env: dict[str, str], cwd: Path, ready: str):
        self.cmd = [str(gunicorn), "-c", str(GUNICORN_CONF), app]
        self.env, self.cwd, self.ready = env, cwd, ready
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.cmd, env=self.env, cwd=self.cwd)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{PORT}{self.ready}", timeout=5) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"{self.cmd} did not answer {self.ready} in 90 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)


# --- Scenarios ------------------------------------------------------------------------------

Scenario = tuple[str, load.MakeRequest, load.Check]


def get(path: str, cookies: str = "") -> bytes:
    return load.http_request("GET", path, host=HOST, headers={"Cookie": cookies} if cookies else {})


def multipart(fields: dict[str, str], file_field: str, filename: str) -> tuple[str, bytes]:
    boundary = "----bench" + uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + PDF_200K
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def status_is(expected: int, marker: bytes = b"") -> load.Check:
    return lambda status, response: status == expected and marker in response


def desk_scenarios(fx: dict[str, Any]) -> list[Scenario]:
    csrf_cookie = f"{fx['csrf_cookie']}={CSRF}"
    codes, sessions, slugs = fx["tracking"], fx["citizen_sessions"], fx["service_slugs"]

    def track(i: int) -> bytes:
        code, national_code = codes[i % len(codes)]
        body = urllib.parse.urlencode(
            {"code": code, "national_code": national_code, "csrfmiddlewaretoken": CSRF}
        ).encode()
        headers = {"Cookie": csrf_cookie, "Content-Type": "application/x-www-form-urlencoded"}
        return load.http_request("POST", "/requests/track/", host=HOST, headers=headers, body=body)

    def submit(i: int) -> bytes:
        fields = {"csrfmiddlewaretoken": CSRF, "idempotency_key": str(uuid.uuid4()), **fx["form"]}
        content_type, body = multipart(fields, fx["file_field"], "deed.pdf")
        cookies = f"{csrf_cookie}; {fx['session_cookie']}={sessions[i % len(sessions)]}"
        headers = {"Cookie": cookies, "Content-Type": content_type}
        path = f"/requests/new/{fx['apply_slug']}/"
        return load.http_request("POST", path, host=HOST, headers=headers, body=body)

    search = "/services/?" + urllib.parse.urlencode({"q": fx["search"]})
    staff = f"{fx['session_cookie']}={fx['staff_session']}"
    return [
        ("empty", lambda i: get("/bench/empty/"), status_is(200, b"ok")),
        ("tracking lookup", track, status_is(200, b'id="track-result"')),
        ("submission (200 KB upload)", submit, status_is(302, b"/receipt/")),
        ("staff inbox", lambda i: get("/requests/staff/", staff), status_is(200)),
        ("catalog search", lambda i: get(search), status_is(200)),
        ("service page", lambda i: get(f"/services/{slugs[i % len(slugs)]}/"), status_is(200)),
    ]


def peer_scenarios(fx: dict[str, Any]) -> list[Scenario]:
    csrf_cookie = f"{fx['csrf_cookie']}={CSRF}"
    tickets = fx["tickets"]

    def view(i: int) -> bytes:
        ticket, email, key = tickets[i % len(tickets)]
        query = urllib.parse.urlencode({"ticket": ticket, "email": email, "key": key})
        return get(f"/view/?{query}")

    def submit(i: int) -> bytes:
        fields = {
            "csrfmiddlewaretoken": CSRF,
            "queue": str(fx["queue"]),
            "title": "درخواست صدور پروانه ساختمانی",
            "body": "نمونه",
            "priority": "3",
            "due_date": "",
            "submitter_email": f"bench{i}@example.ir",
        }
        content_type, body = multipart(fields, "attachment", "deed.pdf")
        headers = {"Cookie": csrf_cookie, "Content-Type": content_type}
        return load.http_request("POST", "/tickets/submit/", host=HOST, headers=headers, body=body)

    title = "پروانه ساختمانی".encode()
    return [
        ("peer empty", lambda i: get("/bench/empty/"), status_is(200, b"ok")),
        ("peer public ticket view", view, status_is(200, title)),
        ("peer ticket submission (200 KB upload)", submit, status_is(302, b"/view/?ticket=")),
    ]


def summary(result: load.Result) -> str:
    return (
        f"p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, "
        f"{result.errors} errors {result.first_error[:200]!r}"
    )


def drive(scenarios: list[Scenario], *, latency: bool = False) -> dict[str, dict[str, Any]]:
    """Each scenario's throughput (closed loop, saturated); with `latency`, then its latency
    at LATENCY_LOAD of that throughput (open loop), except for the empty view."""
    results: dict[str, dict[str, Any]] = {}
    for name, make_request, check in scenarios:
        result = load.run(
            name,
            port=PORT,
            make_request=make_request,
            check=check,
            concurrency=CONCURRENCY,
            duration=DURATION,
            warmup=WARMUP,
        )
        log(f"  {name}: {result.rps} req/s, {summary(result)}")
        results[name] = result.as_dict()
        if latency and name != "empty" and result.rps > 0:
            rate = max(1.0, result.rps * LATENCY_LOAD)
            paced = load.run_at_rate(
                name,
                port=PORT,
                make_request=make_request,
                check=check,
                rate=rate,
                duration=DURATION,
                warmup=WARMUP,
            )
            log(f"    at {rate:.0f} req/s: {summary(paced)}")
            results[name]["at_rate"] = {"rate": round(rate, 1), **paced.as_dict()}
    return results


# --- The run --------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "loadavg_at_start": os.getloadavg(),
    }


def bench_db(db: str) -> dict[str, object]:
    env = desk_env(db)
    prepare_desk(db, env)
    shutil.rmtree(WORK / db / "var" / "private", ignore_errors=True)
    if db == "postgres":
        flush_redis()
    fixtures = json.loads(
        run([str(PYTHON), "manage.py", "bench_fixtures"], env, capture=True).splitlines()[-1]
    )
    log(f"desk/{db}: {fixtures['requests']:,} requests in the database; serving")
    with Server(ROOT / ".venv" / "bin" / "gunicorn", "desk.wsgi", env, ROOT, "/healthz/"):
        results: dict[str, object] = {"desk": drive(desk_scenarios(fixtures), latency=True)}
    results["requests_in_database"] = fixtures["requests"]
    if PEER:
        ensure_peer_venv()
        penv = peer_env(db)
        prepare_peer(db, penv, tickets=round(max(20, 1_000_000 * SCALE)))
        python = str(PEER_VENV / "bin" / "python")
        pfx = json.loads(
            run([python, "manage.py", "peer_fixtures"], penv, cwd=PEER_DIR, capture=True)
        )
        log(f"peer/{db}: {pfx['requests']:,} tickets in the database; serving")
        with Server(
            PEER_VENV / "bin" / "gunicorn", "peer_site.wsgi", penv, PEER_DIR, "/bench/empty/"
        ):
            results["peer"] = drive(peer_scenarios(pfx))
        results["tickets_in_database"] = pfx["requests"]
    shutil.rmtree(WORK / db / "var" / "private", ignore_errors=True)
    return results


def table(report: dict[str, Any]) -> str:
    lines = []
    for db, res in report["runs"].items():
        ceiling = res["desk"]["empty"]["rps"] or 1
        lines += [
            f"\n### {db} — {res['requests_in_database']:,} requests in the database\n",
            "| scenario | req/s | ÷ ceiling | p50 ms | p99 ms | paced at | p50 ms | p99 ms "
            "| errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        rows = list(res["desk"].values()) + list(res.get("peer", {}).values())
        for r in rows:
            ratio = r["rps"] / ceiling
            paced = r.get("at_rate")
            at = (
                f"{paced['rate']:,.0f}/s | {paced['p50_ms']} | {paced['p99_ms']}"
                if paced
                else "— | — | —"
            )
            errors = r["errors"] + (paced["errors"] if paced else 0)
            lines.append(
                f"| {r['name']} | {r['rps']:,.0f} | {ratio:.0%} | {r['p50_ms']} | "
                f"{r['p99_ms']} | {at} | {errors} |"
            )
        if "peer" in res:
            ours, theirs = res["desk"], res["peer"]
            for a, b in (
                ("tracking lookup", "peer public ticket view"),
                ("submission (200 KB upload)", "peer ticket submission (200 KB upload)"),
            ):
                lines.append(f"\n{a} ÷ {b}: {ours[a]['rps'] / max(theirs[b]['rps'], 0.1):.1f}×")
    return "\n".join(lines)


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "scale": SCALE,
            "duration_s": DURATION,
            "warmup_s": WARMUP,
            "concurrency": CONCURRENCY,
            "gunicorn_workers": WORKERS,
            "latency_load": LATENCY_LOAD,
        },
        "runs": {},
    }
    log(f"scale {SCALE}, databases {DBS}, {WORKERS} workers, {CONCURRENCY} clients, {DURATION} s")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"bench-{stamp}-scale{SCALE:g}.json"
    for db in DBS:
        report["runs"][db] = bench_db(db)
        report["machine"]["loadavg_at_end"] = os.getloadavg()
        # Written after each database, so that a run stopped half-way keeps what it measured.
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(table(report))
    log(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
