"""Deadlines of requests and of their current step, in working days of the agency's calendar.

What is stored (`due_on`, `step_due_on`) is a cache of these functions, refreshed on every
transition and whenever the calendar changes; "overdue" and "days left" are computed on read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from desk.accounts.models import User
from desk.calendars.models import Closure, HolidayOverride
from desk.calendars.selectors import (
    agency_ids_closed_by,
    calendar_for_agency,
    calendars_for_agencies,
)
from desk.calendars.services import (
    closure_create,
    closure_delete,
    holiday_override_delete,
    holiday_override_set,
)
from desk.lib.jalali import TEHRAN, today_tehran
from desk.lib.workdays import DeadlineExplanation, WorkCalendar
from desk.submissions.models import OPEN_STATUSES, Submission


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


@transaction.atomic
def deadlines_recompute(*, agency_ids: list[int] | None = None) -> int:
    """Recompute the deadlines of every running request (after a closure is added or removed).

    Returns how many requests changed.
    """
    qs = Submission.objects.filter(status__in=OPEN_STATUSES).select_related(
        "service", "agency", "current_step"
    )
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    submissions = list(qs)
    calendars = calendars_for_agencies({s.agency for s in submissions})
    changed = []
    for submission in submissions:
        before = (submission.due_on, submission.step_due_on)
        refresh(submission, calendars.get(submission.agency_id) or WorkCalendar())
        if (submission.due_on, submission.step_due_on) != before:
            changed.append(submission)
    Submission.objects.bulk_update(changed, ["due_on", "step_due_on"], batch_size=500)
    return len(changed)


@transaction.atomic
def closure_add(*, created_by: User, **fields: Any) -> Closure:
    """Add an ad-hoc closure (pollution, heat, energy…) and move the deadlines of every running
    request it touches, in the same transaction."""
    closure = closure_create(created_by=created_by, **fields)
    deadlines_recompute(agency_ids=agency_ids_closed_by(closure))
    return closure


@transaction.atomic
def closure_remove(*, closure: Closure, deleted_by: User) -> None:
    agency_ids = agency_ids_closed_by(closure)
    closure_delete(closure=closure, deleted_by=deleted_by)
    deadlines_recompute(agency_ids=agency_ids)


@transaction.atomic
def holiday_correct(
    *, date: date, name: str, is_day_off: bool = True, created_by: User
) -> HolidayOverride:
    """Correct the national holidays (add a decreed one, cancel a misplaced lunar one) and move
    the deadlines of every running request: official holidays are every agency's."""
    override = holiday_override_set(
        date=date, name=name, is_day_off=is_day_off, created_by=created_by
    )
    deadlines_recompute(agency_ids=None)
    return override


@transaction.atomic
def holiday_correction_remove(*, override: HolidayOverride, deleted_by: User) -> None:
    holiday_override_delete(override=override, deleted_by=deleted_by)
    deadlines_recompute(agency_ids=None)
