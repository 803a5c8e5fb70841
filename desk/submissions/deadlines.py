"""Deadlines of requests and of their current step, in working days of the agency's calendar.

What is stored (`due_on`, `step_due_on`) is a cache of these functions, refreshed on every
transition and, when the calendar changes, by a job that recomputes the running requests in
chunks (``recompute_run``); "overdue" and "days left" are computed on read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from desk.agencies.models import Agency
from desk.calendars.selectors import (
    agency_ids_in_scope,
    calendar_for_agency,
    calendars_for_agencies,
)
from desk.core.events import CalendarChanged
from desk.lib.jalali import TEHRAN, today_tehran
from desk.lib.workdays import DeadlineExplanation, WorkCalendar
from desk.submissions.models import OPEN_STATUSES, DeadlineRecompute, Submission


def tehran_date(moment: datetime) -> date:
    """The Tehran calendar date of an aware datetime."""
    return timezone.localtime(moment, TEHRAN).date()


def request_due(submission: Submission, calendar: WorkCalendar) -> date:
    days = submission.service.duration_working_days + submission.paused_days
    return calendar.add_working_days(tehran_date(submission.submitted_at), days)


def step_due(submission: Submission, calendar: WorkCalendar) -> date | None:
    step = submission.current_step
    if step is None or step.is_end or submission.step_started_at is None:
        return None
    return calendar.add_working_days(tehran_date(submission.step_started_at), step.duration_days)


def explain_request_due(submission: Submission) -> DeadlineExplanation:
    calendar = calendar_for_agency(submission.agency)
    days = submission.service.duration_working_days + submission.paused_days
    return calendar.explain(tehran_date(submission.submitted_at), days)


def refresh(submission: Submission, calendar: WorkCalendar | None = None) -> None:
    """Recompute the cached deadlines of one request in memory (the caller saves)."""
    calendar = calendar or calendar_for_agency(submission.agency)
    submission.due_on = request_due(submission, calendar)
    submission.step_due_on = step_due(submission, calendar)


def clock_stop(submission: Submission) -> None:
    submission.paused_at = timezone.now()


def clock_restart(submission: Submission, calendar: WorkCalendar) -> None:
    """Add the working days spent waiting for the citizen to the request's allowance."""
    if submission.paused_at is None:
        return
    waited = calendar.working_days_between(tehran_date(submission.paused_at), today_tehran())
    submission.paused_days += max(0, waited)
    submission.paused_at = None


# Requests read, recomputed and written per transaction: bounds the memory of a recompute
# whatever the number of running requests, and how long their rows stay locked.
RECOMPUTE_CHUNK = 1000
# A recompute whose job has written nothing for this long is taken over by the periodic resume.
RECOMPUTE_STALE = timedelta(minutes=10)

_RECOMPUTE_FIELDS = (
    "pk",
    "agency_id",
    "submitted_at",
    "paused_days",
    "step_started_at",
    "due_on",
    "step_due_on",
    "service__duration_working_days",
    "current_step__kind",
    "current_step__duration_days",
)


def recompute_start(*, change: CalendarChanged) -> DeadlineRecompute:
    """Record a recompute for a calendar change (the job then runs it: ``recompute_run``)."""
    return DeadlineRecompute.objects.create(
        scope=change.scope,
        province=change.province,
        agency_id=change.agency_id,
        starts_on=change.start,
        ends_on=change.end,
    )


def _touched(run: DeadlineRecompute, agency_ids: list[int] | None) -> QuerySet[Submission]:
    """The running requests whose deadlines the change may move: of the agencies in its
    place, filed before its last day, with a deadline on or after its first day (a deadline
    that falls before the changed days cannot count them)."""
    qs = Submission.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(due_on__gte=run.starts_on) | Q(step_due_on__gte=run.starts_on)
    )
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    if run.ends_on is not None:
        after = datetime.combine(run.ends_on + timedelta(days=1), time(), tzinfo=TEHRAN)
        qs = qs.filter(submitted_at__lt=after)
    return qs


@dataclass(frozen=True)
class _Place:
    """The agencies a recompute covers (``None``: all) and their calendars, read once a run."""

    agency_ids: list[int] | None
    calendars: dict[int, WorkCalendar]


def _place(run: DeadlineRecompute) -> _Place:
    agency_ids = agency_ids_in_scope(
        scope=run.scope, province=run.province, agency_id=run.agency_id
    )
    agencies = Agency.objects.only("pk", "province")
    if agency_ids is not None:
        agencies = agencies.filter(pk__in=agency_ids)
    return _Place(agency_ids, calendars_for_agencies(agencies))


def recompute_chunk(run: DeadlineRecompute, place: _Place, *, size: int = RECOMPUTE_CHUNK) -> int:
    """Recompute the next ``size`` requests after ``run.last_pk`` and record the progress in
    the same transaction; returns how many requests were read (fewer than ``size``: the run
    is over).

    The rows are locked while they are recomputed: a transition committed meanwhile would
    otherwise be overwritten with deadlines of the step it left."""
    with transaction.atomic():
        rows = list(
            _touched(run, place.agency_ids)
            .filter(pk__gt=run.last_pk)
            .select_related("service", "current_step")
            .only(*_RECOMPUTE_FIELDS)
            .select_for_update(of=("self",))
            .order_by("pk")[:size]
        )
        # One UPDATE per distinct pair of new deadlines: requests filed on the same day share
        # them, so a chunk takes a few dozen short statements (bulk_update's CASE over a
        # thousand rows costs more to compile than to run).
        changed: dict[tuple[date, date | None], list[int]] = defaultdict(list)
        for submission in rows:
            before = (submission.due_on, submission.step_due_on)
            refresh(submission, place.calendars.get(submission.agency_id) or WorkCalendar())
            if (submission.due_on, submission.step_due_on) != before:
                changed[(submission.due_on, submission.step_due_on)].append(submission.pk)
        for (due_on, step_due_on), pks in changed.items():
            Submission.objects.filter(pk__in=pks).update(due_on=due_on, step_due_on=step_due_on)
        now = timezone.now()
        if rows:
            run.last_pk = rows[-1].pk
        if len(rows) < size:
            run.finished_at = now
        run.examined += len(rows)
        run.changed += sum(len(pks) for pks in changed.values())
        run.updated_at = now
        run.save(update_fields=["last_pk", "examined", "changed", "updated_at", "finished_at"])
    return len(rows)


def recompute_run(run: DeadlineRecompute, *, size: int = RECOMPUTE_CHUNK) -> DeadlineRecompute:
    """Recompute every touched request, a chunk at a time, from where the run stands. Safe to
    run again or twice at once: a deadline is a function of the request and the calendar."""
    place = _place(run)
    while run.finished_at is None:
        recompute_chunk(run, place, size=size)
    return run


def recompute_resume(*, now: datetime | None = None) -> int:
    """Take over the recomputes whose job died (nothing written for ``RECOMPUTE_STALE``)."""
    stale = (now or timezone.now()) - RECOMPUTE_STALE
    runs = DeadlineRecompute.objects.filter(finished_at__isnull=True, updated_at__lt=stale)
    count = 0
    for run in runs.order_by("pk"):
        recompute_run(run)
        count += 1
    return count
