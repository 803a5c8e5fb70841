"""The generation-stamped cache every configuration read goes through."""

from __future__ import annotations

from unittest import mock

from django.core.cache import cache
from django.db import transaction
from django.test import TestCase

from desk.core.cache import generation_bump, generation_cached

GENERATION = "test:generation"


class GenerationCacheTests(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.builds = 0

    def read(self, value: object = "v1") -> object:
        def build() -> object:
            self.builds += 1
            return value

        return generation_cached(key="test:value", generation=GENERATION, build=build)

    def test_it_builds_once_until_the_generation_is_bumped(self) -> None:
        self.assertEqual(self.read(), "v1")
        self.assertEqual(self.read("ignored"), "v1")
        self.assertEqual(self.builds, 1)
        generation_bump(GENERATION)
        self.assertEqual(self.read("v2"), "v2")
        self.assertEqual(self.builds, 2)

    def test_it_hands_each_reader_its_own_copy(self) -> None:
        generation_cached(key="test:list", generation=GENERATION, build=lambda: [1])
        mine = generation_cached(key="test:list", generation=GENERATION, build=lambda: [9])
        mine.append(2)
        again = generation_cached(key="test:list", generation=GENERATION, build=lambda: [9])
        self.assertEqual(again, [1])

    def test_it_throws_away_what_was_built_before_a_write_committed(self) -> None:
        # Another request read the old rows while the write was still open.
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            generation_bump(GENERATION)
            self.read("old rows")
        self.assertEqual(self.read("new rows"), "new rows")

    def test_it_never_matches_a_value_stamped_before_the_generation_was_lost(self) -> None:
        self.read("before")
        cache.delete(GENERATION)  # evicted
        self.assertEqual(self.read("after"), "after")
        generation_bump(GENERATION)
        cache.delete(GENERATION)
        generation_bump(GENERATION)  # a bump of a lost generation seeds a fresh one
        self.assertEqual(self.read("later"), "later")

    def test_it_does_not_keep_a_missing_row(self) -> None:
        generation_cached(key="test:none", generation=GENERATION, build=lambda: None)
        found = generation_cached(key="test:none", generation=GENERATION, build=lambda: "made")
        self.assertEqual(found, "made")

    def test_a_shared_value_is_the_same_object_until_the_generation_is_bumped(self) -> None:
        def shared(value: object) -> object:
            return generation_cached(
                key="test:shared", generation=GENERATION, build=lambda: value, shared=True
            )

        first = shared(["v1"])
        self.assertIs(shared(["ignored"]), first)  # this process's copy, not unpickled again
        self.assertEqual(
            generation_cached(key="test:shared", generation=GENERATION, build=lambda: 0), first
        )
        generation_bump(GENERATION)  # a write, in this process or any other
        self.assertEqual(shared(["v2"]), ["v2"])

    def test_a_shared_value_is_not_trusted_while_the_generation_cannot_be_read(self) -> None:
        generation_cached(key="test:shared", generation=GENERATION, build=lambda: 1, shared=True)
        down = ConnectionError("Redis is down")
        with (
            mock.patch.object(cache, "get", side_effect=down),
            mock.patch.object(cache, "get_many", side_effect=down),
        ):
            found = generation_cached(
                key="test:shared", generation=GENERATION, build=lambda: 2, shared=True
            )
        self.assertEqual(found, 2)  # read from the database, as without a copy
