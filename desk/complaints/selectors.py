"""Reads of complaints, each scoped to who is asking; and the figures oversight reads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _

from desk.agencies import access
from desk.complaints.models import Complaint, ComplaintAttachment, Kind, State
from desk.lib.jalali import TEHRAN, today_tehran

LIST_RELATED = ("agency", "service", "submission")


def complaints_of_citizen(user: object) -> QuerySet[Complaint]:
    """A citizen's own complaints and objections (anonymous reports are nobody's)."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(complainant_id=getattr(user, "pk", None))
        .select_related(*LIST_RELATED)
        .order_by("-filed_at")
    )


def get_complaint_for_citizen(user: object, code: str) -> Complaint:
    complaint = complaints_of_citizen(user).filter(tracking_code=code).first()
    if complaint is None:
        raise Http404
    return complaint


def attachment_of(complaint: Complaint, public_id: uuid.UUID) -> ComplaintAttachment:
    """One file of a complaint the caller may already open (the complainant's or staff's
    selector above found it); 404 for a file of another complaint."""
    found = complaint.attachments.filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def staff_labels(submission: Any, staff: list[Any]) -> dict[int, str]:
    """Each staff member a citizen may complain about, by their title and the steps they took
    on the request, never a name typed by anyone."""
    labels: dict[int, list[str]] = {}
    for event in submission.events.filter(actor__in=staff).order_by("created_at", "pk"):
        labels.setdefault(event.actor_id, [])
        label = event.get_kind_display()
        if label not in labels[event.actor_id]:
            labels[event.actor_id].append(label)
    titles = {u.pk: getattr(getattr(u, "staff", None), "title", "") or _("کارمند") for u in staff}
    return {pk: f"{titles[pk]} — {'، '.join(steps)}" for pk, steps in labels.items()}


def _overdue_first(qs: QuerySet[Complaint], today: date) -> QuerySet[Complaint]:
    return qs.annotate(
        overdue_rank=Case(
            When(state=State.OPEN, due_on__lt=today, then=Value(0)),
            When(state=State.OPEN, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "due_on", "pk")


def inbox_for_handler(user: object, *, closed: bool = False) -> QuerySet[Complaint]:
    """The agency's complaints for its handlers and managers: waiting for an answer (overdue
    first), or with ``closed`` the answered ones."""
    states = (State.ANSWERED, State.APPEALED, State.DECIDED) if closed else (State.OPEN,)
    qs = Complaint.objects.filter(access.complaints_visible_to(user), state__in=states)
    return _overdue_first(qs.select_related(*LIST_RELATED), today_tehran())


def _oversight_rows(user: object) -> Q | None:
    """What an evaluator may open: appeals, and complaints past their answer date, of the
    agencies in their scope (never their own agency's appeals)."""
    scope = access.evaluator_scope(user)
    if scope is None:
        return None
    today = today_tehran()
    return scope.rows() & (
        Q(state__in=(State.APPEALED, State.DECIDED)) | Q(state=State.OPEN, due_on__lt=today)
    )


def appeals_for_evaluator(user: object, *, decided: bool = False) -> QuerySet[Complaint]:
    scope = access.evaluator_scope(user)
    if scope is None:
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(scope.rows(), state=State.DECIDED if decided else State.APPEALED)
        .exclude(agency_id=scope.agency_id)
        .select_related(*LIST_RELATED)
        .order_by("appealed_at", "pk")
    )


def overdue_for_oversight(user: object) -> QuerySet[Complaint]:
    """Complaints past their answer date in the evaluator's scope: oversight sees them."""
    scope = access.evaluator_scope(user)
    if scope is None:
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(scope.rows(), state=State.OPEN, due_on__lt=today_tehran())
        .select_related(*LIST_RELATED)
        .order_by("due_on", "pk")
    )


def get_complaint_for_staff(user: object, code: str) -> Complaint:
    """The complaint for its agency's handlers, or an evaluator whose scope covers it; 404
    for everyone else."""
    rows = access.complaints_visible_to(user)
    oversight = _oversight_rows(user)
    if oversight is not None:
        rows |= oversight
    complaint = (
        Complaint.objects.filter(rows, tracking_code=code)
        .select_related(*LIST_RELATED, "staff_member", "complainant", "answered_by")
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def complaints_of_request_for_staff(user: object, submission_id: int) -> list[Complaint]:
    """The complaints, reports and objections about one request that ``user`` may open (its
    agency's complaint handlers and managers); empty for other staff."""
    return list(
        Complaint.objects.filter(access.complaints_visible_to(user), submission_id=submission_id)
        .only("tracking_code", "kind", "state", "filed_at", "due_on", "outcome", "agency_id")
        .order_by("-filed_at", "-pk")
    )


def report_for_follow_up(code: str) -> Complaint | None:
    return Complaint.objects.filter(tracking_code=code, kind=Kind.REPORT).first()


# --- figures for oversight (the oversight issue reads these) ---------------------------------


@dataclass(frozen=True)
class AgencyComplaintFigures:
    agency_id: int
    agency_name: str
    filed: int
    answered: int
    answered_late: int
    overdue_now: int
    appealed: int
    mean_answer_days: float | None  # calendar days from filing to answer


def complaint_figures(
    *, start: date, end: date, agency_ids: list[int] | None = None
) -> list[AgencyComplaintFigures]:
    """Complaints per agency filed between ``start`` and ``end`` (Tehran days, both included):
    how many, answered, answered after their date, still unanswered past it, appealed, and the
    mean time to an answer. One grouped query."""
    since = datetime.combine(start, time.min, tzinfo=TEHRAN)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=TEHRAN)
    today = today_tehran()
    qs = Complaint.objects.filter(filed_at__gte=since, filed_at__lt=until)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    answer_time = ExpressionWrapper(F("answered_at") - F("filed_at"), output_field=DurationField())
    rows = (
        qs.values("agency_id", "agency__name")
        .annotate(
            filed=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            answered_late=Count(
                "pk", filter=Q(answered_at__isnull=False, escalated_at__isnull=False)
            ),
            overdue_now=Count("pk", filter=Q(state=State.OPEN, due_on__lt=today)),
            appealed=Count("pk", filter=Q(appealed_at__isnull=False)),
            mean_answer=Avg(answer_time, filter=Q(answered_at__isnull=False)),
        )
        .order_by("agency__name")
    )
    return [
        AgencyComplaintFigures(
            agency_id=r["agency_id"],
            agency_name=r["agency__name"],
            filed=r["filed"],
            answered=r["answered"],
            answered_late=r["answered_late"],
            overdue_now=r["overdue_now"],
            appealed=r["appealed"],
            mean_answer_days=(
                round(r["mean_answer"].total_seconds() / 86400, 1)
                if r["mean_answer"] is not None
                else None
            ),
        )
        for r in rows
    ]
