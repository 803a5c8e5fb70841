"""A fixed-window counter in the cache (Redis in production), for limits that are not data.

When Redis cannot be reached a limit either fails **open**, counting in this process for the
while (the default: a citizen looking up a request must not be refused because Redis
restarted; each worker then allows the limit, so the bound is limit × workers for the
outage), or **closed** (``on_outage="closed"``: the outage error stands and the person gets
the 503 page), for limits whose whole point is that they hold (docs/reliability.md).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Literal

from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from desk.core.outage import CACHE_ERRORS, warn_degraded

logger = logging.getLogger(__name__)

# INCR, then the expiry set only if the key has none (EXPIRE … NX, Redis 7): the window's
# counter lives until the window's end whatever happens to later calls.
_INCR_EXPIRE = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
return count
"""
_scripts: dict[int, Any] = {}  # per Redis client (one per connection pool: desk/core/redis_cache)

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
        # as one script (EVALSHA; redis-py loads it again after a Redis restart). A pipeline
        # of the two commands cost about 0.27 M instructions more per lookup in redis-py.
        client = backend._cache.get_client(write=True)
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts[id(client)] = client.register_script(_INCR_EXPIRE)
        count = int(script(keys=[backend.make_and_validate_key(cache_key)], args=[timeout]))
        return count <= limit
    if backend.add(cache_key, 1, timeout=timeout):
        return True
    try:
        count = backend.incr(cache_key)
    except ValueError:  # expired between add and incr
        backend.set(cache_key, 1, timeout=timeout)
        return True
    return count <= limit
