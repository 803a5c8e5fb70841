"""Building the daily and monthly figures (docs/oversight.md, "Aggregation").

``aggregate_days(first, last)`` rebuilds every day in the range and then the Jalali months
they fall in. A day is rebuilt whole, in one transaction: its rows are deleted and written
again from the requests, appointments, surveys, complaints, inquiries, messages and payments
as they stand, so running a day twice gives the same rows, and a back-fill the same rows as
the nightly run. Each figure is counted on the Tehran day of its own event (filed, answered,
visited, responded, settled …); stocks (open, overdue, service cards) are the state at the end
of the day.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jdatetime
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from desk.agencies.models import Agency
from desk.appointments.models import Appointment, AppointmentStatus, Breach
from desk.calendars.selectors import calendars_for_agencies
from desk.catalog.models import Service
from desk.complaints.models import Complaint
from desk.inquiries.models import Inquiry
from desk.lib.jalali import TEHRAN, to_jalali
from desk.notifications.models import Channel as MessageChannel
from desk.notifications.models import MessageStatus, OutboundMessage
from desk.oversight.cards import complete_card_ids
from desk.oversight.models import AXES, STOCKS, AggregationRun, DailyFigures, MonthlyFigures
from desk.payments.models import Payment, PaymentState
from desk.submissions.models import Status, Submission
from desk.surveys.models import Invitation, Response

Key = tuple[int, int | None]  # (agency id, service id or None)
SUMMED = [
    f.name
    for f in DailyFigures._meta.get_fields()
    if getattr(f, "get_internal_type", lambda: "")()
    in ("PositiveIntegerField", "BigIntegerField", "FloatField")
    and f.name not in STOCKS
]
HANDED_TO_GATEWAY = (
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.TEMPORARY_FAILURE,
    MessageStatus.PERMANENT_FAILURE,
)


@dataclass
class Row:
    counts: Counter[str] = field(default_factory=Counter)
    answer_days: Counter[int] = field(default_factory=Counter)


def bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=TEHRAN)
    return start, start + datetime.timedelta(days=1)


def _local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(TEHRAN).date()


# --- one day ------------------------------------------------------------------------------------


class Day:
    """The counters of one day, per (agency, service); service None: counted for the agency
    only (added to its total row)."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        self.start, self.end = bounds(day)
        self.rows: dict[Key, Row] = defaultdict(Row)

    def add(self, agency_id: int, service_id: int | None, **counts: float) -> None:
        self.rows[(agency_id, service_id)].counts.update(counts)

    def build(self) -> Day:
        for part in (
            self._filed,
            self._answered,
            self._stocks,
            self._appointments,
            self._surveys,
            self._complaints,
            self._inquiries,
            self._messages,
            self._payments,
            self._cards,
        ):
            part()
        return self

    def _filed(self) -> None:
        filed = (
            Submission.objects.filter(submitted_at__gte=self.start, submitted_at__lt=self.end)
            .exclude(status=Status.AWAITING_PAYMENT)
            .values_list("agency_id", "service_id", "channel")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for agency_id, service_id, channel, n in filed:
            self.add(agency_id, service_id, filed=n, **{f"filed_{channel}": n})

    def _answered(self) -> None:
        rows = list(
            Submission.objects.filter(
                status__in=(Status.COMPLETED, Status.REJECTED),
                closed_at__gte=self.start,
                closed_at__lt=self.end,
            ).values_list("agency_id", "service_id", "submitted_at", "due_on", "paused_days")
        )
        agencies = Agency.objects.filter(pk__in={r[0] for r in rows})
        calendars = calendars_for_agencies(agencies, today=self.day)
        for agency_id, service_id, submitted_at, due_on, paused in rows:
            days = calendars[agency_id].working_days_between(_local_day(submitted_at), self.day)
            days = max(days - paused, 0)
            row = self.rows[(agency_id, service_id)]
            row.counts.update(
                answered=1, answered_on_time=int(self.day <= due_on), answer_days_total=days
            )
            row.answer_days[days] += 1

    def _stocks(self) -> None:
        """Open at the end of the day: filed by then, not answered by then; overdue: of those,
        promised before the day and not waiting for the citizen."""
        still_open = Q(closed_at__isnull=True) | Q(closed_at__gte=self.end)
        waiting = Q(paused_at__isnull=False, paused_at__lt=self.end)
        stocks = (
            Submission.objects.filter(still_open, submitted_at__lt=self.end)
            .exclude(status=Status.AWAITING_PAYMENT)
            .values_list("agency_id", "service_id")
            .annotate(
                n=Count("pk"),
                late=Count("pk", filter=Q(due_on__lt=self.day) & ~waiting),
            )
            .order_by()
        )
        for agency_id, service_id, n, late in stocks:
            self.add(agency_id, service_id, open_end=n, overdue_end=late)

    def _appointments(self) -> None:
        kept = (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED)
        visits = (
            Appointment.objects.filter(visit_on=self.day, status__in=kept)
            .values_list("agency_id", "service_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for agency_id, service_id, n in visits:
            self.add(agency_id, service_id, visits=n)
        booked = (
            Appointment.objects.filter(
                created_at__gte=self.start, created_at__lt=self.end, rescheduled_from=None
            )
            .values_list("agency_id", "service_id")
            .annotate(n=Count("pk"), ok=Count("pk", filter=Q(breach__isnull=True)))
            .order_by()
        )
        for agency_id, service_id, n, ok in booked:
            self.add(agency_id, service_id, bookings=n, bookings_compliant=ok)
        unserved = (
            Breach.objects.filter(requested_on=self.day, appointment__isnull=True)
            .values_list("agency_id", "service_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for agency_id, service_id, n in unserved:
            self.add(agency_id, service_id, unserved=n)

    def _surveys(self) -> None:
        invited = (
            Invitation.objects.filter(created_at__gte=self.start, created_at__lt=self.end)
            .values_list("agency_id", "service_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for agency_id, service_id, n in invited:
            self.add(agency_id, service_id, invited=n)
        measures: dict[str, Any] = {
            "n": Count("pk"),
            "flag_answered": Count("red_flag"),
            "flag_yes": Count("pk", filter=Q(red_flag=True)),
        }
        for axis in AXES:
            measures[f"{axis}_sum"] = Sum(axis)
            measures[f"{axis}_n"] = Count(axis)
        responded = (
            Response.objects.filter(submitted_at__gte=self.start, submitted_at__lt=self.end)
            .values("agency_id", "service_id")
            .annotate(**measures)
            .order_by()
        )
        item: dict[str, Any]
        for item in responded:  # type: ignore[assignment]
            axes = {f"{a}_{p}": item[f"{a}_{p}"] or 0 for a in AXES for p in ("sum", "n")}
            self.add(
                item["agency_id"],
                item["service_id"],
                responses=item["n"],
                red_flag_answered=item["flag_answered"],
                red_flag_yes=item["flag_yes"],
                **axes,
            )

    def _complaints(self) -> None:
        filed = (
            Complaint.objects.filter(filed_at__gte=self.start, filed_at__lt=self.end)
            .values_list("agency_id", "service_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for agency_id, service_id, n in filed:
            self.add(agency_id, service_id, complaints=n)
        answered = Complaint.objects.filter(
            answered_at__gte=self.start, answered_at__lt=self.end
        ).values_list("agency_id", "service_id", "filed_at", "answered_at")
        for agency_id, service_id, filed_at, answered_at in answered:
            seconds = int((answered_at - filed_at).total_seconds())  # type: ignore[operator]
            self.add(agency_id, service_id, complaints_answered=1, complaint_answer_seconds=seconds)

    def _inquiries(self) -> None:
        answered = Inquiry.objects.filter(
            answered_at__gte=self.start, answered_at__lt=self.end
        ).values_list(
            "from_agency_id", "to_agency_id", "submission__service_id", "sent_at", "answered_at"
        )
        for asking, answering, service_id, sent_at, answered_at in answered:
            seconds = int((answered_at - sent_at).total_seconds())  # type: ignore[operator]
            if answering is not None:
                self.add(answering, None, inquiries_given=1, inquiries_given_seconds=seconds)
            if asking is not None:
                self.add(
                    asking,
                    service_id,
                    inquiries_received=1,
                    inquiries_received_seconds=seconds,
                )

    def _messages(self) -> None:
        texts = (
            OutboundMessage.objects.filter(
                channel=MessageChannel.SMS,
                agency__isnull=False,
                created_at__gte=self.start,
                created_at__lt=self.end,
                status__in=HANDED_TO_GATEWAY,
            )
            .values_list("agency_id")
            .annotate(n=Count("pk"), ok=Count("pk", filter=Q(status=MessageStatus.DELIVERED)))
            .order_by()
        )
        for agency_id, n, ok in texts:
            self.add(agency_id, None, sms_sent=n, sms_delivered=ok)

    def _payments(self) -> None:
        settled = (
            Payment.objects.filter(
                state__in=(PaymentState.SETTLED, PaymentState.REFUNDED),
                settled_at__gte=self.start,
                settled_at__lt=self.end,
            )
            .values_list("agency_id", "charge__submission__service_id")
            .annotate(n=Count("pk"), net=Sum(F("amount") - F("refunded_amount")))
            .order_by()
        )
        for agency_id, service_id, n, net in settled:
            self.add(agency_id, service_id, payments=n, revenue=net or 0)

    def _cards(self) -> None:
        """Published services and complete cards: the state when the day is aggregated (a
        card's history is not kept)."""
        published = list(Service.objects.filter(is_published=True).values_list("pk", "agency_id"))
        complete = complete_card_ids([pk for pk, _ in published])
        for pk, agency_id in published:
            self.add(agency_id, pk, services=1, services_complete=int(pk in complete))

    # --- rows ---

    def figures(self) -> list[DailyFigures]:
        """One row per (agency, service) with anything counted, and one total per agency."""
        provinces = dict(
            Agency.objects.filter(pk__in={a for a, _ in self.rows}).values_list("pk", "province")
        )
        totals: dict[int, Row] = defaultdict(Row)
        out = []
        for (agency_id, service_id), row in self.rows.items():
            total = totals[agency_id]
            total.counts.update(row.counts)
            total.answer_days.update(row.answer_days)
            if service_id is not None and _active(row):
                out.append(_figure(self.day, agency_id, service_id, provinces, row))
        out += [_figure(self.day, a, None, provinces, row) for a, row in totals.items()]
        return out


def _active(row: Row) -> bool:
    """A service row is kept when something happened or is open; a quiet published service
    counts only in its agency's total (cards)."""
    return any(v for k, v in row.counts.items() if k not in ("services", "services_complete"))


def _figure(
    day: datetime.date, agency_id: int, service_id: int | None, provinces: dict[int, str], row: Row
) -> DailyFigures:
    return DailyFigures(
        day=day,
        agency_id=agency_id,
        service_id=service_id,
        province=provinces.get(agency_id, ""),
        answer_days={str(k): v for k, v in sorted(row.answer_days.items())},
        **dict(row.counts),
    )


# --- running it ---------------------------------------------------------------------------------


def days_between(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


@transaction.atomic
def aggregate_day(day: datetime.date) -> int:
    """Rebuild one day's rows (replacing any); the number written."""
    rows = Day(day).build().figures()
    DailyFigures.objects.filter(day=day).delete()
    DailyFigures.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def month_of(day: datetime.date) -> tuple[int, int]:
    jday = to_jalali(day)
    return jday.year, jday.month


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = jdatetime.date(year, month, 1).togregorian()
    following = (
        jdatetime.date(year + 1, 1, 1) if month == 12 else jdatetime.date(year, month + 1, 1)
    )
    return first, following.togregorian() - datetime.timedelta(days=1)


@transaction.atomic
def rebuild_month(year: int, month: int) -> int:
    """Sum a Jalali month's daily rows into its monthly rows; stocks are those of the month's
    last aggregated day (zero for a row that had none that day)."""
    first, last = month_bounds(year, month)
    daily = DailyFigures.objects.filter(day__gte=first, day__lte=last)
    last_day = daily.order_by("-day").values_list("day", flat=True).first()
    MonthlyFigures.objects.filter(year=year, month=month).delete()
    if last_day is None:
        return 0
    merged: dict[Key, dict[str, Any]] = {}
    for item in daily.values(
        "agency_id", "service_id", "province", "day", "answer_days", *SUMMED, *STOCKS
    ):
        key = (item["agency_id"], item["service_id"])
        row = merged.setdefault(
            key,
            {
                "agency_id": key[0],
                "service_id": key[1],
                "province": item["province"],
                "answer_days": Counter(),
                **dict.fromkeys(SUMMED, 0),
                **dict.fromkeys(STOCKS, 0),
            },
        )
        for name in SUMMED:
            row[name] += item[name]
        if item["day"] == last_day:
            row.update({name: item[name] for name in STOCKS}, province=item["province"])
        row["answer_days"].update({int(k): v for k, v in item["answer_days"].items()})
    rows = [
        MonthlyFigures(
            year=year,
            month=month,
            last_day=last_day,
            **{**row, "answer_days": {str(k): v for k, v in sorted(row["answer_days"].items())}},
        )
        for row in merged.values()
    ]
    MonthlyFigures.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def aggregate_days(
    first: datetime.date, last: datetime.date, *, trigger: str = "backfill"
) -> AggregationRun:
    """Rebuild the days from ``first`` to ``last`` (both included) and their months."""
    run = AggregationRun.objects.create(first_day=first, last_day=last, trigger=trigger)
    written = 0
    months: dict[tuple[int, int], None] = {}
    for day in days_between(first, last):
        written += aggregate_day(day)
        months[month_of(day)] = None
    for year, month in months:
        rebuild_month(year, month)
    run.rows = written
    run.finished_at = timezone.now()
    run.save(update_fields=["rows", "finished_at"])
    return run


def last_run() -> AggregationRun | None:
    return AggregationRun.objects.filter(finished_at__isnull=False).first()
