"""A fixed-window counter in the cache (Redis in production), for limits that are not data.

When Redis cannot be reached a limit either fails **open**, counting in this process for the
while (the default: a citizen looking up a request must not be refused because Redis
restarted; each worker then allows the limit, so the bound is limit × workers for the
outage), or **closed** (``on_outage="closed"``: the outage error stands and the person gets
the 503 page), for limits whose whole point is that they hold (docs/reliability.md).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Literal

from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import NoScriptError

from desk.core.outage import CACHE_ERRORS, warn_degraded

logger = logging.getLogger(__name__)

# INCR, then the expiry set only if the key has none (EXPIRE … NX, Redis 7): the window's
# counter lives until the window's end whatever happens to later calls.
_INCR_EXPIRE = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return count
"""
_INCR_EXPIRE_SHA = hashlib.sha1(_INCR_EXPIRE.encode()).hexdigest()  # its name in Redis

# This process's own counters, used only while the shared cache is unreachable.
_local = LocMemCache("desk-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def hit(
    *,
    key: str,
    limit: int,
    window_seconds: int,
    on_outage: Literal["open", "closed"] = "open",
) -> bool:
    """Count one attempt; False once `limit` attempts were made in the current window."""
    try:
        return _hit(caches["default"], key=key, limit=limit, window_seconds=window_seconds)
    except CACHE_ERRORS:
        if on_outage == "closed":
            raise
        warn_degraded(logger, "rate limits counted in this process: the shared cache is down")
        return _hit(_local, key=key, limit=limit, window_seconds=window_seconds)


def _hit(backend: BaseCache, *, key: str, limit: int, window_seconds: int) -> bool:
    window = int(time.time()) // window_seconds
    cache_key = f"rl:{key}:{window}"
    timeout = window_seconds + 5
    if isinstance(backend, RedisCache):
        # One round trip on the hot path of public pages: INCR and set the expiry together,
        # as one script (EVALSHA), sent on a connection of the client's pool without
        # redis-py's command machinery (its pipeline of the two commands cost about 0.3 M
        # instructions per lookup). The pool checks a connection before lending it and
        # reconnects one that Redis closed; a script Redis forgot (a restart) is sent again.
        key = backend.make_and_validate_key(cache_key)
        pool = backend._cache.get_client(write=True).connection_pool
        conn = pool.get_connection()
        try:
            try:
                conn.send_command("EVALSHA", _INCR_EXPIRE_SHA, 1, key, timeout)
                count = conn.read_response()
            except NoScriptError:
                conn.send_command("EVAL", _INCR_EXPIRE, 1, key, timeout)
                count = conn.read_response()
        except BaseException:
            conn.disconnect()  # a half-read reply must not reach the next command
            raise
        finally:
            pool.release(conn)
        return int(count) <= limit
    if backend.add(cache_key, 1, timeout=timeout):
        return True
    try:
        count = backend.incr(cache_key)
    except ValueError:  # expired between add and incr
        backend.set(cache_key, 1, timeout=timeout)
        return True
    return count <= limit
