"""Domain events: what happened, announced after commit, and every subscriber to each.

A lower layer that must make a higher one act does not import it. It announces an event —
``announce(SubmissionCompleted(...))`` — and the apps above it are listed as its subscribers in
``SUBSCRIBERS`` below, by dotted path. That table is the one place that says who reacts to what:
a reader finds every subscriber from the event's definition, and a test fails when a function
that takes an event is not listed (``desk/core/tests/test_events.py``).

- Subscribers run after the announcing transaction commits (``transaction.on_commit``), in the
  order of the table, events in the order they were announced; a rolled-back transaction runs
  none of them.
- A subscriber that fails is logged and does not stop the others.
- Heavy work (a PDF, thousands of rows) is a Huey task listed with ``job=True``: calling it
  queues it, so the announcing request returns at once.
- A subscriber listed with ``queued=True`` is a plain function run by a worker, not in the
  announcing request: after commit, every queued subscriber of the event goes into one Huey job
  (``desk.core.tasks.events_deliver``), which runs them in the table's order; one that fails is
  logged and retried alone (``QUEUED_RETRY_DELAYS``), so a queued subscriber must be idempotent
  (its work in one transaction, and a second run a no-op). When the queue cannot be reached,
  they run in the request as before: late is better than lost. Only what the citizen's very
  next page does not need may be queued.
- Events carry ids and values, never model instances: they are pickled into jobs.

Not Django signals: nothing is connected at import time, and nothing runs inside the
announcing transaction.
"""

from __future__ import annotations

import datetime
import enum
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """The base of every domain event."""


# --- requests (announced by desk.submissions.services) -------------------------------------------


@dataclass(frozen=True)
class SubmissionEvent(Event):
    submission_id: int
    agency_id: int
    # Who did it; None for the system (a job).
    actor_id: int | None


@dataclass(frozen=True)
class SubmissionSubmitted(SubmissionEvent):
    """A citizen filed a request (web, clerk, or any future channel)."""


@dataclass(frozen=True)
class SubmissionAwaitingPayment(SubmissionEvent):
    """A citizen filed a request for a service paid at application: it waits for the fee,
    out of the agency's inbox and off the clock, until PaymentSettled releases it (when it is
    announced as SubmissionSubmitted)."""


@dataclass(frozen=True)
class SubmissionMoved(SubmissionEvent):
    """A request moved to another working step (or to the citizen and back) without ending."""

    from_step_id: int | None
    to_step_id: int


@dataclass(frozen=True)
class SubmissionCompleted(SubmissionEvent):
    """A request reached a completed end: ``message`` is the decision written to the citizen."""

    message: str = ""


@dataclass(frozen=True)
class SubmissionRejected(SubmissionEvent):
    """A request reached a rejected end: ``message`` is the reason given to the citizen."""

    message: str = ""


@dataclass(frozen=True)
class SubmissionReopened(SubmissionEvent):
    """A rejected request was opened again (an objection upheld) at ``to_step_id``, given to
    ``assignee_id``, who is never the person who rejected it."""

    to_step_id: int
    assignee_id: int
    reason: str = ""


# --- payments (announced by desk.payments.services) ----------------------------------------------


@dataclass(frozen=True)
class PaymentSettled(Event):
    """A charge of a request was paid: verified with the gateway and settled, once."""

    submission_id: int
    agency_id: int
    charge_id: int
    # The payment step it was billed at; None for a fee paid at application.
    step_id: int | None


# --- inquiries (announced by desk.inquiries) ----------------------------------------------------


@dataclass(frozen=True)
class InquiryReceived(Event):
    """An agency of this installation was asked an inquiry: by another of its agencies
    (``submission_id`` is the asking request) or by another installation (None)."""

    inquiry_id: int
    agency_id: int  # the asked agency


@dataclass(frozen=True)
class InquiryAnswered(Event):
    """An inquiry this installation's agency asked was answered, or declined (``answered``
    False), by the asked agency or installation."""

    inquiry_id: int
    agency_id: int  # the asking agency
    submission_id: int
    answered: bool


# --- complaints (announced by desk.complaints.services) ------------------------------------------


@dataclass(frozen=True)
class ComplaintFiled(Event):
    """A complaint, objection or anonymous report was filed with an agency."""

    complaint_id: int
    agency_id: int


# --- the working calendar (announced by desk.calendars.services) ---------------------------------


class CalendarScope(enum.StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    AGENCY = "agency"


@dataclass(frozen=True)
class CalendarChanged(Event):
    """Days became working days or days off: a closure added or removed, a holiday corrected,
    a weekly rule saved or deleted. Every day from ``start`` to ``end`` (both included; no
    ``end``: onward) may have changed, for the whole country, one province (its Persian name,
    as ``calendars.models.Province`` holds it) or one agency."""

    scope: CalendarScope
    start: datetime.date
    end: datetime.date | None
    province: str = ""
    agency_id: int | None = None

    def __post_init__(self) -> None:
        place = {
            CalendarScope.NATIONAL: not self.province and self.agency_id is None,
            CalendarScope.PROVINCE: bool(self.province) and self.agency_id is None,
            CalendarScope.AGENCY: not self.province and self.agency_id is not None,
        }
        if not place[CalendarScope(self.scope)]:
            raise ValueError(f"inconsistent calendar change: {self!r}")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"calendar change ends before it starts: {self!r}")


# --- people (announced by desk.accounts.identity) ------------------------------------------------


@dataclass(frozen=True)
class CitizenIdentityChanged(Event):
    """Shahkar's word on a citizen's account changed: ``held`` while it is unconfirmed (Shahkar
    did not answer) or refuted (the account was flagged); released once it confirms."""

    user_id: int
    held: bool


# --- who subscribes to what ----------------------------------------------------------------------


@dataclass(frozen=True)
class Subscriber:
    path: str  # the dotted path of a function that takes the event
    job: bool = False  # a Huey task: calling it queues the work for a worker
    # A plain, idempotent function run by a worker after commit (see the module's docstring).
    queued: bool = False


# Seconds before the 1st, 2nd… retry of a queued subscriber that failed; then it is given up
# (logged): a subscriber that fails for a day has a bug, not an outage.
QUEUED_RETRY_DELAYS = (60, 600, 3600, 6 * 3600, 18 * 3600)


SUBSCRIBERS: dict[type[Event], tuple[Subscriber, ...]] = {
    SubmissionSubmitted: (
        # A workflow that starts with a payment step bills the request (and texts the amount).
        # Not queued: the receipt's next step is «pay online», whose page must find the charge.
        Subscriber("desk.payments.services.on_submission_submitted"),
        # Queued: the citizen's next page needs neither (an inquiry, a webhook row appear on
        # the request's pages seconds later), and filing is the citizen's wait.
        # A workflow that starts with an inquiry sends it.
        Subscriber("desk.inquiries.services.on_submission_submitted", queued=True),
        # Agencies' systems subscribed to it are told (desk/integrations webhooks, outbox).
        Subscriber("desk.integrations.webhooks.on_submission_submitted", queued=True),
    ),
    SubmissionAwaitingPayment: (
        # The fee paid at application is billed (released at once if there is nothing to pay).
        Subscriber("desk.payments.services.on_submission_awaiting_payment"),
    ),
    SubmissionMoved: (
        # A request that reaches a payment step is billed (and the citizen texted the amount).
        Subscriber("desk.payments.services.on_submission_moved"),
        # Entering an inquiry step sends its inquiries; leaving one withdraws the open ones.
        Subscriber("desk.inquiries.services.on_submission_moved"),
        # Agencies' systems subscribed to it are told (desk/integrations webhooks, outbox).
        Subscriber("desk.integrations.webhooks.on_submission_moved"),
    ),
    SubmissionCompleted: (
        # The verifiable result PDF, whatever path completed the request.
        Subscriber("desk.delivery.tasks.result_document_issue", job=True),
        # The citizen is invited to the satisfaction survey (SMS and the request page).
        Subscriber("desk.surveys.services.on_submission_completed"),
        # Open inquiries of a finished request are withdrawn (their grants end).
        Subscriber("desk.inquiries.services.on_submission_completed"),
        # Agencies' systems subscribed to it are told (desk/integrations webhooks, outbox).
        Subscriber("desk.integrations.webhooks.on_submission_completed"),
    ),
    SubmissionRejected: (
        # Rejected requests are surveyed too: a refusal is a service the citizen rates.
        Subscriber("desk.surveys.services.on_submission_rejected"),
        # Open inquiries of a finished request are withdrawn (their grants end).
        Subscriber("desk.inquiries.services.on_submission_rejected"),
        # Agencies' systems subscribed to it are told (desk/integrations webhooks, outbox).
        Subscriber("desk.integrations.webhooks.on_submission_rejected"),
    ),
    CitizenIdentityChanged: (
        # The citizen's open requests are held, or released, with their account.
        Subscriber("desk.submissions.verification.submissions_hold_for_identity"),
    ),
    SubmissionReopened: (),
    InquiryReceived: (
        # Agencies' systems subscribed to it are told (desk/integrations webhooks, outbox).
        Subscriber("desk.integrations.webhooks.on_inquiry_received"),
    ),
    InquiryAnswered: (
        # Agencies' systems subscribed to it are told (desk/integrations webhooks, outbox).
        Subscriber("desk.integrations.webhooks.on_inquiry_answered"),
    ),
    ComplaintFiled: (
        # Agencies' systems subscribed to it are told (desk/integrations webhooks, outbox).
        Subscriber("desk.integrations.webhooks.on_complaint_filed"),
    ),
    PaymentSettled: (
        # A request held for its fee goes to the agency's inbox; its clock starts that day.
        Subscriber("desk.submissions.services.on_payment_settled"),
        # Agencies' systems subscribed to it are told (desk/integrations webhooks, outbox).
        Subscriber("desk.integrations.webhooks.on_payment_settled"),
    ),
    CalendarChanged: (
        # Deadlines of running requests, in chunks (there may be a million).
        Subscriber("desk.submissions.tasks.deadlines_recompute_on_calendar_change", job=True),
        # Booked appointments on days now closed: moved within 3 working days, or offered.
        Subscriber("desk.appointments.tasks.appointments_off_closed_days", job=True),
        # Open letters' deadlines (desk/letters), from their registration day.
        Subscriber("desk.letters.tasks.letters_deadlines_on_calendar_change", job=True),
    ),
}


def subscribers_of(event_type: type[Event]) -> tuple[Subscriber, ...]:
    """The subscribers of an event type, in the order they run. An event missing from the
    table is a programming error, not an event nobody hears."""
    try:
        return SUBSCRIBERS[event_type]
    except KeyError:
        raise LookupError(f"{event_type.__name__} is not listed in SUBSCRIBERS") from None


def announce(event: Event) -> None:
    """Run every subscriber of ``event`` once the current transaction commits (at once when
    there is none); the queued ones in one job for a worker."""
    queued: list[str] = []
    for subscriber in subscribers_of(type(event)):
        if subscriber.queued:
            queued.append(subscriber.path)
        else:
            transaction.on_commit(functools.partial(_run, subscriber.path, event))
    if queued:
        transaction.on_commit(functools.partial(_queue, tuple(queued), event))


def _run(path: str, event: Event) -> bool:
    """Run one subscriber; False (logged, not raised) when it failed: one subscriber's failure
    must not cost the others their turn."""
    try:
        function: Callable[[Any], object] = import_string(path)
        function(event)
    except Exception:
        logger.exception("subscriber %s failed on %r", path, event)
        return False
    return True


def _queue(paths: tuple[str, ...], event: Event) -> None:
    from desk.core.tasks import events_deliver  # the tasks module imports this one

    try:
        events_deliver(paths, event)
    except Exception:
        # The queue is down (Redis, the queue's SQLite file): run them here, late not lost.
        logger.exception("could not queue %s for %r; running them now", paths, event)
        run_queued(paths, event)


def run_queued(paths: tuple[str, ...], event: Event) -> tuple[str, ...]:
    """Run queued subscribers in order (a worker, desk.core.tasks.events_deliver); the ones
    that failed, to be retried."""
    return tuple(path for path in paths if not _run(path, event))
