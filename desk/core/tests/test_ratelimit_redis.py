# mypy: disable-error-code="attr-defined"
"""The rate limit's counter on Redis (desk/core/ratelimit.py): one script per attempt that
counts and gives the window's key its expiry, sent again when Redis has forgotten it."""

from __future__ import annotations

import time
import unittest
import uuid
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.cache import caches
from django.test import SimpleTestCase

from desk.core import ratelimit


@unittest.skipUnless(settings.REDIS_URL, "needs REDIS_URL (run by .ci/run)")
class RedisRateLimitTests(SimpleTestCase):
    def setUp(self) -> None:
        self.key = f"test-{uuid.uuid4().hex}"
        backend = caches["default"]
        window = int(time.time()) // 3600
        # The window may turn during a test: both of its possible keys are removed after.
        self.names = [
            backend.make_and_validate_key(f"rl:{self.key}:{w}") for w in (window, window + 1)
        ]
        self.client: Any = backend._cache.get_client(write=True)
        self.addCleanup(self.client.execute_command, "DEL", *self.names)

    def hit(self) -> bool:
        return ratelimit.hit(key=self.key, limit=2, window_seconds=3600)

    def test_it_allows_the_limit_then_refuses_and_the_counter_expires(self) -> None:
        self.assertEqual([self.hit(), self.hit(), self.hit()], [True, True, False])
        self.assertEqual(self.counted(), 3)
        ttls = [self.client.ttl(name) for name in self.names if self.client.exists(name)]
        self.assertTrue(ttls)
        self.assertTrue(all(0 < ttl <= 3605 for ttl in ttls), ttls)

    def test_it_goes_on_counting_after_redis_forgot_its_script(self) -> None:
        self.assertTrue(self.hit())
        # A script Redis does not know (as after a restart): EVALSHA answers NOSCRIPT, and the
        # script itself is sent (without flushing the shared server's scripts).
        unknown = ratelimit._EVALSHA.replace(ratelimit._INCR_EXPIRE_SHA.encode(), b"0" * 40)
        with mock.patch.object(ratelimit, "_EVALSHA", unknown):
            self.assertTrue(self.hit())
            self.assertFalse(self.hit())
        self.assertFalse(self.hit())
        self.assertEqual(self.counted(), 4)  # each attempt counted in Redis, none in the process

    def counted(self) -> int:
        return sum(int(self.client.get(name) or 0) for name in self.names)
