"""A fixed-window counter in the cache (Redis in production), for limits that are not data."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once `limit` attempts were made in the current window."""
    window = int(time.time()) // window_seconds
    cache_key = f"rl:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 5)
        return True
    return count <= limit
