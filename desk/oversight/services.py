"""Writes of the oversight app: running the aggregation and opening a case review."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from desk.agencies import access
from desk.agencies.models import Agency
from desk.audit.services import audit_record
from desk.catalog.models import Service
from desk.core.errors import ApplicationError
from desk.lib.jalali import today_tehran
from desk.oversight.aggregation import aggregate_days
from desk.oversight.models import AggregationRun, CaseReview


def aggregate_recent(*, today: datetime.date | None = None) -> AggregationRun:
    """The nightly run: yesterday and ``OVERSIGHT_REAGGREGATE_DAYS`` days back (answers to
    surveys change for a week, delivery receipts come late), and their months."""
    yesterday = (today or today_tehran()) - datetime.timedelta(days=1)
    first = yesterday - datetime.timedelta(days=max(settings.OVERSIGHT_REAGGREGATE_DAYS - 1, 0))
    return aggregate_days(first, yesterday, trigger="nightly")


@transaction.atomic
def case_review_open(
    *, user: Any, agency: Agency, service: Service | None, reason: str
) -> CaseReview:
    """Open a case review: the evaluator's reason is recorded (and written to the agency's
    audit chain) before any request of the agency is shown to them."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError("دلیل بررسی موردی را بنویسید.", field="reason")
    if not access.may_review_case(user, agency_id=agency.pk, province=agency.province):
        raise ApplicationError("این دستگاه در حوزه ارزیابی شما نیست.")
    if service is not None and service.agency_id != agency.pk:
        raise ApplicationError("این خدمت از این دستگاه نیست.")
    now = timezone.now()
    review = CaseReview.objects.create(
        agency=agency,
        service=service,
        opened_by=user,
        reason=reason,
        opened_at=now,
        closes_at=now + datetime.timedelta(hours=settings.OVERSIGHT_CASE_REVIEW_HOURS),
    )
    audit_record(
        action="oversight.case_review_opened",
        agency_id=agency.pk,
        actor=user,
        target=review,
        details={"reason": reason, "service": service.pk if service else None},
    )
    return review


def case_review_viewed(
    *, user: Any, review: CaseReview, metric: str, tracking_codes: list[str]
) -> None:
    """Every list of requests shown in a case review goes to the agency's audit chain."""
    audit_record(
        action="oversight.case_review_viewed",
        agency_id=review.agency_id,
        actor=user,
        target=review,
        details={"metric": metric, "requests": tracking_codes},
    )
