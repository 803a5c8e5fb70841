"""Reads of the payments app: what a citizen owes and paid, what staff see, revenue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from desk.agencies import access
from desk.lib import jalali
from desk.payments.models import Charge, ChargeState, GatewayAccount, Payment, PaymentState
from desk.submissions.models import Submission


def submission_for_applicant(user: object, code: str) -> Submission | None:
    submission = (
        Submission.objects.select_related("service", "agency", "current_step")
        .filter(tracking_code=code)
        .first()
    )
    if submission is None or not access.is_applicant(user, submission):
        return None
    return submission


def charges_of(submission: Submission) -> QuerySet[Charge]:
    return (
        Charge.objects.filter(submission=submission)
        .exclude(state=ChargeState.CANCELLED)
        .prefetch_related(
            Prefetch("payments", queryset=Payment.objects.order_by("-created_at", "-pk"))
        )
        .order_by("created_at", "pk")
    )


def active_gateway_accounts(agency_id: int) -> QuerySet[GatewayAccount]:
    """The agency's gateway accounts that take payments now (services start payments on one)."""
    return GatewayAccount.objects.filter(agency_id=agency_id, is_active=True)


def online_payment_open(agency_id: int) -> bool:
    """Whether the agency takes payments online (an active gateway account)."""
    return active_gateway_accounts(agency_id).exists()


def charge_for_applicant(user: object, public_id: str) -> Charge | None:
    charge = (
        Charge.objects.select_related("submission__service", "submission__agency")
        .filter(public_id=public_id)
        .first()
    )
    if charge is None or not access.is_applicant(user, charge.submission):
        return None
    return charge


def payment_for_viewer(user: object, public_id: str) -> Payment | None:
    """A payment its payer or its agency's staff may see."""
    payment = (
        Payment.objects.select_related(
            "charge__submission__service", "charge__submission__agency", "agency"
        )
        .filter(public_id=public_id)
        .first()
    )
    if payment is None:
        return None
    submission = payment.charge.submission
    if access.is_applicant(user, submission) or access.can_view_submission(user, submission):
        return payment
    return None


def submission_for_staff(user: object, code: str) -> Submission | None:
    submission = (
        Submission.objects.select_related("service", "agency", "current_step")
        .filter(tracking_code=code)
        .first()
    )
    if submission is None or not access.can_view_submission(user, submission):
        return None
    return submission


@dataclass(frozen=True)
class RevenueRow:
    service: str
    month: str  # the Jalali month's name
    year: int
    month_number: int
    payments: int
    amount: int
    refunded: int

    @property
    def net(self) -> int:
        return self.amount - self.refunded


def revenue(*, agency_id: int | None, year: int) -> list[RevenueRow]:
    """Settled payments per service and Jalali month of ``year`` (one agency, or all)."""
    start, end = jalali.year_bounds(year)
    rows = Payment.objects.filter(
        state__in=(PaymentState.SETTLED, PaymentState.REFUNDED),
        settled_at__gte=start,
        settled_at__lt=end,
    )
    if agency_id is not None:
        rows = rows.filter(agency_id=agency_id)
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for title, settled_at, amount, refunded in rows.values_list(
        "charge__submission__service__title", "settled_at", "amount", "refunded_amount"
    ).iterator(chunk_size=2000):
        if settled_at is None:
            continue
        month = jalali.to_jalali(settled_at).month
        total = totals[(title, month)]
        total[0] += 1
        total[1] += amount
        total[2] += refunded
    return [
        RevenueRow(title, jalali.month_name(month), year, month, *values)
        for (title, month), values in sorted(
            totals.items(), key=lambda item: (item[0][1], item[0][0])
        )
    ]


@dataclass(frozen=True)
class AgencyRevenueRow:
    agency_id: int
    agency: str
    service_id: int
    service: str
    year: int  # Jalali
    month_number: int  # Jalali, 1–12
    payments: int
    amount: int  # rials, settled
    refunded: int  # rials

    @property
    def net(self) -> int:
        return self.amount - self.refunded


def revenue_by_agency(*, year: int, agency_ids: list[int] | None = None) -> list[AgencyRevenueRow]:
    """For oversight (desk/oversight): settled payments per agency, service and Jalali month of
    ``year``, across every agency of the installation (or only ``agency_ids``, a scope the
    caller took from ``access.oversight_scope``). Refunds are counted against the month the
    payment settled in. Ordered by agency name, month, service title. This selector does not
    check who asks: the caller applies the access policy. One query (read in chunks), served
    by the ``payment_revenue`` index (agency, settled_at)."""
    start, end = jalali.year_bounds(year)
    rows = Payment.objects.filter(
        state__in=(PaymentState.SETTLED, PaymentState.REFUNDED),
        settled_at__gte=start,
        settled_at__lt=end,
    )
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=agency_ids)
    names: dict[int, str] = {}
    titles: dict[int, str] = {}
    totals: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for agency_id, agency, service_id, service, settled_at, amount, refunded in rows.values_list(
        "agency_id",
        "agency__name",
        "charge__submission__service_id",
        "charge__submission__service__title",
        "settled_at",
        "amount",
        "refunded_amount",
    ).iterator(chunk_size=2000):
        if settled_at is None:
            continue
        names[agency_id], titles[service_id] = agency, service
        total = totals[(agency_id, service_id, jalali.to_jalali(settled_at).month)]
        total[0] += 1
        total[1] += amount
        total[2] += refunded
    result = [
        AgencyRevenueRow(a, names[a], s, titles[s], year, month, *values)
        for (a, s, month), values in totals.items()
    ]
    result.sort(key=lambda r: (r.agency, r.month_number, r.service))
    return result
