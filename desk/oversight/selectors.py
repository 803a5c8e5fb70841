"""Reads of the oversight app besides the KPIs (kpis.py): case reviews and the requests behind
a figure — the only place this app reads requests, and only inside an open case review."""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet
from django.http import Http404

from desk.agencies import access
from desk.lib.jalali import TEHRAN
from desk.oversight.aggregation import month_bounds
from desk.oversight.models import CaseReview
from desk.submissions.models import NEVER_SUBMITTED, Status, Submission
from desk.surveys.selectors import Period

# The figures whose requests a case review lists, by the name in the URL.
METRICS: dict[str, str] = {
    "filed": "درخواست‌های ثبت‌شده در دوره",
    "late": "پاسخ‌های پس از موعد در دوره",
    "overdue": "درخواست‌های باز گذشته از موعد (اکنون)",
}
ANSWERED = (Status.COMPLETED, Status.REJECTED)


def get_case_review(user: object, review_id: int) -> CaseReview:
    """The person's own open case review whose agency is still in their scope; 404 else."""
    review = (
        CaseReview.objects.select_related("agency", "service")
        .filter(pk=review_id, opened_by_id=getattr(user, "pk", None))
        .first()
    )
    if review is None or not review.is_open():
        raise Http404
    agency = review.agency
    if not access.may_review_case(user, agency_id=agency.pk, province=agency.province):
        raise Http404
    return review


def open_review_for(user: object, agency_id: int) -> CaseReview | None:
    """The person's latest case review on the agency, if still open."""
    review = (
        CaseReview.objects.filter(opened_by_id=getattr(user, "pk", None), agency_id=agency_id)
        .order_by("-opened_at")
        .first()
    )
    return review if review is not None and review.is_open() else None


def period_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    first, _ = month_bounds(period.year, period.months[0])
    _, last = month_bounds(period.year, period.months[-1])
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=TEHRAN)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=TEHRAN
    )
    return start, end


def requests_behind(
    review: CaseReview, metric: str, period: Period, *, today: datetime.date
) -> QuerySet[Submission]:
    """The requests counted in ``metric`` of the review's agency (and service), read-only:
    the same definitions as the aggregation (docs/oversight.md)."""
    rows = Submission.objects.filter(agency_id=review.agency_id).exclude(status__in=NEVER_SUBMITTED)
    if review.service_id is not None:
        rows = rows.filter(service_id=review.service_id)
    start, end = period_bounds(period)
    if metric == "filed":
        rows = rows.filter(submitted_at__gte=start, submitted_at__lt=end)
    elif metric == "late":
        rows = rows.filter(
            status__in=ANSWERED,
            closed_at__gte=start,
            closed_at__lt=end,
            closed_at__date__gt=F("due_on"),
        )
    elif metric == "overdue":
        rows = rows.filter(
            Q(paused_at__isnull=True),
            status__in=(Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFO),
            due_on__lt=today,
        )
    else:
        raise Http404
    return rows.select_related("service").order_by("submitted_at", "pk")
