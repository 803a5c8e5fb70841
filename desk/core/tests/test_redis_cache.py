# mypy: disable-error-code="attr-defined"
"""The Redis cache backend keeps one client per pool (desk/core/redis_cache.py)."""

from __future__ import annotations

import unittest

from django.conf import settings
from django.core.cache import caches
from django.test import SimpleTestCase

from desk.core.redis_cache import RedisCache


class RedisCacheClientTests(SimpleTestCase):
    def test_it_reuses_one_client_per_pool(self) -> None:
        # Building clients opens no connection: no Redis server is needed here.
        backend = RedisCache("redis://127.0.0.1:6379/15", {})
        client = backend._cache.get_client(write=True)
        self.assertIs(backend._cache.get_client(write=False), client)
        self.assertIs(client.connection_pool, backend._cache._pools[0])

    def test_it_reads_from_replicas_and_writes_to_the_primary(self) -> None:
        backend = RedisCache("redis://127.0.0.1:6379/15,redis://127.0.0.1:6380/15", {})
        primary = backend._cache.get_client(write=True)
        replica = backend._cache.get_client(write=False)
        self.assertIsNot(primary, replica)
        self.assertIn("6380", str(replica.connection_pool))
        self.assertIs(backend._cache.get_client(write=False), replica)

    @unittest.skipUnless(settings.REDIS_URL, "needs REDIS_URL (run by .ci/run)")
    def test_it_stores_and_counts_through_the_shared_client(self) -> None:
        cache = caches["default"]
        cache.set("redis-cache-test", {"a": 1}, timeout=5)
        self.assertEqual(cache.get("redis-cache-test"), {"a": 1})
        cache.set("redis-cache-counter", 1, timeout=5)
        self.assertEqual(cache.incr("redis-cache-counter"), 2)
