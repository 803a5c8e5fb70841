"""What the health endpoint checks: the database, the job queue, file storage and, when one is
configured, the antivirus.

Each check returns quickly or raises; the endpoint reports only the exception's class, never
its message, which may name hosts, buckets or users.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connections

from desk.core.uploads import scanner
from desk.lib.antivirus import EICAR

logger = logging.getLogger(__name__)

PROBE = b"desk-health"


def check_database() -> dict[str, Any]:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connections["default"].vendor}


def check_queue() -> dict[str, Any]:
    """Reach the queue's storage: a Redis round trip for RedisHuey, the SQLite file otherwise."""
    from huey.contrib.djhuey import HUEY

    return {"backend": type(HUEY).__name__, "pending": HUEY.pending_count()}


def check_storage() -> dict[str, Any]:
    """Write, read back and delete a tiny object where uploads go (disk or the bucket)."""
    name = storages["default"].save(f"healthz/{uuid.uuid4().hex}", ContentFile(PROBE))
    try:
        with storages["default"].open(name, "rb") as handle:
            if handle.read() != PROBE:
                raise OSError("storage returned different bytes")
    finally:
        storages["default"].delete(name)
    return {"backend": type(storages["default"]).__name__}


def check_antivirus() -> dict[str, Any]:
    """The configured scanner must find the EICAR test file: clamd answers, over its socket,
    with its signatures loaded (a daemon still loading them, or one that finds nothing, fails)."""
    active = scanner()
    if not active.scan(EICAR).infected:
        raise RuntimeError("the antivirus did not find the EICAR test file")
    # With ANTIVIRUS_FAIL_OPEN uploads go on unscanned while it is down: reported, not fatal.
    return {"backend": active.name, "required": not settings.ANTIVIRUS_FAIL_OPEN}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "queue": check_queue,
    "storage": check_storage,
}
# Run only when ANTIVIRUS_BACKEND is not "none".
OPTIONAL_CHECKS: dict[str, Callable[[], dict[str, Any]]] = {"antivirus": check_antivirus}


def _checks() -> dict[str, Callable[[], dict[str, Any]]]:
    if settings.ANTIVIRUS_BACKEND == "none":
        return CHECKS
    return {**CHECKS, **OPTIONAL_CHECKS}


def _fatal(name: str, result: dict[str, Any]) -> bool:
    if result["ok"]:
        return False
    return not (name == "antivirus" and settings.ANTIVIRUS_FAIL_OPEN)


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run every check; (all passed, each check's result with its duration in milliseconds)."""
    results: dict[str, dict[str, Any]] = {}
    for name, check in _checks().items():
        start = time.perf_counter()
        try:
            result: dict[str, Any] = {"ok": True, **check()}
        except Exception as exc:  # any failure is a failed check, never a 500
            logger.exception("health check %s failed", name)
            result = {"ok": False, "error": type(exc).__name__}
        result["ms"] = round((time.perf_counter() - start) * 1000, 1)
        results[name] = result
    return not any(_fatal(name, r) for name, r in results.items()), results
