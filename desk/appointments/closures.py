"""Booked appointments on days the calendar has just closed (a closure, a decreed holiday, a new
weekly day off): each is moved to the earliest free slot of its office and service after the
closed day and within 3 working days of it, or, when there is none, cancelled and the citizen
texted a link to choose another. The subscriber of ``CalendarChanged`` (see desk.core.events)
runs this in a job; each booking is handled in its own transaction, once."""

from __future__ import annotations

import datetime
import enum

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.appointments import selectors
from desk.appointments.models import PROMISE_WORKING_DAYS, Appointment, AppointmentStatus
from desk.appointments.services import _lock, _note, _place, _when, appointment_book
from desk.calendars.selectors import agency_ids_in_scope, calendar_for_agency
from desk.core.errors import ApplicationError
from desk.core.events import CalendarChanged
from desk.notifications.services import message_queue_template
from desk.submissions.progress import short_link

# Slots tried in turn when the first ones fill up meanwhile.
CANDIDATES = 5


class Outcome(enum.StrEnum):
    MOVED = "moved"
    OFFERED = "offered"
    UNTOUCHED = "untouched"  # still open that day, or no longer booked


def bookings_on_changed_days(*, change: CalendarChanged) -> list[int]:
    """The future bookings a calendar change may have closed, earliest first (a few hundred
    at most: bookings lie within the booking horizon)."""
    today = selectors.local_today()
    qs = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        starts_at__gt=timezone.now(),
        visit_on__gte=max(change.start, today),
    )
    if change.end is not None:
        qs = qs.filter(visit_on__lte=change.end)
    agency_ids = agency_ids_in_scope(
        scope=change.scope, province=change.province, agency_id=change.agency_id
    )
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    return list(qs.order_by("starts_at", "pk").values_list("pk", flat=True))


def appointments_off_closed_days(*, change: CalendarChanged) -> dict[Outcome, int]:
    counts = dict.fromkeys(Outcome, 0)
    for appointment_id in bookings_on_changed_days(change=change):
        counts[appointment_move_off_closed_day(appointment_id=appointment_id)] += 1
    return counts


@transaction.atomic
def appointment_move_off_closed_day(*, appointment_id: int) -> Outcome:
    """Move one booking off its day if that day is now closed; idempotent (a booking already
    moved or cancelled is left as it is)."""
    old = _lock(appointment_id)
    calendar = calendar_for_agency(old.agency)
    if old.status != AppointmentStatus.BOOKED or calendar.is_working_day(old.visit_on):
        return Outcome.UNTOUCHED
    latest = calendar.add_working_days(old.visit_on, PROMISE_WORKING_DAYS)
    slots = selectors.free_slots(
        office=old.office,
        service=old.service,
        start=old.visit_on + datetime.timedelta(days=1),
        end=latest,
        calendar=calendar,
    )
    for slot in slots[:CANDIDATES]:
        new = _book_instead(old, slot.starts_at)
        if new is not None:
            _text_moved(old, new)
            return Outcome.MOVED
    _cancel(old)
    _text_offer(old)
    return Outcome.OFFERED


def _cancel(appointment: Appointment) -> None:
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.save(update_fields=["status", "cancelled_at", "updated_at"])


def _book_instead(old: Appointment, slot_start: datetime.datetime) -> Appointment | None:
    """The same citizen, office and service at ``slot_start``, linked to the old booking; None
    when the slot filled up meanwhile (the savepoint leaves the old booking as it was)."""
    try:
        with transaction.atomic():
            _cancel(old)
            return appointment_book(
                citizen=old.citizen,
                office=old.office,
                service=old.service,
                slot_start=slot_start,
                created_by=old.citizen,  # on the citizen's behalf, as if they had moved it
                submission=old.submission if old.submission_id else None,
                mobile=old.mobile,
                rescheduled_from=old,
            )
    except ApplicationError:
        old.refresh_from_db(fields=["status", "cancelled_at", "updated_at"])
        return None


def _link(name: str, *args: object) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _text(appointment: Appointment, event: str, **context: object) -> None:
    message_queue_template(
        to=appointment.mobile,
        event=event,
        context={
            "service": appointment.service.title,
            "agency": appointment.agency.name,
            **context,
        },
        agency_id=appointment.agency_id,
        reference=appointment.booking_code,
        sender=appointment.agency.sms_line,
    )


def _text_moved(old: Appointment, new: Appointment) -> None:
    _text(
        new,
        "appointment_moved_closure",
        tracking_code=new.booking_code,
        starts_at=new.starts_at,
        place=_place(new.office),
        url=_link("appointments:detail", new.booking_code),
    )
    _note(
        new,
        None,
        _("به علت تعطیلی روز %(old)s، نوبت حضوری به %(when)s منتقل شد.")
        % {"old": _when(old.starts_at), "when": _when(new.starts_at)},
    )


def _text_offer(old: Appointment) -> None:
    if old.submission is not None:
        link = short_link(old.submission.tracking_code)  # /r/<code>/: the request's page
    else:
        link = _link("appointments:book", old.service.slug)
    _text(old, "appointment_cancelled_closure", starts_at=old.starts_at, url=link)
    _note(
        old,
        None,
        _("دفتر در روز نوبت (%(when)s) تعطیل شد؛ نوبت لغو و برای گرفتن نوبت تازه پیامک شد.")
        % {"when": _when(old.starts_at)},
    )
