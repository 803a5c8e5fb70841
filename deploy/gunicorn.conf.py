"""gunicorn settings for Mizkhedmat, read from the environment (docs/deployment.md).

    gunicorn -c deploy/gunicorn.conf.py desk.wsgi

The benchmark serves both Mizkhedmat and its peer with this same file (docs/benchmarks.md), so
it imports nothing from the project.
"""

import importlib.util
import multiprocessing
import os
import re
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger


def _load_env_file() -> None:
    """The project's `.env` reaches gunicorn's own settings below (GUNICORN_*,
    FORWARDED_ALLOW_IPS) as it reaches Django's: desk/core/env.py's loader, loaded by path so
    that the peer of the benchmark can use this file too. Real environment variables win."""
    root = Path(__file__).resolve().parent.parent
    loader = root / "desk" / "core" / "env.py"
    if not loader.is_file():
        return
    spec = importlib.util.spec_from_file_location("_desk_env", loader)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.load_env_file(Path(os.environ.get("DESK_ENV_FILE") or root / ".env"))


_load_env_file()


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: one request at a time each, CPU-bound Django with a database next door. Two per
# core keeps the cores busy while a worker waits on PostgreSQL or Redis; nginx in front buffers
# slow clients so that a slow phone never holds a worker.
worker_class = "sync"
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count())
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# Recycle a worker now and then so that a slow leak cannot grow for ever; jitter keeps the
# workers from restarting together. 0 turns it off (the benchmark does, to measure steadily).
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Import Django once in the master and fork: faster start, shared memory. Database connections
# are opened lazily by each worker, never in the master.
preload_app = True
backlog = 2048
# The heartbeat file on tmpfs: a worker is never killed because a disk stalled.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" logs to stdout
# Path without the query string (%(U)s, not %(r)s or %(q)s), and no referrer: a lookup's result
# links carry a download proof (?proof=…) that must not land in logs (deploy/nginx/desk.conf).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'
# The SMS providers' webhooks carry SMS_WEBHOOK_TOKEN in their path
# (/messages/hooks/sms/<provider>/<receipts|inbound>/<token>/): the log shows *** in its place,
# as deploy/nginx/desk.conf does.
HOOK_TOKEN = re.compile(r"(/hooks/sms/[^/?]+/(?:receipts|inbound)/)[^/?\s]+")


def mask_hook_token(text: str) -> str:
    return HOOK_TOKEN.sub(r"\1***", text)


class AccessLogger(Logger):
    """gunicorn's logger, with the webhook token masked in the path and the request line."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for name in ("U", "r"):
            if isinstance(atoms.get(name), str):
                atoms[name] = mask_hook_token(atoms[name])
        return atoms


logger_class = AccessLogger
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-Proto is believed only from the proxies: the same TRUSTED_PROXIES as the app's
# client addresses (desk/core/forwarded.py). gunicorn always trusts a unix-socket peer, so the
# word "unix" is the app's alone.
_proxies = os.environ.get("TRUSTED_PROXIES") or os.environ.get("FORWARDED_ALLOW_IPS", "")
forwarded_allow_ips = (
    ",".join(p.strip() for p in _proxies.split(",") if p.strip() and p.strip() != "unix")
    or "127.0.0.1"
)
