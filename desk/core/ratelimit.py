"""A fixed-window counter in the cache (Redis in production), for limits that are not data."""

from __future__ import annotations

import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


def hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once `limit` attempts were made in the current window."""
    window = int(time.time()) // window_seconds
    cache_key = f"rl:{key}:{window}"
    timeout = window_seconds + 5
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip on the hot path of public pages: INCR and set the expiry together.
        client = backend._cache.get_client(write=True)
        pipe = client.pipeline(transaction=False)  # no MULTI/EXEC: two commands, one trip
        pipe.incr(backend.make_and_validate_key(cache_key))
        pipe.expire(backend.make_and_validate_key(cache_key), timeout, nx=True)
        count = int(pipe.execute()[0])
        return count <= limit
    if cache.add(cache_key, 1, timeout=timeout):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=timeout)
        return True
    return count <= limit
