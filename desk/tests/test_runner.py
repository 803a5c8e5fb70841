"""The test runner keeps the tests tagged `serial` out of the parallel workers (desk/test.py)."""

from __future__ import annotations

import unittest
from collections.abc import Iterable, Iterator
from typing import Any

from django.test import SimpleTestCase

from desk.test import Runner, SerialLastSuite, is_serial

CHAIN = "desk.audit.tests.test_chain"
# Every test that releases threads, each with its own database connection, at once.
ONLY_SERIAL = [
    "desk.api.tests.test_idempotency.ConcurrentDuplicatesTest",
    "desk.appointments.tests.test_concurrency.ConcurrentBookingTests",
    "desk.appointments.tests.test_concurrency.ConcurrentDoubleBookingTests",
    "desk.audit.tests.test_chain.ConcurrentAppendTest",
    "desk.letters.tests.test_numbering.ConcurrentNumberingTests",
    "desk.notifications.tests.test_reliability.ConcurrentWorkersTests",
]


def iter_test_cases(tests: Iterable[Any]) -> Iterator[unittest.TestCase]:
    for test in tests:
        if isinstance(test, unittest.TestCase):
            yield test
        else:
            yield from iter_test_cases(test)


def names(tests: Iterable[Any]) -> list[str]:
    return [test.id() for test in iter_test_cases(tests)]


class SerialTagTests(SimpleTestCase):
    def test_the_parallel_workers_never_get_a_serial_test_and_it_runs_after_them(self) -> None:
        runner = Runner(parallel=2, verbosity=0)
        suite = runner.build_suite([CHAIN])
        self.assertIsInstance(suite, SerialLastSuite)
        assert isinstance(suite, SerialLastSuite)
        in_workers = names(suite.subsuites)
        self.assertTrue(in_workers)
        self.assertFalse([name for name in in_workers if "Concurrent" in name], in_workers)
        self.assertEqual(
            names(suite.serial),
            [
                f"{CHAIN}.ConcurrentAppendTest.test_it_keeps_one_gapless_chain_under_concurrent_writers"
            ],
        )
        self.assertTrue(all(is_serial(test) for test in suite.serial))
        # Every test is still counted once (the databases they need are set up from this list).
        self.assertEqual(len(names(suite)), len(names(Runner(verbosity=0).build_suite([CHAIN]))))

    def test_only_serial_tests_need_no_worker_and_no_database_clone(self) -> None:
        runner = Runner(parallel=2, verbosity=0)
        suite = runner.build_suite(ONLY_SERIAL)
        self.assertNotIsInstance(suite, SerialLastSuite)
        self.assertEqual(runner.parallel, 1)
        self.assertEqual(names(suite), names(Runner(verbosity=0).build_suite(ONLY_SERIAL)))

    def test_the_concurrency_tests_are_tagged(self) -> None:
        tests = list(iter_test_cases(Runner(verbosity=0).build_suite(ONLY_SERIAL)))
        self.assertGreaterEqual(len(tests), len(ONLY_SERIAL))
        self.assertTrue(all(is_serial(test) for test in tests))
