"""Redis stops for 30 seconds under load: no HTTP 500, no citizen signed out.

gunicorn (2 workers, deploy/gunicorn.conf.py) serves with Redis as the cache, the rate-limit
store and the sessions' read copy (SESSION_BACKEND defaults to cached_db with REDIS_URL). N
citizens are signed in; worker threads then loop over three requests each — a citizen's own
page `/requests/` with their session cookie, an anonymous tracking lookup (a rate-limited
POST) and the catalog — while the script stops its own redis-server for OUTAGE seconds and
starts it again empty (as a Redis that lost its memory). A `/requests/` answered with a
redirect to sign-in is a lost session; after the run every citizen's page is fetched again.

    .venv/bin/python bench/redis_outage.py                        # 30 s outage, 20 citizens
    .venv/bin/python bench/redis_outage.py --outage 10 --citizens 5   # CI
    .venv/bin/python bench/redis_outage.py --control   # sessions in Redis alone: signed out

Starts a redis-server of its own on a free 127.0.0.1 port (never the shared one on 6379) and
gunicorn on another; SQLite unless DATABASE_URL is set; the job queue stays in SQLite (the
queue's own outage is measured by the outbox's reliability tests). Prints one JSON line; exits 1
unless there were 0 HTTP 500s, 0 connection failures (a reset, a timeout, a truncated answer:
each counted by kind, never a crash of this script) and 0 lost sessions.
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_stack import PYTHON, ROOT, Client, Redis, free_port, stack

SIGN_IN = """
import django, json
django.setup()
from django.test import Client
from desk.accounts.models import User
keys = []
for i in range({n}):
    user = User.objects.create_user(
        username=f"outage-{{i}}", national_code=f"{{i + 1:010d}}", mobile="+989121234567",
        first_name="مریم", last_name="رضایی",
    )
    client = Client()
    client.force_login(user)
    keys.append(client.cookies["sessionid"].value)
print(json.dumps(keys))
"""


def _sign_in(env: dict[str, str], citizens: int) -> list[str]:
    result = subprocess.run(
        [PYTHON, "-c", SIGN_IN.format(n=citizens)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    keys: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return keys


# What a client sees when the server does not answer properly: refused or reset connections,
# timeouts (OSError), a truncated or empty answer (HTTPException). Each is counted as a failure.
FAILURES = (OSError, http.client.HTTPException)

LOOKUP = {"code": "1234567890123", "national_code": "0084575948"}


class Load:
    def __init__(self, bind: str, sessions: list[str], csrf: dict[str, str]) -> None:
        self.bind = bind
        self.sessions = sessions
        self.csrf = csrf
        self.stop = threading.Event()
        self.phase = "before"
        self.counts: Counter[str] = Counter()
        self.lost: set[str] = set()
        self.lock = threading.Lock()

    def _record(self, what: str, status: int | str) -> None:
        with self.lock:
            self.counts[f"{self.phase} {what} {status}"] += 1

    def worker(self, index: int) -> None:
        n = index
        while not self.stop.is_set():
            session = self.sessions[n % len(self.sessions)]
            citizen = Client(self.bind, timeout=15)
            citizen.cookies = {"sessionid": session}
            stranger = Client(self.bind, forwarded_for="", timeout=15)
            stranger.cookies = dict(self.csrf)
            for what, client, method, path, fields in (
                ("my", citizen, "GET", "/requests/", None),
                ("track", stranger, "POST", "/requests/track/", LOOKUP),
                ("catalog", citizen, "GET", "/services/", None),
            ):
                try:
                    status, _body, headers = client.request(method, path, fields)
                except FAILURES as exc:  # a reset, a timeout: observed, counted, never a crash
                    self._record(what, type(exc).__name__)
                    continue
                self._record(what, status)
                if what == "my" and status == 302 and "login" in headers.get("location", ""):
                    with self.lock:
                        self.lost.add(session)
            n += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outage", type=float, default=30)
    parser.add_argument("--citizens", type=int, default=20)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument(
        "--control", action="store_true", help="sessions in Redis alone (SESSION_BACKEND=cache)"
    )
    args = parser.parse_args()
    redis = Redis(free_port())
    redis.start()
    bind = f"127.0.0.1:{free_port()}"
    env = {
        "REDIS_URL": redis.url,
        "HUEY_BACKEND": "sqlite",
        "SESSION_BACKEND": "cache" if args.control else "cached_db",
        "TRACKING_LOOKUPS_PER_IP_PER_HOUR": "1000000",
    }
    started = time.perf_counter()
    final: Counter[int | str] = Counter()
    try:
        with stack(env, bind=bind) as app_env:
            sessions = _sign_in(app_env, args.citizens)
            first = Client(bind)
            first.get("/requests/track/")
            load = Load(bind, sessions, {"csrftoken": first.cookies.get("csrftoken", "")})
            threads = [threading.Thread(target=load.worker, args=(i,)) for i in range(args.threads)]
            for thread in threads:
                thread.start()
            time.sleep(5)
            load.phase = "during"
            redis.stop()
            time.sleep(args.outage)
            redis.start()  # empty: every copy in Redis is gone
            load.phase = "after"
            time.sleep(10)
            load.stop.set()
            for thread in threads:
                thread.join(timeout=60)
            for session in sessions:
                client = Client(bind)
                client.cookies = {"sessionid": session}
                try:
                    status, _body, _headers = client.get("/requests/")
                except FAILURES as exc:
                    final[type(exc).__name__] += 1
                    continue
                final[status] += 1
                if status == 302:
                    load.lost.add(session)
    finally:
        redis.stop()
    counts = load.counts
    errors_500 = sum(n for key, n in counts.items() if key.endswith(" 500"))
    failures = sum(n for key, n in counts.items() if not key.rsplit(" ", 1)[1].isdigit())
    failures += sum(n for key, n in final.items() if isinstance(key, str))
    report = {
        "session_backend": env["SESSION_BACKEND"],
        "outage_seconds": args.outage,
        "citizens": args.citizens,
        "requests": sum(counts.values()),
        "http_500": errors_500,
        "http_503": sum(n for key, n in counts.items() if key.endswith(" 503")),
        "connection_failures": failures,
        "sessions_lost": len(load.lost),
        "final_my_page": {str(key): n for key, n in final.items()},
        "by_phase": dict(sorted(counts.items())),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0 if errors_500 == 0 and failures == 0 and not load.lost else 1


if __name__ == "__main__":
    sys.exit(main())
