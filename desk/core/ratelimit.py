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
import os
import threading
import time
from typing import Any, Literal

from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError
from redis.exceptions import TimeoutError as RedisTimeoutError

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
# The commands as Redis reads them (RESP), but for the key and the expiry: EVALSHA sha 1 …,
# EVAL script 1 ….
_EVALSHA = b"*5\r\n$7\r\nEVALSHA\r\n$40\r\n%s\r\n$1\r\n1\r\n" % _INCR_EXPIRE_SHA.encode()
_EVAL = b"*5\r\n$4\r\nEVAL\r\n$%d\r\n%s\r\n$1\r\n1\r\n" % (
    len(_INCR_EXPIRE.encode()),
    _INCR_EXPIRE.encode(),
)

# This process's own counters, used only while the shared cache is unreachable.
_local = LocMemCache("desk-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


# The connection this process (thread) keeps for its counters, taken from the cache client's
# pool once (per process: a connection made before a fork is never used after it).
_held = threading.local()


def _redis_count(backend: RedisCache, key: str, timeout: int) -> int:
    """INCR and set the expiry together, as one script (EVALSHA), in one round trip on the hot
    path of public pages, without redis-py's command machinery: the command packed here, sent
    on a connection this process keeps (borrowing one from the pool and giving it back, with
    the pool's checks, cost more than the rest of the limit). A connection that Redis closed
    (a restart, an idle timeout) is made again and the script sent once more; a script Redis
    forgot is sent in full. The key is made as the cache makes it (``make_key``); cache keys
    are checked only for memcached's sake, and this one is ours."""
    pool = backend._cache.get_client(write=True).connection_pool
    held: tuple[int, Any, Any] | None = getattr(_held, "conn", None)
    if held is None or held[0] != os.getpid() or held[1] is not pool:
        held = _held.conn = (os.getpid(), pool, pool.get_connection())  # kept, not given back
    conn = held[2]
    encoded = key.encode()
    expiry = str(timeout).encode()
    args = b"$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(encoded), encoded, len(expiry), expiry)
    try:
        return _run(conn, args)
    except (RedisConnectionError, RedisTimeoutError):
        conn.disconnect()  # a half-read reply must not reach the next command
        return _run(conn, args)  # on a connection made again
    except BaseException:
        conn.disconnect()
        raise


def _run(conn: Any, args: bytes) -> int:
    conn.send_packed_command([_EVALSHA + args], check_health=False)
    try:
        return int(conn.read_response())
    except NoScriptError:
        conn.send_packed_command([_EVAL + args], check_health=False)
        return int(conn.read_response())


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
        return _redis_count(backend, backend.make_key(cache_key), timeout) <= limit
    # Counted where the counter is (every attempt but a window's first): one operation, not
    # a refused ``add`` then ``incr``.
    try:
        count = backend.incr(cache_key)
    except ValueError:  # the window's first attempt (or its counter was evicted)
        if backend.add(cache_key, 1, timeout=timeout):
            return True
        count = backend.incr(cache_key)  # another request started the window meanwhile
    return count <= limit
