"""A circuit breaker per national system, its state in the shared cache so that every app
server and worker agrees: after REGISTRY_BREAKER_FAILURES failed **calls** in a row the system
is not asked for REGISTRY_BREAKER_OPEN_SECONDS (callers get «unavailable» at once); then one
caller, and only one across all servers, probes it (half-open) with a single attempt: an
answer closes the breaker, a failure opens it again for another period.

A call is one ``registry_ask``: its retries are not failures of their own. A call that got no
answer after all its attempts (1 + REGISTRY_RETRIES) reports one failure (:meth:`failure`);
a call that got any answer reports a success, which resets the count.

When the cache itself cannot be reached the breaker lets every call through (fails open): a
Redis restart must not cut the desk off from the national systems.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache

from desk.core.outage import CACHE_ERRORS

logger = logging.getLogger(__name__)

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"
# The open mark outlives its period (a probe must find it); a day bounds a forgotten one.
_MARK_SECONDS = 24 * 60 * 60


class Breaker:
    def __init__(self, name: str) -> None:
        prefix = f"registries:breaker:{name}"
        self.failures_key = f"{prefix}:failures"
        self.open_key = f"{prefix}:open_until"
        self.probe_key = f"{prefix}:probe"

    def state(self) -> str:
        try:
            open_until = cache.get(self.open_key)
        except CACHE_ERRORS:
            return CLOSED
        if open_until is None:
            return CLOSED
        return OPEN if time.time() < float(open_until) else HALF_OPEN

    def admit(self) -> str | None:
        """How a call may go out now: CLOSED (with its retries), HALF_OPEN (the one probe, a
        single attempt; True for one caller only across servers), or None (not at all)."""
        state = self.state()
        if state == CLOSED:
            return CLOSED
        if state == OPEN:
            return None
        try:
            return (
                HALF_OPEN if cache.add(self.probe_key, 1, timeout=self._probe_seconds()) else None
            )
        except CACHE_ERRORS:
            return CLOSED

    def allow(self) -> bool:
        """Whether a call may go out now; in half-open, True for one caller only."""
        return self.admit() is not None

    def success(self) -> None:
        try:
            cache.delete_many([self.failures_key, self.open_key, self.probe_key])
        except CACHE_ERRORS:
            logger.warning("breaker %s: the shared cache is down", self.open_key)

    def failure(self) -> None:
        try:
            if self.state() == HALF_OPEN:
                self._open()
                return
            if cache.add(self.failures_key, 1, timeout=_MARK_SECONDS):
                failures = 1
            else:
                try:
                    failures = cache.incr(self.failures_key)
                except ValueError:  # expired between add and incr
                    cache.set(self.failures_key, 1, timeout=_MARK_SECONDS)
                    failures = 1
            if failures >= settings.REGISTRY_BREAKER_FAILURES:
                self._open()
        except CACHE_ERRORS:
            logger.warning("breaker %s: the shared cache is down", self.open_key)

    def _open(self) -> None:
        until = time.time() + settings.REGISTRY_BREAKER_OPEN_SECONDS
        cache.set(self.open_key, until, timeout=_MARK_SECONDS)
        cache.delete_many([self.failures_key, self.probe_key])
        logger.warning(
            "breaker %s opened for %ss", self.open_key, settings.REGISTRY_BREAKER_OPEN_SECONDS
        )

    @staticmethod
    def _probe_seconds() -> int:
        # A probe that dies without reporting frees the slot after its longest possible call.
        return max(1, 3 * settings.REGISTRY_TIMEOUT_SECONDS)
