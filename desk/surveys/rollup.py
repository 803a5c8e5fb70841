"""The daily rollup of survey results (``ResultDay``, ``QuestionDay``), which the results page
reads instead of scanning every response.

A day's rows are rebuilt whole from the invitations, responses and answers of the requests
that ended that day (Tehran time): delete, then insert the GROUP BY, in one transaction per
batch of days. Running twice gives the same rows (idempotent); ``survey_rollup(days=...)``
back-fills any days (``manage.py surveys_rollup --all``). Without ``days`` a run rebuilds the
days touched since the previous run started: days with new invitations, and the days of the
requests whose response was given or changed since (a response may come up to 30 days after
the request ended, and be changed for 7 more).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Aggregate, Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from desk.lib.jalali import TEHRAN
from desk.surveys.models import (
    AXES,
    Answer,
    Invitation,
    QuestionDay,
    QuestionKind,
    Response,
    ResultDay,
    RollupRun,
)

_BATCH_DAYS = 31
_KEY = ["day", "year", "month", "agency_id", "service_id", "province"]


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=TEHRAN)


def _between(days: list[datetime.date]) -> tuple[datetime.datetime, datetime.datetime]:
    return _midnight(min(days)), _midnight(max(days) + datetime.timedelta(days=1))


def touched_days(since: datetime.datetime | None) -> set[datetime.date]:
    """The days whose rows are stale: every day with an invitation (no run yet), or the days
    of invitations made, and of responses given or changed, since ``since``."""
    invitations = Invitation.objects.all()
    if since is None:
        return set(_days(invitations, "created_at"))
    days = set(_days(invitations.filter(created_at__gte=since), "created_at"))
    answered = Response.objects.filter(Q(submitted_at__gte=since) | Q(changed_at__gte=since))
    days |= set(_days(answered, "invitation__created_at"))
    return days


def _days(rows: QuerySet, column: str) -> Iterable[datetime.date]:
    return (
        rows.annotate(rollup_day=TruncDate(column, tzinfo=TEHRAN))
        .values_list("rollup_day", flat=True)
        .distinct()
        .order_by()
    )


def _result_rows(days: list[datetime.date]) -> list[ResultDay]:
    start, end = _between(days)
    measures: dict[str, Aggregate] = {
        "invited": Count("pk"),
        "responses": Count("response"),
        "flag_answered": Count("response__red_flag"),
        "flag_count": Count("pk", filter=Q(response__red_flag=True)),
    }
    for axis in AXES:
        measures[f"{axis}_sum"] = Sum(f"response__{axis}")
        measures[f"{axis}_n"] = Count(f"response__{axis}")
    grouped = (
        Invitation.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=TEHRAN))
        .filter(day__in=days)
        .values(*_KEY)
        .annotate(**measures)
        .order_by()
    )
    return [
        ResultDay(**{k: (v if v is not None else 0) for k, v in row.items()}) for row in grouped
    ]


def _question_rows(days: list[datetime.date]) -> list[QuestionDay]:
    start, end = _between(days)
    created = "response__invitation__created_at"
    measures = {
        "answered": Count("score"),
        "score_sum": Sum("score"),
        "not_applicable": Count("pk", filter=Q(score__isnull=True)),
        **{f"score_{n}": Count("pk", filter=Q(score=n)) for n in range(1, 6)},
    }
    grouped = (
        Answer.objects.filter(**{f"{created}__gte": start, f"{created}__lt": end})
        .filter(question__kind=QuestionKind.SCALE)
        .annotate(
            day=TruncDate(created, tzinfo=TEHRAN),
            year=F("response__year"),
            month=F("response__month"),
            agency_id=F("response__agency_id"),
            service_id=F("response__service_id"),
            province=F("response__province"),
        )
        .filter(day__in=days)
        .values(*_KEY, "question_id")
        .annotate(**measures)
        .order_by()
    )
    return [
        QuestionDay(**{k: (v if v is not None else 0) for k, v in row.items()}) for row in grouped
    ]


@transaction.atomic
def _rebuild(days: list[datetime.date]) -> None:
    ResultDay.objects.filter(day__in=days).delete()
    QuestionDay.objects.filter(day__in=days).delete()
    ResultDay.objects.bulk_create(_result_rows(days), batch_size=2000)
    QuestionDay.objects.bulk_create(_question_rows(days), batch_size=2000)


def survey_rollup(
    *, days: Iterable[datetime.date] | None = None, now: datetime.datetime | None = None
) -> RollupRun:
    """Rebuild the rollup rows of ``days`` (None: the days touched since the last run) and
    record the run. Each batch of days commits on its own: a long back-fill does not hold one
    transaction, and a batch that fails leaves the others done."""
    started = now or timezone.now()
    if days is None:
        last = RollupRun.objects.order_by("-started_at").first()
        days = touched_days(last.started_at if last else None)
    todo = sorted(set(days))
    for i in range(0, len(todo), _BATCH_DAYS):
        _rebuild(todo[i : i + _BATCH_DAYS])
    return RollupRun.objects.create(started_at=started, finished_at=timezone.now(), days=len(todo))


def all_days() -> list[datetime.date]:
    """Every day with an invitation: what ``surveys_rollup --all`` back-fills."""
    return sorted(_days(Invitation.objects.all(), "created_at"))
