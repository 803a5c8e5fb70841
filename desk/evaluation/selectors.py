"""Reads of the evaluation, each scoped through the access policy; and the rankings."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from desk.agencies import access
from desk.evaluation import scoring
from desk.evaluation.models import SCORED, Answer, Assessment, Cycle, Evidence, State


def cycles_for_evaluator(user: object) -> list[Cycle]:
    """The cycles an evaluator sees, with counts of their assessments in the evaluator's
    scope by state (``counts``); empty for everyone else."""
    scope = access.evaluation_scope(user)
    if scope is None:
        return []
    cycles = Cycle.objects.all()
    if scope.province is not None:
        cycles = cycles.filter(province__in=["", scope.province])
    in_scope = scope.rows("assessments__agency")
    cycles = cycles.annotate(
        agencies=Count("assessments", filter=in_scope),
        waiting=Count(
            "assessments",
            filter=in_scope & Q(assessments__state__in=[State.SUBMITTED, State.OBJECTED]),
        ),
        scored=Count("assessments", filter=in_scope & Q(assessments__state__in=SCORED)),
    ).select_related("template")
    return list(cycles)


def get_cycle_for_evaluator(user: object, cycle_id: int) -> Cycle:
    cycle = Cycle.objects.select_related("template").filter(pk=cycle_id).first()
    if cycle is None or not access.may_see_cycle(user, province=cycle.province):
        raise Http404
    return cycle


def assessments_in_cycle(user: object, cycle: Cycle) -> QuerySet[Assessment]:
    """The cycle's assessments the evaluator's scope covers, waiting ones first."""
    return (
        Assessment.objects.filter(access.assessments_visible_to(user), cycle=cycle)
        .select_related("agency")
        .order_by("agency__province", "agency__name")
    )


def assessments_of_agency(user: object) -> QuerySet[Assessment]:
    """The agency side's own assessments (its admin and managers), newest cycle first."""
    staff = access.staff_for_user(user)
    if staff is None or access.evaluation_scope(user) is not None:
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(access.assessments_visible_to(user))
        .select_related("cycle", "agency")
        .order_by("-cycle__opened_at")
    )


def get_assessment_for_user(user: object, public_id: uuid.UUID) -> Assessment:
    """404 unless the access policy lets `user` open it (B's ids are 404 to A)."""
    assessment = (
        Assessment.objects.filter(access.assessments_visible_to(user), public_id=public_id)
        .select_related("cycle__template", "agency", "finalized_by", "decided_by")
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment


def answers_of(assessment: Assessment) -> list[Answer]:
    return list(
        assessment.answers.select_related("indicator__axis").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))
        )
    )


@dataclass
class AxisGroup:
    title: str
    weight: Decimal
    answers: list[Answer]


def grouped(answers: list[Answer]) -> list[AxisGroup]:
    groups: dict[int, AxisGroup] = {}
    for answer in answers:
        axis = answer.indicator.axis
        group = groups.setdefault(axis.pk, AxisGroup(axis.title, axis.weight, []))
        group.answers.append(answer)
    return list(groups.values())


def get_answer(assessment: Assessment, indicator_id: int) -> Answer:
    """The assessment's answer to one indicator; 404 else. Looked up as ``indicator__pk``:
    Django answers an out-of-range id with no rows on a primary key's lookup, not on the
    foreign key column's own (``indicator_id``), where SQLite raises OverflowError."""
    answer = (
        assessment.answers.select_related("indicator__axis")
        .prefetch_related("evidence")
        .filter(indicator__pk=indicator_id)
        .first()
    )
    if answer is None:
        raise Http404
    return answer


def get_evidence_for_user(user: object, public_id: uuid.UUID) -> Evidence:
    evidence = (
        Evidence.objects.select_related("answer__assessment__agency")
        .filter(public_id=public_id)
        .first()
    )
    if evidence is None:
        raise Http404
    agency = evidence.answer.assessment.agency
    if not access.may_read_evidence(user, agency_id=agency.pk, province=agency.province):
        raise Http404
    return evidence


# --- rankings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    rank: int
    assessment: Assessment
    score: Decimal
    final: bool


@dataclass(frozen=True)
class Ranking:
    """A cycle's league tables in the viewer's scope: national (None for a provincial
    evaluator, who sees their province only) and one per province."""

    national: list[RankRow] | None
    provinces: dict[str, list[RankRow]]


def _ranked(rows: list[Assessment]) -> list[RankRow]:
    by_pk = {a.pk: a for a in rows}
    ranked = scoring.rank([(a.pk, a.agency.name, a.score or Decimal(0)) for a in rows])
    return [
        RankRow(rank=r.rank, assessment=by_pk[r.key], score=r.score, final=by_pk[r.key].is_final())
        for r in ranked
    ]


def ranking(user: object, cycle: Cycle) -> Ranking:
    """Scored assessments (final, or provisional while objections may come) ranked with ties
    sharing a rank (desk.evaluation.scoring.rank)."""
    scope = access.evaluation_scope(user)
    rows = list(assessments_in_cycle(user, cycle).filter(state__in=SCORED, score__isnull=False))
    by_province: dict[str, list[Assessment]] = defaultdict(list)
    for assessment in rows:
        by_province[assessment.agency.province].append(assessment)
    national = _ranked(rows) if scope is not None and scope.province is None else None
    return Ranking(
        national=national,
        provinces={p: _ranked(by_province[p]) for p in sorted(by_province)},
    )
