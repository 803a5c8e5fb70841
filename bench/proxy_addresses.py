"""Behind the unix-socket proxy, every citizen has their own rate limit.

gunicorn serves on a unix socket (as deploy/systemd does) with TRUSTED_PROXIES=unix and Redis
as the shared cache; this script plays nginx: each of N client addresses arrives through the
socket with `X-Forwarded-For: <address>` and makes LIMIT + 1 tracking lookups. Each address must
get exactly LIMIT answers and then the Persian refusal, whatever the other addresses did. A last
round sends a forged left-hand X-Forwarded-For entry ("1.2.3.4, <address>") from a refused
address: it must stay refused (nobody picks their address).

    .venv/bin/python bench/proxy_addresses.py                    # 100 addresses, limit 5
    .venv/bin/python bench/proxy_addresses.py --addresses 20     # CI
    .venv/bin/python bench/proxy_addresses.py --control          # without the trust: shared

Starts its own redis-server on a free 127.0.0.1 port and gunicorn (2 workers) on a socket in a
temporary folder; SQLite unless DATABASE_URL is set. Prints one JSON line; exits 1 unless every
address got its own limit and the forged header was refused.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_stack import Client, Redis, free_port, stack

TOO_MANY = "تعداد جست‌وجوها از حد مجاز گذشته است"
TRACK = "/requests/track/"


def _lookup(client: Client) -> bool:
    """One lookup of a code that does not exist; True when it was answered (not refused)."""
    status, body, _headers = client.post(
        TRACK, {"code": "1234567890123", "national_code": "0084575948"}
    )
    if status >= 500:
        raise SystemExit(f"HTTP {status} from {TRACK}")
    return TOO_MANY not in body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--addresses", type=int, default=100)
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument(
        "--control",
        action="store_true",
        help="without 'unix' in TRUSTED_PROXIES (as before the fix): expect a shared limit",
    )
    args = parser.parse_args()
    redis = Redis(free_port())
    redis.start()
    socket_path = Path(tempfile.mkdtemp(prefix="desk-sock-")) / "gunicorn.sock"
    bind = f"unix:{socket_path}"
    env = {
        "REDIS_URL": redis.url,
        "HUEY_BACKEND": "sqlite",
        "SESSION_BACKEND": "db",
        "TRUSTED_PROXIES": "" if args.control else "unix",
        "TRACKING_LOOKUPS_PER_IP_PER_HOUR": str(args.limit),
    }
    started = time.perf_counter()
    try:
        with stack(env, bind=bind):
            own_limit = 0
            first = Client(bind)
            first.get(TRACK)  # the CSRF cookie, shared by every simulated browser
            for n in range(args.addresses):
                address = f"198.51.{100 + n // 250}.{1 + n % 250}"
                client = Client(bind, forwarded_for=address)
                client.cookies = dict(first.cookies)
                answered = [_lookup(client) for _ in range(args.limit + 1)]
                if answered == [True] * args.limit + [False]:
                    own_limit += 1
            forger = Client(bind, forwarded_for="1.2.3.4, 198.51.100.1")
            forger.cookies = dict(first.cookies)
            forged_refused = not _lookup(forger)
    finally:
        redis.stop()
    report = {
        "server": "gunicorn on a unix socket, Redis cache",
        "trusted_proxies": env["TRUSTED_PROXIES"],
        "addresses": args.addresses,
        "limit": args.limit,
        "lookups": args.addresses * (args.limit + 1) + 1,
        "addresses_with_their_own_limit": own_limit,
        "forged_header_refused": forged_refused,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, ensure_ascii=False))
    if args.control:
        return 0 if own_limit < args.addresses else 1
    return 0 if own_limit == args.addresses and forged_refused else 1


if __name__ == "__main__":
    sys.exit(main())
