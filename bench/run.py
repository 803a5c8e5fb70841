"""`make bench`: generate the data, serve it with gunicorn, drive the load, compare.

For each database (SQLite, then PostgreSQL): a database filled by `manage.py bench_data` at
BENCH_SCALE (1 = 1,000,000 requests), Mizkhedmat under gunicorn with deploy/gunicorn.conf.py,
and, in the same run, the empty view (the ceiling) and django-helpdesk (the peer) under the
same gunicorn settings with as many tickets. Figures go to bench/results/ as JSON, are printed
as a table and written into docs/benchmarks.md between its markers, with a verdict per target
of issue 19 (bench/report.py).

Both servers (ours and the peer's) run at once, and their scenarios are measured in
interleaved rounds (ours, the peer's, ours, …), so that a change in the machine's load hits
both alike. Beside throughput, every scenario reports the CPU time per request of each process
group, read from /proc: the gunicorn master and workers, the database's backends (PostgreSQL;
SQLite runs inside the workers), Redis (a redis-server of the run's own, so that no other
client's commands are counted) and the load driver. Ratios (÷ ceiling, ÷ peer) are computed
from the server side's CPU per request (server + database + Redis), which does not move with
the machine's load as throughput does. bench/instructions.py then counts the instructions per
page under callgrind (BENCH_CALLGRIND=1, when valgrind is installed), the figure to compare
across commits.

Everything listens on 127.0.0.1 and every scenario stops after BENCH_DURATION seconds.
Settings (environment):
  BENCH_SCALE=1          data scale; 0.01 for a quick run
  BENCH_DBS=sqlite,postgres
  BENCH_ROUNDS=3         interleaved rounds of every scenario
  BENCH_DURATION=10      seconds measured per scenario and round (after BENCH_WARMUP=3)
  BENCH_CONCURRENCY=8    clients at once
  BENCH_WORKERS=         gunicorn workers (default 2 x cores)
  BENCH_REUSE=1          keep a database generated earlier at the same scale
  BENCH_PEER=1           0 skips django-helpdesk
  BENCH_LATENCY_LOAD=0.5 latency measured at this fraction of each page's throughput
  BENCH_CALLGRIND=1      instructions per page under valgrind (0 skips)
  BENCH_DOC=1            the figures and the verdicts into docs/benchmarks.md (0 skips)
  BENCH_PORT=8150        ours; the peer on BENCH_PORT+1, the run's Redis on BENCH_PORT+9
  BENCH_PG=postgres://postgres@127.0.0.1:5432   the PostgreSQL server
  BENCH_PG_DB=desk_bench, BENCH_PG_PEER_DB=desk_bench_peer   dropped and created there
  BENCH_WORK=bench/.work the folder of the generated SQLite databases and files
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
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
# This checkout's desk (the virtualenv may be another worktree's, its editable install too).
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
import load
import report

from desk.benchdata.pdf import pdf_of

ROOT = Path(__file__).resolve().parent.parent
# BENCH_WORK elsewhere: a small database of one's own for bench/instructions.py, hotspots.py.
WORK = Path(os.environ.get("BENCH_WORK") or ROOT / "bench" / ".work")
RESULTS = ROOT / "bench" / "results"
PEER_VENV = ROOT / "bench" / ".peer"
PEER_DIR = ROOT / "bench" / "peer"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8150"))
PEER_PORT, REDIS_PORT = PORT + 1, PORT + 9
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


PDF_200K = pdf_of(200 * 1024)
CSRF = "benchCsrfSecret0123456789abcdefg"  # 32 characters: Django accepts the bare secret
# The staged document's reference in the upload's answer (submissions/_file_field.html).
STAGED_REFERENCE = re.compile(rb'name="\w+__staged" value="([0-9a-f-]{36})"')


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


SCALE = env_float("BENCH_SCALE", 1.0)
DBS = [d.strip() for d in os.environ.get("BENCH_DBS", "sqlite,postgres").split(",") if d.strip()]
DURATION = env_float("BENCH_DURATION", 10)
ROUNDS = int(env_float("BENCH_ROUNDS", 3))
CALLGRIND = os.environ.get("BENCH_CALLGRIND", "1") == "1" and shutil.which("valgrind") is not None
WARMUP = env_float("BENCH_WARMUP", 3)
CONCURRENCY = int(env_float("BENCH_CONCURRENCY", 8))
WORKERS = int(env_float("BENCH_WORKERS", 2 * (os.cpu_count() or 1)))
REUSE = os.environ.get("BENCH_REUSE", "1") == "1"
PEER = os.environ.get("BENCH_PEER", "1") == "1"
DOC = os.environ.get("BENCH_DOC", "1") == "1"
LATENCY_LOAD = env_float("BENCH_LATENCY_LOAD", 0.5)
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PG_DB = os.environ.get("BENCH_PG_DB", "desk_bench")
PG_PEER_DB = os.environ.get("BENCH_PG_PEER_DB", "desk_bench_peer")
REDIS = f"redis://127.0.0.1:{REDIS_PORT}/0"  # the run's own redis-server (bench/local_stack.py)
PEER_REDIS = f"redis://127.0.0.1:{REDIS_PORT}/1"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Environments ---------------------------------------------------------------------------


def base_env(db: str, var_dir: Path, port: int = PORT) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env.update(
        DEBUG="0",
        HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="600",
        GUNICORN_BIND=f"{HOST}:{port}",
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
        # 50 citizens from one address file thousands of applications an hour: the quotas
        # (desk/submissions/quotas.py) would answer the form again once they are spent. With a
        # cache per worker (SQLite) that took longer than with the shared Redis (PostgreSQL),
        # where every application after the first round or so was refused.
        **{
            f"{what}_PER_{who}_PER_{window}": "1000000000"
            for what in ("SUBMISSIONS", "UPLOADS")
            for who in ("CITIZEN", "ADDRESS")
            for window in ("HOUR", "DAY")
        },
    )
    if db == "postgres":
        env.update(DATABASE_URL=f"{PG}/{PG_DB}", HUEY_BACKEND="redis", SESSION_BACKEND="cache")
    else:
        env.update(DATABASE_URL=f"sqlite:///{WORK / db / 'var' / 'db.sqlite3'}")
    return env


def peer_env(db: str) -> dict[str, str]:
    env = base_env(db, WORK / f"peer-{db}" / "var", PEER_PORT)
    env["PYTHONPATH"] = str(ROOT)  # the peer's loader reuses desk.benchdata.writer
    if db == "postgres":
        env["DATABASE_URL"] = f"{PG}/{PG_PEER_DB}"
        env["REDIS_URL"] = PEER_REDIS
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
        recreate_database(db, PG_DB, WORK / db / "var" / "db.sqlite3")
        run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"], env)
        run([str(PYTHON), "manage.py", "bench_data", "--scale", str(SCALE)], env)

    prepare("desk", db, env, generate)
    # Migrations that landed since the data was generated; then forget the requests that
    # earlier runs filed, with their files, so that every run measures the same data; the
    # reset also (re)writes the completed requests' shared result file into the emptied
    # storage and adds result rows a database generated before them lacks.
    run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"], env)
    shutil.rmtree(WORK / db / "var" / "private", ignore_errors=True)
    run([str(PYTHON), "manage.py", "bench_reset", "--scale", str(SCALE)], env)


def prepare_peer(db: str, env: dict[str, str], tickets: int) -> None:
    python = str(PEER_VENV / "bin" / "python")

    def generate() -> None:
        recreate_database(db, PG_PEER_DB, WORK / f"peer-{db}" / "var" / "peer.sqlite3")
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


# --- Servers --------------------------------------------------------------------------------


class Server:
    def __init__(
        self, gunicorn: Path, app: str, env: dict[str, str], cwd: Path, ready: str, port: int
    ):
        self.cmd = [str(gunicorn), "-c", str(GUNICORN_CONF), app]
        self.env, self.cwd, self.ready, self.port = env, cwd, ready, port
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.cmd, env=self.env, cwd=self.cwd)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                url = f"http://{HOST}:{self.port}{self.ready}"
                with urllib.request.urlopen(url, timeout=5) as r:
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

    def submit(i: int) -> list[load.Step]:
        """An application as a browser with JavaScript makes it: the document uploaded when it
        is chosen (staged, htmx), the form posted with its reference (kept in the citizen's
        draft), then «send» on the check-your-answers page, which files it."""
        cookies = f"{csrf_cookie}; {fx['session_cookie']}={sessions[i % len(sessions)]}"
        path = f"/requests/new/{fx['apply_slug']}/"
        field = fx["file_field"]
        content_type, body = multipart({"csrfmiddlewaretoken": CSRF}, field, "deed.pdf")
        stage_headers = {"Cookie": cookies, "Content-Type": content_type, "HX-Request": "true"}
        form_headers = {"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"}
        key = str(uuid.uuid4())

        def form(staged: bytes) -> bytes:
            found = STAGED_REFERENCE.search(staged)
            fields = {"csrfmiddlewaretoken": CSRF, "idempotency_key": key, **fx["form"]}
            fields[f"{field}__staged"] = found.group(1).decode() if found else ""
            data = urllib.parse.urlencode(fields).encode()
            return load.http_request("POST", path, host=HOST, headers=form_headers, body=data)

        send = urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF}).encode()
        return [
            load.http_request(
                "POST", f"{path}files/{field}/", host=HOST, headers=stage_headers, body=body
            ),
            form,
            load.http_request("POST", f"{path}check/", host=HOST, headers=form_headers, body=send),
        ]

    search = "/services/?" + urllib.parse.urlencode({"q": fx["search"]})
    staff = f"{fx['session_cookie']}={fx['staff_session']}"
    return [
        ("empty", lambda i: get("/bench/empty/"), status_is(200, b"ok")),
        ("tracking lookup", track, status_is(200, b'id="track-result"')),
        ("application (200 KB staged upload)", submit, status_is(302, b"/receipt/")),
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


# --- CPU per process ------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


class CpuProbe:
    """CPU seconds so far of a server's processes (master and workers), of the PostgreSQL
    backends connected to its database and of the run's redis-server, keyed "group:pid" so
    that a backend that starts within the window counts from zero."""

    def __init__(self, server: Server, database: str | None, redis_pid: int | None) -> None:
        assert server.process is not None
        self.master = server.process.pid
        self.database, self.redis_pid = database, redis_pid
        self.connection: Any = None
        if database is not None:
            import psycopg

            self.connection = psycopg.connect(f"{PG}/postgres", autocommit=True)

    def __call__(self) -> dict[str, float]:
        # The workers listed at every reading: the server answers its ready check as soon as
        # one worker is up, and a list taken then missed the ones forked after it (runs of 2
        # December counted 2 or 3 of django-helpdesk's 4 workers: half its CPU unseen).
        workers = children(self.master)
        if len(workers) != WORKERS:
            raise RuntimeError(f"{len(workers)} workers of gunicorn {self.master}, not {WORKERS}")
        out = {f"server:{pid}": cpu_seconds(pid) for pid in (self.master, *workers)}
        if self.connection is not None:
            rows = self.connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,)
            ).fetchall()
            out.update({f"database:{pid}": cpu_seconds(pid) for (pid,) in rows})
        if self.redis_pid is not None:
            out[f"redis:{self.redis_pid}"] = cpu_seconds(self.redis_pid)
        return out

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


GROUPS = ("server", "database", "redis", "driver")


def cpu_per_request(results: list[dict[str, Any]]) -> dict[str, float]:
    """Milliseconds of CPU per request by group, over every round of a scenario; `side` is
    the server side (server + database + Redis), `total` adds the driver."""
    requests = sum(r["requests"] for r in results) or 1
    per: dict[str, float] = dict.fromkeys(GROUPS, 0.0)
    for r in results:
        for key, seconds in (r.get("cpu_s") or {}).items():
            per[key.split(":", 1)[0]] += max(0.0, seconds)
    ms = {k: round(v * 1000 / requests, 3) for k, v in per.items()}
    ms["side"] = round(ms["server"] + ms["database"] + ms["redis"], 3)
    ms["total"] = round(ms["side"] + ms["driver"], 3)
    return ms


class Target:
    """A server under test: its port and its CPU probe."""

    def __init__(self, port: int, probe: CpuProbe) -> None:
        self.port, self.probe = port, probe


def drive_rounds(plan: list[tuple[Target, Scenario]]) -> dict[str, dict[str, Any]]:
    """Every scenario of `plan`, in that order, ROUNDS times over (closed loop, saturated)."""
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for _t, (name, _m, _c) in plan}
    log(f"  warming every page up for {WARMUP:g} s (not measured)")
    for target, (name, make_request, check) in plan:
        load.run(
            name,
            port=target.port,
            make_request=make_request,
            check=check,
            concurrency=CONCURRENCY,
            duration=WARMUP,
            warmup=0,
        )
    for number in range(1, ROUNDS + 1):
        log(f"  round {number} of {ROUNDS} (load average {os.getloadavg()[0]:.1f})")
        for target, (name, make_request, check) in plan:
            load_before = os.getloadavg()[0]
            result = load.run(
                name,
                port=target.port,
                make_request=make_request,
                check=check,
                concurrency=CONCURRENCY,
                duration=DURATION,
                warmup=WARMUP,
                probe=target.probe,
            )
            row = {**result.as_dict(), "loadavg": round(load_before, 2)}
            rounds[name].append(row)
            cpu = cpu_per_request([row])
            log(f"    {name}: {result.rps} req/s, cpu {cpu['side']} ms/req, {summary(result)}")
    out: dict[str, dict[str, Any]] = {}
    for name, results in rounds.items():
        out[name] = {
            "name": name,
            "requests": sum(r["requests"] for r in results),
            "errors": sum(r["errors"] for r in results),
            "rps": round(statistics.median(r["rps"] for r in results), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 1),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 1),
            "cpu_ms": cpu_per_request(results),
            "loadavg": [r["loadavg"] for r in results],
            "rounds": results,
        }
    return out


def paced(target: Target, scenarios: list[Scenario], measured: dict[str, dict[str, Any]]) -> None:
    """Each page's latency at LATENCY_LOAD of its throughput (open loop), but the empty view."""
    for name, make_request, check in scenarios:
        rps = measured[name]["rps"]
        if name == "empty" or rps <= 0:
            continue
        rate = max(1.0, rps * LATENCY_LOAD)
        result = load.run_at_rate(
            name,
            port=target.port,
            make_request=make_request,
            check=check,
            rate=rate,
            duration=DURATION * 2,
            warmup=WARMUP,
            probe=target.probe,
        )
        row = result.as_dict()
        log(f"    {name} at {rate:.0f} req/s: {summary(result)}")
        measured[name]["at_rate"] = {
            "rate": round(rate, 1),
            **row,
            "cpu_ms": cpu_per_request([row]),
            "loadavg": round(os.getloadavg()[0], 2),
        }


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


PAIRS = report.PAIRS


def bench_db(db: str) -> dict[str, Any]:
    import local_stack

    env = desk_env(db)
    prepare_desk(db, env)
    redis = local_stack.Redis(REDIS_PORT) if db == "postgres" else None
    penv: dict[str, str] = {}
    pfx: dict[str, Any] = {}
    if PEER:
        ensure_peer_venv()
        penv = peer_env(db)
        prepare_peer(db, penv, tickets=round(max(20, 1_000_000 * SCALE)))
    if redis is not None:
        redis.start()
    try:
        fixtures = json.loads(
            run([str(PYTHON), "manage.py", "bench_fixtures"], env, capture=True).splitlines()[-1]
        )
        results: dict[str, Any] = {"requests_in_database": fixtures["requests"]}
        python = str(PEER_VENV / "bin" / "python")
        if PEER:
            pfx = json.loads(
                run([python, "manage.py", "peer_fixtures"], penv, cwd=PEER_DIR, capture=True)
            )
            results["tickets_in_database"] = pfx["requests"]
        log(f"desk/{db}: {fixtures['requests']:,} requests in the database; serving")
        ours = Server(
            ROOT / ".venv" / "bin" / "gunicorn", "desk.wsgi", env, ROOT, "/healthz/", PORT
        )
        theirs = Server(
            PEER_VENV / "bin" / "gunicorn",
            "peer_site.wsgi",
            penv,
            PEER_DIR,
            "/bench/empty/",
            PEER_PORT,
        )
        redis_pid = redis.process.pid if redis is not None and redis.process else None
        with ours:
            desk = Target(PORT, CpuProbe(ours, PG_DB if db == "postgres" else None, redis_pid))
            ds = {name: (name, m, c) for name, m, c in desk_scenarios(fixtures)}
            plan: list[tuple[Target, Scenario]] = []
            if PEER:
                with theirs:
                    peer = Target(
                        PEER_PORT,
                        CpuProbe(theirs, PG_PEER_DB if db == "postgres" else None, redis_pid),
                    )
                    ps = {name: (name, m, c) for name, m, c in peer_scenarios(pfx)}
                    for mine, counterpart in PAIRS:
                        plan.append((desk, ds[mine]))
                        if counterpart:
                            plan.append((peer, ps[counterpart]))
                    measured = drive_rounds(plan)
                    peer.probe.close()
                results["peer"] = {k: v for k, v in measured.items() if k.startswith("peer ")}
                results["desk"] = {k: v for k, v in measured.items() if not k.startswith("peer ")}
            else:
                results["desk"] = drive_rounds([(desk, ds[mine]) for mine, _p in PAIRS])
            log(f"desk/{db}: paced latency")
            paced(desk, list(ds.values()), results["desk"])
            desk.probe.close()
    finally:
        if redis is not None:
            redis.stop()
    if CALLGRIND:
        log(f"desk/{db}: instructions per page under callgrind")
        counted = run(
            [str(PYTHON), str(ROOT / "bench" / "instructions.py"), db],
            os.environ.copy(),
            capture=True,
        )
        results["instructions"] = json.loads(counted.splitlines()[-1])
    shutil.rmtree(WORK / db / "var" / "private", ignore_errors=True)
    return results


def commit() -> str:
    """The measured commit, "+ changes" when the checkout differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, check=True, text=True, capture_output=True)
        return done.stdout.strip()

    try:
        head = git("log", "-1", "--format=%h %<(60,trunc)%s").rstrip()
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} + changes" if dirty else head


def command() -> str:
    """The run's command line with the settings it was given (BENCH_* variables)."""
    given = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("BENCH"))
    return f"{given} .venv/bin/python bench/run.py".strip()


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "started": now(),
        "commit": commit(),
        "command": command(),
        "machine": machine(),
        "settings": {
            "scale": SCALE,
            "duration_s": DURATION,
            "warmup_s": WARMUP,
            "concurrency": CONCURRENCY,
            "rounds": ROUNDS,
            "gunicorn_workers": WORKERS,
            "latency_load": LATENCY_LOAD,
        },
        "runs": {},
    }
    log(f"scale {SCALE}, databases {DBS}, {WORKERS} workers, {CONCURRENCY} clients, {DURATION} s")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"bench-{stamp}-scale{SCALE:g}.json"
    for db in DBS:
        result["runs"][db] = bench_db(db)
        result["machine"]["loadavg_at_end"] = os.getloadavg()
        result["finished"] = now()
        # Written after each database, so that a run stopped half-way keeps what it measured.
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    from hotspots import PAGES  # bench/instructions.py's page keys → scenario names

    print(report.table(result, PAGES))
    log(f"wrote {out.relative_to(ROOT)}")
    if DOC:
        raw = str(out.relative_to(ROOT))
        shown = report.with_earlier(result, RESULTS, raw)  # a database measured apart
        report.write_doc(
            ROOT / "docs" / "benchmarks.md", report.section(shown, raw=raw, pages=PAGES)
        )
        log("wrote the figures and the targets' verdicts into docs/benchmarks.md")


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


if __name__ == "__main__":
    main()
