"""Reads: free slots over the working calendar, the 3-working-day offer, and scoped lookups."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Agency
from desk.appointments.models import (
    HOLDING_STATUSES,
    PROMISE_WORKING_DAYS,
    Appointment,
    AppointmentStatus,
    Breach,
    Office,
    Policy,
    SlotException,
    SlotTemplate,
)
from desk.calendars.models import OfficeHours
from desk.calendars.selectors import calendar_for_agency
from desk.catalog.models import Service
from desk.lib import tracking
from desk.lib.jalali import TEHRAN
from desk.lib.validators import is_valid_national_code, normalize_national_code
from desk.lib.workdays import WorkCalendar
from desk.submissions.models import OPEN_STATUSES, Submission
from desk.workflow.models import StepKind

# Booking closes this long before a slot starts: the citizen must be able to get there.
LEAD_TIME = datetime.timedelta(minutes=30)


@dataclass(frozen=True)
class Slot:
    office_id: int
    starts_at: datetime.datetime  # aware, UTC
    ends_at: datetime.datetime
    capacity: int
    booked: int

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def day(self) -> datetime.date:
        return self.starts_at.astimezone(TEHRAN).date()

    @property
    def key(self) -> str:
        """What a form posts back: the start as an ISO timestamp."""
        return self.starts_at.isoformat()


def local_today() -> datetime.date:
    """Today in Tehran, read from ``timezone.now`` so that one clock drives every rule."""
    return timezone.now().astimezone(TEHRAN).date()


def policy_for(agency: Agency) -> Policy:
    return Policy.objects.filter(agency=agency).first() or Policy(agency=agency)


def _hours_by_day(
    agency: Agency, start: datetime.date, end: datetime.date
) -> dict[datetime.date, tuple[datetime.time, datetime.time] | None]:
    """``calendars.selectors.office_hours_for`` for every day of a range, in one query."""
    rows = list(
        OfficeHours.objects.filter(Q(agency=agency) | Q(agency__isnull=True))
        .filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by(F("agency_id").asc(nulls_last=True), "-starts_on", "-pk")
    )
    hours: dict[datetime.date, tuple[datetime.time, datetime.time] | None] = {}
    for day in days_between(start, end):
        rule = next(
            (r for r in rows if r.starts_on <= day and (r.ends_on is None or r.ends_on >= day)),
            None,
        )
        hours[day] = (rule.opens_at, rule.closes_at) if rule else None
    return hours


def days_between(start: datetime.date, end: datetime.date) -> Iterable[datetime.date]:
    """Every date from ``start`` to ``end``, both included; never steps past ``date.max``
    (a slot posted as 9999-12-31 once overflowed a ``day += 1`` loop into a 500)."""
    for offset in range((end - start).days + 1):
        yield start + datetime.timedelta(days=offset)


def _aware(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, at, tzinfo=TEHRAN).astimezone(datetime.UTC)


def free_slots(
    *,
    office: Office,
    service: Service,
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
    calendar: WorkCalendar | None = None,
    include_full: bool = False,
) -> list[Slot]:
    """The slots of ``service`` at ``office`` from ``start`` to ``end`` (Tehran dates, both
    included), earliest first: the weekly templates on working days only (weekly days off,
    official holidays, closures), clipped to the day's office hours, minus the office's
    exceptions, with the places left after active bookings. Six queries whatever the range,
    four when the caller passes the calendar."""
    now = now or timezone.now()
    calendar = calendar or calendar_for_agency(office.agency)
    templates = list(
        SlotTemplate.objects.filter(office=office, service=service, is_active=True).order_by(
            "starts_at"
        )
    )
    if not templates or end < start:
        return []
    exceptions: dict[datetime.date, SlotException] = {}
    for row in SlotException.objects.filter(
        Q(service=service) | Q(service__isnull=True), office=office, date__range=(start, end)
    ).order_by(F("service_id").asc(nulls_first=True)):
        exceptions[row.date] = row  # a service's own exception wins over an office-wide one
    hours = _hours_by_day(office.agency, start, end)
    booked = dict(
        Appointment.objects.filter(
            office=office,
            service=service,
            visit_on__range=(start, end),
            status__in=HOLDING_STATUSES,
        )
        .values_list("starts_at")
        .annotate(n=Count("pk"))
        .values_list("starts_at", "n")
    )
    slots: list[Slot] = []
    for day in days_between(start, end):
        exc = exceptions.get(day)
        if calendar.is_working_day(day) and not (exc and exc.is_closed):
            for template in (t for t in templates if t.weekday == day.weekday()):
                slots.extend(_day_slots(office, day, template, hours[day], exc, booked, now))
    slots.sort(key=lambda s: s.starts_at)
    return slots if include_full else [s for s in slots if s.remaining > 0]


def _day_slots(
    office: Office,
    day: datetime.date,
    template: SlotTemplate,
    hours: tuple[datetime.time, datetime.time] | None,
    exc: SlotException | None,
    booked: dict[datetime.datetime, int],
    now: datetime.datetime,
) -> Iterable[Slot]:
    opens, closes = template.starts_at, template.ends_at
    if hours is not None:
        opens, closes = max(opens, hours[0]), min(closes, hours[1])
    capacity = exc.capacity if exc is not None and exc.capacity is not None else template.capacity
    length = datetime.timedelta(minutes=template.slot_minutes)
    at, last = _aware(day, opens), _aware(day, closes)
    while at + length <= last:
        if at - LEAD_TIME >= now and capacity > 0:
            yield Slot(office.pk, at, at + length, capacity, booked.get(at, 0))
        at += length


@dataclass(frozen=True)
class Offer:
    """What a citizen is offered: the earliest free slots, and whether the first of them keeps
    the promise of a visit within 3 working days of ``requested_on``."""

    slots: list[Slot]
    requested_on: datetime.date
    promised_by: datetime.date

    @property
    def first(self) -> Slot | None:
        return self.slots[0] if self.slots else None

    @property
    def keeps_promise(self) -> bool:
        return self.first is not None and self.first.day <= self.promised_by


def requested_on(submission: Submission | None) -> datetime.date | None:
    """The day a request asked for a visit (its step's start), from which the 3-working-day
    promise counts; None: today."""
    if submission is not None and submission.step_started_at is not None:
        return submission.step_started_at.astimezone(TEHRAN).date()
    return None


def offer_for(
    *,
    office: Office,
    service: Service,
    requested_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
    limit: int = 60,
) -> Offer:
    """The earliest free slots from today over the agency's booking horizon."""
    today = local_today()
    requested_on = requested_on or today
    calendar = calendar_for_agency(office.agency)
    horizon = policy_for(office.agency).horizon_days
    promised_by = calendar.add_working_days(requested_on, PROMISE_WORKING_DAYS)
    end = max(today + datetime.timedelta(days=horizon), promised_by)
    slots = free_slots(
        office=office, service=service, start=today, end=end, now=now, calendar=calendar
    )
    return Offer(slots=slots[:limit], requested_on=requested_on, promised_by=promised_by)


def group_by_day(slots: Iterable[Slot]) -> list[tuple[datetime.date, list[Slot]]]:
    days: dict[datetime.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[slot.day].append(slot)
    return list(days.items())


# --- offices and bookings ------------------------------------------------------------------------


def offices_for_service(service: Service) -> QuerySet[Office]:
    """The agency's active offices that have weekly capacity for the service."""
    return (
        Office.objects.filter(
            agency_id=service.agency_id,
            is_active=True,
            templates__service=service,
            templates__is_active=True,
        )
        .select_related("agency")
        .distinct()
        .order_by("name")
    )


def services_taking_bookings() -> list[Service]:
    """The published services of active agencies a citizen can book a visit for (a visit in
    person and an active office with weekly capacity for it), by agency and title: where
    «my appointments» sends a citizen who has none."""
    offered = SlotTemplate.objects.filter(
        service_id=OuterRef("pk"), is_active=True, office__is_active=True
    )
    return list(
        Service.objects.filter(is_published=True, agency__is_active=True, in_person_visits__gt=0)
        .filter(Exists(offered))
        .select_related("agency")
        .order_by("agency__name", "title")
    )


def service_books_appointments(service: Service) -> bool:
    return service.in_person_visits > 0 and offices_for_service(service).exists()


def appointments_of_citizen(user: User) -> list[Appointment]:
    return list(
        Appointment.objects.filter(citizen=user)
        .select_related("office", "service", "submission")
        .order_by("-starts_at")[:50]
    )


def get_appointment_for_citizen(user: User, code: str) -> Appointment:
    found = (
        Appointment.objects.select_related("office", "service", "agency")
        .filter(citizen=user, booking_code=tracking.normalize(code))
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_appointment_for_staff(user: object, code: str) -> Appointment:
    found = (
        Appointment.objects.select_related("office", "service", "citizen", "submission")
        .filter(access.staff_rows(user), booking_code=tracking.normalize(code))
        .first()
    )
    if found is None:
        raise Http404
    return found


def appointments_search(agency: Agency, text: str) -> list[Appointment]:
    """A booking by its code, or a citizen's bookings by national code, in the agency."""
    text = tracking.normalize(text)
    query = Q(booking_code=text)
    if is_valid_national_code(text):
        query |= Q(national_code=normalize_national_code(text))
    return list(
        Appointment.objects.filter(query, agency=agency)
        .select_related("office", "service", "citizen")
        .order_by("-starts_at")[:20]
    )


def appointments_for_day(agency: Agency, day: datetime.date) -> list[Appointment]:
    return list(
        Appointment.objects.filter(agency=agency, visit_on=day)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("office", "service", "citizen")
        .order_by("starts_at", "pk")
    )


def no_shows_recent(national_code: str, agency: Agency, *, days: int) -> int:
    since = timezone.now() - datetime.timedelta(days=days)
    return Appointment.objects.filter(
        agency=agency,
        national_code=national_code,
        status=AppointmentStatus.NO_SHOW,
        starts_at__gte=since,
    ).count()


def submission_awaiting_appointment(submission: Submission) -> bool:
    """The request stands at an appointment step and holds no active booking for it."""
    step = submission.current_step
    return (
        submission.is_open
        and step is not None
        and step.kind == StepKind.APPOINTMENT
        and not submission.appointments.filter(status=AppointmentStatus.BOOKED).exists()
    )


def breaches_for_agency(agency: Agency) -> QuerySet[Breach]:
    return Breach.objects.filter(agency=agency).select_related(
        "office", "service", "appointment", "submission"
    )


# --- capacity outlook ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlook:
    office: Office
    service: Service
    days: list[datetime.date]
    capacity: int
    booked: int
    waiting: int  # requests at an appointment step without a booking
    expected: int  # new bookings expected from the recent daily average

    @property
    def demand(self) -> int:
        return self.booked + self.waiting + self.expected

    @property
    def short(self) -> bool:
        return self.demand > self.capacity


def _demand_by_service(agency: Agency) -> tuple[dict[int, int], dict[int, int]]:
    """Per service: requests waiting to book a visit, and bookings made in the last 28 days."""
    since = timezone.now() - datetime.timedelta(days=28)
    waiting = dict(
        Submission.objects.filter(
            agency=agency, status__in=OPEN_STATUSES, current_step__kind=StepKind.APPOINTMENT
        )
        .exclude(appointments__status=AppointmentStatus.BOOKED)
        .values_list("service_id")
        .annotate(n=Count("pk"))
        .values_list("service_id", "n")
    )
    recent = dict(
        Appointment.objects.filter(agency=agency, created_at__gte=since)
        .values_list("service_id")
        .annotate(n=Count("pk"))
        .values_list("service_id", "n")
    )
    return waiting, recent


def capacity_outlook(agency: Agency, *, working_days: int | None = None) -> list[Outlook]:
    """For each office and service of the agency: places over the coming working days against
    demand (bookings held, requests waiting to book, and the last 28 days' average of new
    bookings a day). A row is ``short`` when demand exceeds the places."""
    calendar = calendar_for_agency(agency)
    n = working_days or policy_for(agency).warning_working_days
    today = local_today()
    days = [calendar.add_working_days(today, i) for i in range(1, n + 1)]
    pairs = (
        SlotTemplate.objects.filter(office__agency=agency, office__is_active=True, is_active=True)
        .select_related("office__agency", "service")
        .order_by("office__name", "service__title")
    )
    seen: set[tuple[int, int]] = set()
    waiting_by_service, recent = _demand_by_service(agency)
    rows: list[Outlook] = []
    for template in pairs:
        pair = (template.office_id, template.service_id)
        if pair in seen:
            continue
        seen.add(pair)
        slots = free_slots(
            office=template.office,
            service=template.service,
            start=days[0],
            end=days[-1],
            calendar=calendar,
            include_full=True,
        )
        slots = [s for s in slots if s.day in days]
        offices = max(len({t.office_id for t in pairs if t.service_id == template.service_id}), 1)
        rows.append(
            Outlook(
                office=template.office,
                service=template.service,
                days=days,
                capacity=sum(s.capacity for s in slots),
                booked=sum(s.booked for s in slots),
                waiting=waiting_by_service.get(template.service_id, 0) // offices,
                # 28 calendar days hold about 20 working days.
                expected=round(recent.get(template.service_id, 0) / 20 * n / offices),
            )
        )
    return rows


def may_oversee(user: object) -> Agency | None:
    """Managers and agency admins see capacity and breaches of their agency."""
    return access.oversight_agency(user)
