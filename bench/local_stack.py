"""A throwaway production-like stack on this machine for the reliability scripts: a fresh
database (SQLite in a temporary VAR_DIR, or the PostgreSQL database that DATABASE_URL names,
dropped and created anew), a redis-server of our own on a free 127.0.0.1 port, and gunicorn
with deploy/gunicorn.conf.py on a unix socket or a local port. Everything is started by the
script, bounded in time, and stopped by it; the shared Redis on 6379 is never touched.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "desk.example.ir"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{what} did not come up within {seconds} s")


class Redis:
    """redis-server on 127.0.0.1:<port>, no persistence: a restart starts empty, as a Redis
    that lost its memory does."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.port), 0.2), 10, "redis")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def stack(env: dict[str, str], *, bind: str, workers: int = 2) -> Iterator[dict[str, str]]:
    """A migrated database in a temporary VAR_DIR and gunicorn serving it on ``bind``
    ("unix:<path>" or "127.0.0.1:<port>"); yields the environment the app runs with."""
    var_dir = tempfile.mkdtemp(prefix="desk-reliability-")
    full = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))},
        "DJANGO_SETTINGS_MODULE": "desk.settings",
        "VAR_DIR": var_dir,
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SMS_BACKEND": "memory",
        "GUNICORN_BIND": bind,
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
        **env,
    }
    _fresh_postgres(full.get("DATABASE_URL", ""))
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=full,
        check=True,
        timeout=300,
    )
    # The server's log goes to a file: a pipe nobody reads fills at 64 KB (a Redis outage logs
    # a warning per request) and then blocks every worker in its next log write.
    log = open(Path(var_dir) / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "desk.wsgi"],
        cwd=ROOT,
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_until(lambda: Client(bind).get("/healthz/")[0] in (200, 503), 240, "gunicorn")
        yield full
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        kept = os.environ.get("STACK_LOG")
        if kept:
            shutil.copyfile(Path(var_dir) / "gunicorn.log", kept)
        shutil.rmtree(var_dir, ignore_errors=True)


def _fresh_postgres(url: str) -> None:
    """A PostgreSQL DATABASE_URL names a database this script owns: dropped and made anew, so
    that a second run starts from nothing (SQLite lives in the temporary VAR_DIR anyway)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.path)
        self.sock = sock


class Client:
    """One browser's worth of HTTP/1.1 to the app: a cookie jar, the CSRF token, nginx's
    headers (Host, X-Forwarded-For) — what nginx would send over the socket."""

    def __init__(self, bind: str, *, forwarded_for: str = "", timeout: float = 30) -> None:
        self.bind = bind
        self.forwarded_for = forwarded_for
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def _connection(self) -> http.client.HTTPConnection:
        if self.bind.startswith("unix:"):
            return _UnixConnection(self.bind[len("unix:") :], self.timeout)
        host, _, port = self.bind.rpartition(":")
        return http.client.HTTPConnection(host, int(port), timeout=self.timeout)

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        headers = {"Host": HOST}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            data = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOST}{path}"
        connection = self._connection()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, text, {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        return self.request("POST", path, fields)
