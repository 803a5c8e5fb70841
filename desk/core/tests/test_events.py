"""The domain-event registry: after commit, in order, isolated failures, and one table that
lists every subscriber in the code."""

from __future__ import annotations

import ast
import datetime
import inspect
from pathlib import Path
from typing import get_type_hints
from unittest import mock

from django.db import transaction
from django.test import TestCase, TransactionTestCase
from django.utils.module_loading import import_string
from huey.api import TaskWrapper

from desk.core import events, tasks
from desk.core.events import (
    SUBSCRIBERS,
    CalendarChanged,
    CalendarScope,
    Event,
    SubmissionCompleted,
    SubmissionRejected,
    Subscriber,
    announce,
)

DESK = Path(__file__).resolve().parents[2]
heard: list[tuple[str, Event]] = []


def hear_first(event: SubmissionCompleted) -> None:
    heard.append(("first", event))


def hear_second(event: SubmissionCompleted) -> None:
    heard.append(("second", event))


def hear_and_fail(event: SubmissionCompleted) -> None:
    raise RuntimeError("a subscriber's bug")


def completed(submission_id: int = 1) -> SubmissionCompleted:
    return SubmissionCompleted(submission_id=submission_id, agency_id=1, actor_id=None)


def table(*names: str, queued: bool = False) -> dict[type[Event], tuple[Subscriber, ...]]:
    return {
        SubmissionCompleted: tuple(
            Subscriber(f"{__name__}.{name}", queued=queued) for name in names
        )
    }


class AnnounceTests(TestCase):
    def setUp(self) -> None:
        heard.clear()

    def test_it_runs_nothing_until_the_transaction_commits(self) -> None:
        self.enterContext(mock.patch.dict(SUBSCRIBERS, table("hear_first")))
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            announce(completed())
            self.assertEqual(heard, [])
        self.assertEqual(heard, [("first", completed())])

    def test_it_runs_subscribers_in_table_order_and_events_in_announcing_order(self) -> None:
        self.enterContext(mock.patch.dict(SUBSCRIBERS, table("hear_second", "hear_first")))
        with self.captureOnCommitCallbacks(execute=True):
            announce(completed(1))
            announce(completed(2))
        self.assertEqual(
            heard,
            [
                ("second", completed(1)),
                ("first", completed(1)),
                ("second", completed(2)),
                ("first", completed(2)),
            ],
        )

    def test_it_runs_nothing_when_the_transaction_rolls_back(self) -> None:
        self.enterContext(mock.patch.dict(SUBSCRIBERS, table("hear_first", "hear_second")))
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            announce(completed())
            raise RuntimeError("the write failed")
        self.assertEqual(callbacks, [])
        self.assertEqual(heard, [])

    def test_it_logs_a_failing_subscriber_and_runs_the_others(self) -> None:
        names = ("hear_first", "hear_and_fail", "hear_second")
        self.enterContext(mock.patch.dict(SUBSCRIBERS, table(*names)))
        with (
            self.assertLogs("desk.core.events", "ERROR") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            announce(completed())
        self.assertEqual([name for name, _event in heard], ["first", "second"])
        self.assertIn(f"{__name__}.hear_and_fail failed", logs.output[0])
        self.assertIn("a subscriber's bug", logs.output[0])

    def test_it_refuses_an_event_that_is_not_listed(self) -> None:
        @events.dataclass(frozen=True)
        class Unlisted(Event):
            pass

        with self.assertRaisesMessage(LookupError, "Unlisted is not listed in SUBSCRIBERS"):
            announce(Unlisted())


class AnnounceAfterRealCommitTests(TransactionTestCase):
    def setUp(self) -> None:
        heard.clear()

    def test_it_runs_subscribers_after_a_real_commit_and_none_after_a_rollback(self) -> None:
        with mock.patch.dict(SUBSCRIBERS, table("hear_first")):
            with transaction.atomic():
                announce(completed(1))
                self.assertEqual(heard, [])
            with self.assertRaises(RuntimeError), transaction.atomic():
                announce(completed(2))
                raise RuntimeError("the write failed")
            announce(completed(3))  # no transaction: at once
        self.assertEqual(heard, [("first", completed(1)), ("first", completed(3))])


class QueuedSubscriberTests(TestCase):
    """Queued subscribers run in one job after commit (tests run jobs inline: desk.test)."""

    def setUp(self) -> None:
        heard.clear()

    def test_it_queues_one_job_after_commit_that_runs_them_in_order(self) -> None:
        self.enterContext(
            mock.patch.dict(SUBSCRIBERS, table("hear_second", "hear_first", queued=True))
        )
        job = self.enterContext(
            mock.patch.object(tasks, "events_deliver", wraps=tasks.events_deliver)
        )
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            announce(completed())
            self.assertEqual(heard, [])
        job.assert_called_once_with(
            (f"{__name__}.hear_second", f"{__name__}.hear_first"), completed()
        )
        self.assertEqual([name for name, _event in heard], ["second", "first"])

    def test_it_retries_a_failing_subscriber_alone_later_then_gives_up(self) -> None:
        names = ("hear_first", "hear_and_fail", "hear_second")
        self.enterContext(mock.patch.dict(SUBSCRIBERS, table(*names, queued=True)))
        schedule = self.enterContext(mock.patch.object(tasks.events_deliver, "schedule"))
        with (
            self.assertLogs("desk.core.events", "ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            announce(completed())
        self.assertEqual([name for name, _event in heard], ["first", "second"])
        failing = (f"{__name__}.hear_and_fail",)
        schedule.assert_called_once_with(
            (failing, completed(), 1), delay=events.QUEUED_RETRY_DELAYS[0]
        )
        schedule.reset_mock()
        last = len(events.QUEUED_RETRY_DELAYS)
        with self.assertLogs("desk.core", "ERROR") as logs:
            tasks.events_deliver.call_local(failing, completed(), last)
        schedule.assert_not_called()
        self.assertIn("gave up on", logs.output[-1])

    def test_it_runs_them_in_the_request_when_the_queue_is_down(self) -> None:
        self.enterContext(mock.patch.dict(SUBSCRIBERS, table("hear_first", queued=True)))
        self.enterContext(
            mock.patch.object(tasks, "events_deliver", side_effect=ConnectionError("down"))
        )
        with (
            self.assertLogs("desk.core.events", "ERROR") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            announce(completed())
        self.assertEqual(heard, [("first", completed())])
        self.assertIn("could not queue", logs.output[0])

    def test_the_fee_of_a_new_request_is_billed_before_the_worker_runs(self) -> None:
        # The receipt's next step is «pay online»: its page must find the charge at once, so
        # the payments subscriber of SubmissionSubmitted runs in the request, not in the job.
        from desk.core.events import SubmissionSubmitted

        billed: list[SubmissionSubmitted] = []
        self.enterContext(
            mock.patch("desk.payments.services.on_submission_submitted", side_effect=billed.append)
        )
        self.enterContext(mock.patch.object(tasks, "events_deliver"))  # the worker is late
        event = SubmissionSubmitted(submission_id=1, agency_id=1, actor_id=None)
        with self.captureOnCommitCallbacks(execute=True):
            announce(event)
        self.assertEqual(billed, [event])


class CalendarChangedTests(TestCase):
    def test_it_refuses_a_place_that_does_not_match_its_scope(self) -> None:
        day = datetime.date(2026, 1, 10)
        for kwargs in (
            {"scope": CalendarScope.NATIONAL, "agency_id": 3},
            {"scope": CalendarScope.PROVINCE},
            {"scope": CalendarScope.AGENCY, "province": "تهران"},
        ):
            with self.subTest(**kwargs), self.assertRaises(ValueError):
                CalendarChanged(start=day, end=day, **kwargs)
        with self.assertRaises(ValueError):
            CalendarChanged(
                scope=CalendarScope.NATIONAL, start=day, end=day - datetime.timedelta(days=1)
            )


def _event_names() -> set[str]:
    return {
        name
        for name, value in vars(events).items()
        if inspect.isclass(value) and issubclass(value, Event)
    }


def _functions_taking_events() -> set[str]:
    """Every function in desk (tests aside) whose first positional parameter is annotated with
    an event type: a subscriber, listed or not. (Helpers take events keyword-only.)"""
    names = _event_names() - {"Event", "SubmissionEvent"}  # concrete events only
    found = set()
    for path in DESK.rglob("*.py"):
        relative = path.relative_to(DESK.parent)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        module = ".".join(relative.with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or not node.args.args:
                continue
            annotation = node.args.args[0].annotation
            if annotation is not None and ast.unparse(annotation) in names:
                found.add(f"{module}.{node.name}")
    return found


class RegistryTests(TestCase):
    def test_it_lists_every_event_type(self) -> None:
        listed = {event_type.__name__ for event_type in SUBSCRIBERS}
        self.assertEqual(listed, _event_names() - {"Event", "SubmissionEvent"})

    def test_it_lists_every_function_in_the_code_that_takes_an_event(self) -> None:
        listed = {s.path for subscribers in SUBSCRIBERS.values() for s in subscribers}
        self.assertEqual(_functions_taking_events(), listed)

    def test_each_subscriber_takes_its_event_and_jobs_are_huey_tasks(self) -> None:
        for event_type, subscribers in SUBSCRIBERS.items():
            for subscriber in subscribers:
                with self.subTest(subscriber.path):
                    function = import_string(subscriber.path)
                    self.assertEqual(isinstance(function, TaskWrapper), subscriber.job)
                    plain = function.func if isinstance(function, TaskWrapper) else function
                    hints = get_type_hints(plain)
                    first = next(iter(inspect.signature(plain).parameters))
                    self.assertIs(hints[first], event_type)

    def test_request_events_name_the_request_and_the_actor(self) -> None:
        event = SubmissionRejected(submission_id=7, agency_id=2, actor_id=5, message="ناقص")
        self.assertEqual((event.submission_id, event.agency_id, event.actor_id), (7, 2, 5))
