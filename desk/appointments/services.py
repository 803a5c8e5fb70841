"""Writes: booking, cancelling, rescheduling, arrival and no-show, reminders and warnings.

Every booking locks one ``SlotLock`` row for its (office, service, slot start) before counting
the places taken, so that concurrent bookings of the last place are serialised by the database
(PostgreSQL row lock; SQLite opens every transaction IMMEDIATE). Messages are outbox rows
written in the same transaction, sent after commit.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.accounts.services import citizen_claim
from desk.agencies import access
from desk.agencies.models import Agency, Role
from desk.appointments import selectors
from desk.appointments.models import (
    HOLDING_STATUSES,
    Appointment,
    AppointmentStatus,
    Breach,
    CapacityWarning,
    DailyQueue,
    Invitation,
    Office,
    SlotLock,
)
from desk.appointments.selectors import Slot
from desk.calendars.selectors import calendar_for_agency, calendars_for_agencies
from desk.catalog.models import Service
from desk.core.errors import ApplicationError
from desk.lib import tracking
from desk.lib.jalali import TEHRAN, format_date_long, format_datetime
from desk.lib.persian import to_persian_digits
from desk.lib.validators import normalize_mobile, normalize_national_code
from desk.notifications.services import message_queue, message_queue_template
from desk.submissions.models import EventKind, Submission
from desk.submissions.progress import short_link
from desk.submissions.services import submission_note_event
from desk.workflow.models import StepKind


class SlotFullError(ApplicationError):
    """The chosen slot filled up meanwhile; ``alternatives`` are the next free slots."""

    def __init__(self, message: str, *, alternatives: list[Slot]) -> None:
        super().__init__(message, field="slot")
        self.alternatives = alternatives


# --- helpers -------------------------------------------------------------------------------------


def _place(office: Office) -> str:
    return f"{office.name}، {office.address}"


def _require(allowed: bool) -> None:
    if not allowed:
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))


def _lock(appointment_id: int) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("office", "service", "agency", "submission")
        .get(pk=appointment_id)
    )


def _new_code() -> str:
    # 9·10¹⁰ codes: a collision is checked, not assumed away.
    while True:
        code = tracking.generate()
        if not Appointment.objects.filter(booking_code=code).exists():
            return code


def _when(slot_start: datetime.datetime) -> str:
    return format_datetime(slot_start)


def _note(appointment: Appointment, actor: User | None, message: str) -> None:
    if appointment.submission_id is not None:
        submission_note_event(
            submission_id=appointment.submission_id,
            kind=EventKind.APPOINTMENT,
            actor=actor,
            message=message,
        )


def citizen_for_booking(*, national_code: str, mobile: str) -> User:
    """The citizen a clerk books for (walk-in or caller). The mobile the clerk types is the
    appointment's own (its reminders go there) and is never written on the account: nothing
    has proved it is the citizen's, and the account's mobile receives every text about the
    citizen's requests. A new account is made as for a citizen served without a mobile;
    sign-in later proves a mobile on Shahkar's word."""
    national_code = normalize_national_code(national_code)
    normalize_mobile(mobile)  # the form checked it; a bad one is refused here too
    return citizen_claim(national_code=national_code, mobile="")


# --- booking -------------------------------------------------------------------------------------


def _check_booker(*, citizen: User, office: Office, created_by: User) -> bool:
    """True when the citizen books for themselves (online); a clerk must be of the agency."""
    if created_by.pk == citizen.pk:
        if not access.may_apply(citizen):
            raise ApplicationError(_("گرفتن نوبت فقط با ورود شهروند (کد ملی و پیامک) ممکن است."))
        return True
    _require(access.can_book_at(created_by, office))
    return False


def _check_no_shows(citizen: User, agency: Agency) -> None:
    policy = selectors.policy_for(agency)
    if not policy.max_no_shows:
        return
    count = selectors.no_shows_recent(
        citizen.national_code or "", agency, days=policy.no_show_window_days
    )
    if count >= policy.max_no_shows:
        raise ApplicationError(
            _(
                "به علت %(n)s بار حاضر نشدن در نوبت‌های %(days)s روز گذشته، نوبت برخط برای شما"
                " ممکن نیست. برای گرفتن نوبت با میز خدمت دستگاه تماس بگیرید."
            )
            % {
                "n": to_persian_digits(count),
                "days": to_persian_digits(policy.no_show_window_days),
            }
        )


def _check_submission(submission: Submission, citizen: User, service: Service) -> None:
    step = submission.current_step
    if (
        submission.applicant_id != citizen.pk
        or submission.service_id != service.pk
        or not submission.is_open
        or step is None
        or step.kind != StepKind.APPOINTMENT
    ):
        raise ApplicationError(_("این درخواست اکنون در مرحله گرفتن نوبت نیست."))


def _requested_on(submission: Submission | None) -> datetime.date:
    return selectors.requested_on(submission) or selectors.local_today()


@transaction.atomic
def appointment_book(
    *,
    citizen: User,
    office: Office,
    service: Service,
    slot_start: datetime.datetime,
    created_by: User,
    submission: Submission | None = None,
    mobile: str = "",
    rescheduled_from: Appointment | None = None,
) -> Appointment:
    """Book one place in a slot: checks who books, the no-show limit (online only), that the
    slot exists; then, under the slot's lock, that it has room and that the citizen holds no
    other open booking of the service (backed by a partial unique index for bookings of two
    different slots at once); records a breach when the earliest offer was later than 3
    working days; queues the SMS."""
    _check_may_book(
        citizen=citizen,
        office=office,
        service=service,
        created_by=created_by,
        submission=submission,
        rescheduled_from=rescheduled_from,
    )
    offer = selectors.offer_for(
        office=office, service=service, requested_on=_requested_on(submission)
    )
    slot = _find_slot(office=office, service=service, slot_start=slot_start, offer=offer)
    _lock_slot(office=office, service=service, slot=slot)
    _check_room(office=office, service=service, slot=slot, offer=offer)
    _check_one_open(citizen=citizen, service=service, rescheduled_from=rescheduled_from)
    appointment = _create(
        citizen=citizen,
        office=office,
        service=service,
        slot=slot,
        created_by=created_by,
        submission=submission,
        mobile=normalize_mobile(mobile) if mobile else citizen.mobile,
        rescheduled_from=rescheduled_from,
    )
    if rescheduled_from is None:
        if not offer.keeps_promise:
            _breach_record(appointment=appointment, offer=offer)
        _announce_booking(appointment, created_by)
    return appointment


def _check_may_book(
    *,
    citizen: User,
    office: Office,
    service: Service,
    created_by: User,
    submission: Submission | None,
    rescheduled_from: Appointment | None,
) -> None:
    if not access.same_agency(office, service) or not office.is_active:
        raise ApplicationError(_("این دفتر این خدمت را ارائه نمی‌کند."))
    online = _check_booker(citizen=citizen, office=office, created_by=created_by)
    if online and rescheduled_from is None:
        _check_no_shows(citizen, office.agency)
    if submission is not None:
        _check_submission(submission, citizen, service)


def _find_slot(
    *, office: Office, service: Service, slot_start: datetime.datetime, offer: selectors.Offer
) -> Slot:
    """The offered slot starting at ``slot_start``, full or not; refused when there is none."""
    day = _local_day(slot_start)
    if day is not None:
        for slot in selectors.free_slots(
            office=office, service=service, start=day, end=day, include_full=True
        ):
            if slot.starts_at == slot_start:
                return slot
    raise SlotFullError(
        _("این نوبت دیگر در دسترس نیست. یکی از نوبت‌های آزاد زیر را انتخاب کنید."),
        alternatives=offer.slots[:6],
    )


def _local_day(moment: datetime.datetime) -> datetime.date | None:
    """The Tehran date of ``moment``; None for one no slot can start at: a naive moment, or
    one at the edge of the calendar with no Tehran date (9999-12-31 late evening in UTC)."""
    if moment.tzinfo is None:
        return None
    try:
        return moment.astimezone(TEHRAN).date()
    except OverflowError:
        return None


def _lock_slot(*, office: Office, service: Service, slot: Slot) -> None:
    """Take the slot's row lock until commit: a second booker of the slot waits here, then
    reads the places and the citizen's bookings with the first one's booking committed."""
    lock, _created = SlotLock.objects.get_or_create(
        office=office, service=service, starts_at=slot.starts_at
    )
    SlotLock.objects.filter(pk=lock.pk).update(bookings=F("bookings") + 1)


def _check_room(*, office: Office, service: Service, slot: Slot, offer: selectors.Offer) -> None:
    taken = Appointment.objects.filter(
        office=office, service=service, starts_at=slot.starts_at, status__in=HOLDING_STATUSES
    ).count()
    if taken < slot.capacity:
        return
    alternatives = [s for s in offer.slots if s.starts_at != slot.starts_at][:6]
    message = _("ظرفیت این نوبت همین حالا پر شد.")
    if alternatives:
        message += " " + _("نزدیک‌ترین نوبت آزاد: %(when)s.") % {
            "when": _when(alternatives[0].starts_at)
        }
    raise SlotFullError(message, alternatives=alternatives)


def _open_booking_error(code: str) -> ApplicationError:
    return ApplicationError(
        _("شما برای این خدمت نوبت فعال دارید (کد %(code)s). آن را لغو یا جابه‌جا کنید.")
        % {"code": to_persian_digits(code)}
    )


def _check_one_open(
    *, citizen: User, service: Service, rescheduled_from: Appointment | None
) -> None:
    """One open booking per citizen and service. Checked after the slot's lock, so that a
    double click on one slot is refused here; two slots booked at once meet the index."""
    code = _open_booking_code(citizen=citizen, service=service, excluded=rescheduled_from)
    if code is not None:
        raise _open_booking_error(code)


def _open_booking_code(
    *, citizen: User, service: Service, excluded: Appointment | None
) -> str | None:
    existing = Appointment.objects.filter(
        citizen=citizen, service=service, status=AppointmentStatus.BOOKED
    )
    if excluded is not None:
        existing = existing.exclude(pk=excluded.pk)
    return existing.values_list("booking_code", flat=True).first()


def _create(
    *,
    citizen: User,
    office: Office,
    service: Service,
    slot: Slot,
    created_by: User,
    submission: Submission | None,
    mobile: str,
    rescheduled_from: Appointment | None,
) -> Appointment:
    try:
        with transaction.atomic():  # a savepoint: the refusal below leaves the caller usable
            return Appointment.objects.create(
                booking_code=_new_code(),
                citizen=citizen,
                national_code=citizen.national_code or "",
                mobile=mobile,
                agency_id=office.agency_id,
                office=office,
                service=service,
                submission=submission,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                visit_on=slot.day,
                created_by=created_by,
                rescheduled_from=rescheduled_from,
            )
    except IntegrityError:
        # The index on one open booking per citizen and service: another slot of the same
        # service was booked by the same citizen in a transaction that committed meanwhile.
        code = _open_booking_code(citizen=citizen, service=service, excluded=rescheduled_from)
        if code is None:
            raise
        raise _open_booking_error(code) from None


def _announce_booking(appointment: Appointment, created_by: User) -> None:
    office = appointment.office
    message_queue_template(
        to=appointment.mobile,
        event="appointment_booked",
        context={
            "tracking_code": appointment.booking_code,
            "service": appointment.service.title,
            "starts_at": appointment.starts_at,
            "place": _place(office),
            "agency": office.agency.name,
        },
        agency_id=office.agency_id,
        reference=appointment.booking_code,
        sender=office.agency.sms_line,
    )
    _note(
        appointment,
        created_by,
        _("نوبت حضوری گرفته شد: %(when)s، %(place)s (کد نوبت %(code)s)")
        % {
            "when": _when(appointment.starts_at),
            "place": office.name,
            "code": to_persian_digits(appointment.booking_code),
        },
    )


def _breach_record(*, appointment: Appointment, offer: selectors.Offer) -> Breach:
    calendar = calendar_for_agency(appointment.office.agency)
    first = offer.first.day if offer.first else appointment.visit_on
    return Breach.objects.create(
        agency_id=appointment.agency_id,
        office=appointment.office,
        service=appointment.service,
        appointment=appointment,
        submission=appointment.submission,
        citizen=appointment.citizen,
        requested_on=offer.requested_on,
        promised_by=offer.promised_by,
        first_offered_on=first,
        working_days=calendar.working_days_between(offer.requested_on, first),
        reason=_("نخستین نوبت آزاد پس از مهلت سه روز کاری بود."),
    )


def breach_record_unserved(
    *, office: Office, service: Service, citizen: User, offer: selectors.Offer
) -> None:
    """A citizen who found no free slot at all within the horizon: recorded once a day."""
    if offer.slots:
        return
    try:
        with transaction.atomic():
            Breach.objects.get_or_create(
                office=office,
                service=service,
                citizen=citizen,
                requested_on=offer.requested_on,
                appointment=None,
                defaults={
                    "agency_id": office.agency_id,
                    "promised_by": offer.promised_by,
                    "reason": _("هیچ نوبت آزادی در بازه نوبت‌دهی نبود."),
                },
            )
    except IntegrityError:  # recorded by a parallel request meanwhile
        pass


# --- cancel and reschedule -----------------------------------------------------------------------


def _check_may_change(appointment: Appointment, actor: User) -> None:
    _require(access.can_change_appointment(actor, appointment))
    if appointment.status != AppointmentStatus.BOOKED:
        raise ApplicationError(
            _("نوبت در وضعیت «%(status)s» را نمی‌توان تغییر داد.")
            % {"status": appointment.get_status_display()}
        )
    if appointment.starts_at <= timezone.now():
        raise ApplicationError(_("زمان این نوبت گذشته است و نمی‌توان آن را تغییر داد."))


def _sms(appointment: Appointment, kind: str, body: str) -> None:
    message_queue(
        to=appointment.mobile,
        body=body + "\n" + _("میز خدمت %(agency)s") % {"agency": appointment.agency.name},
        kind=kind,
        reference=appointment.booking_code,
        agency_id=appointment.agency_id,
        sender=appointment.agency.sms_line,
    )


@transaction.atomic
def appointment_cancel(*, appointment_id: int, actor: User) -> Appointment:
    """Cancel a future booking (the citizen's own, or any of the clerk's agency); frees the
    place at once, since places are counted from active bookings."""
    appointment = _lock(appointment_id)
    _check_may_change(appointment, actor)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.save(update_fields=["status", "cancelled_at", "updated_at"])
    _sms(
        appointment,
        "appointment_cancelled",
        _("نوبت %(code)s برای «%(service)s» در %(when)s لغو شد.")
        % {
            "code": to_persian_digits(appointment.booking_code),
            "service": appointment.service.title,
            "when": _when(appointment.starts_at),
        },
    )
    _note(appointment, actor, _("نوبت حضوری لغو شد."))
    return appointment


@transaction.atomic
def appointment_reschedule(
    *, appointment_id: int, actor: User, slot_start: datetime.datetime
) -> Appointment:
    """Move a booking to another slot of the same office and service, atomically: the new
    booking is linked to the old one (``rescheduled_from``); if the new slot is full, the
    old booking stands."""
    old = _lock(appointment_id)
    _check_may_change(old, actor)
    if slot_start == old.starts_at:
        raise ApplicationError(_("نوبت تازه با نوبت فعلی یکی است."), field="slot")
    old.status = AppointmentStatus.CANCELLED
    old.cancelled_at = timezone.now()
    old.save(update_fields=["status", "cancelled_at", "updated_at"])
    new = appointment_book(
        citizen=old.citizen,
        office=old.office,
        service=old.service,
        slot_start=slot_start,
        created_by=actor,
        submission=old.submission if old.submission_id else None,
        mobile=old.mobile,
        rescheduled_from=old,
    )
    _sms(
        new,
        "appointment_rescheduled",
        _("نوبت «%(service)s» جابه‌جا شد: %(when)s، %(place)s. کد نوبت تازه: %(code)s")
        % {
            "service": new.service.title,
            "when": _when(new.starts_at),
            "place": _place(new.office),
            "code": to_persian_digits(new.booking_code),
        },
    )
    _note(new, actor, _("نوبت حضوری جابه‌جا شد: %(when)s") % {"when": _when(new.starts_at)})
    return new


# --- at the office -------------------------------------------------------------------------------


@transaction.atomic
def appointment_check_in(*, appointment_id: int, actor: User) -> Appointment:
    """The citizen arrived: the next queue number of the office's day, taken under the day's
    row lock so that two clerks never give the same number."""
    appointment = _lock(appointment_id)
    _require(access.can_view_appointment(actor, appointment))
    if appointment.status != AppointmentStatus.BOOKED:
        raise ApplicationError(
            _("نوبت در وضعیت «%(status)s» را نمی‌توان پذیرش کرد.")
            % {"status": appointment.get_status_display()}
        )
    if appointment.visit_on != selectors.local_today():
        raise ApplicationError(
            _("این نوبت برای امروز نیست؛ حضور فقط در روز نوبت، %(day)s، ثبت می‌شود.")
            % {"day": format_date_long(appointment.visit_on)}
        )
    queue, _created = DailyQueue.objects.get_or_create(
        office=appointment.office, date=appointment.visit_on
    )
    DailyQueue.objects.filter(pk=queue.pk).update(last_number=F("last_number") + 1)
    queue.refresh_from_db(fields=["last_number"])
    appointment.status = AppointmentStatus.CHECKED_IN
    appointment.queue_number = queue.last_number
    appointment.checked_in_at = timezone.now()
    appointment.save(update_fields=["status", "queue_number", "checked_in_at", "updated_at"])
    _note(
        appointment,
        actor,
        _("متقاضی در %(office)s حاضر شد (شماره صف %(n)s).")
        % {"office": appointment.office.name, "n": to_persian_digits(queue.last_number)},
    )
    return appointment


@transaction.atomic
def appointment_mark_no_show(*, appointment_id: int, actor: User) -> Appointment:
    appointment = _lock(appointment_id)
    _require(access.can_view_appointment(actor, appointment))
    if appointment.status != AppointmentStatus.BOOKED:
        raise ApplicationError(
            _("نوبت در وضعیت «%(status)s» را نمی‌توان غایب ثبت کرد.")
            % {"status": appointment.get_status_display()}
        )
    if appointment.starts_at > timezone.now():
        raise ApplicationError(_("زمان این نوبت هنوز نرسیده است."))
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status", "updated_at"])
    _note(appointment, actor, _("متقاضی در زمان نوبت حاضر نشد."))
    return appointment


@transaction.atomic
def appointment_complete(*, appointment_id: int, actor: User) -> Appointment:
    appointment = _lock(appointment_id)
    _require(access.can_view_appointment(actor, appointment))
    if appointment.status != AppointmentStatus.CHECKED_IN:
        raise ApplicationError(_("فقط نوبتی که متقاضی‌اش حاضر شده است انجام‌شده می‌شود."))
    appointment.status = AppointmentStatus.COMPLETED
    appointment.save(update_fields=["status", "updated_at"])
    return appointment


# --- periodic jobs -------------------------------------------------------------------------------


def appointments_remind(*, now: datetime.datetime | None = None) -> int:
    """Text a reminder for every booking on the next working day of its agency (and any
    day off before it), once: ``reminded_at`` is set by a compare-and-set UPDATE in the same
    transaction as the message, so a second run or a parallel worker sends nothing."""
    now = now or timezone.now()
    today = now.astimezone(TEHRAN).date()
    candidates = list(
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            reminded_at__isnull=True,
            visit_on__gt=today,
            visit_on__lte=today + datetime.timedelta(days=21),
        ).select_related("agency", "office", "service")
    )
    calendars = calendars_for_agencies({a.agency for a in candidates}, today=today)
    sent = 0
    for appointment in candidates:
        if appointment.visit_on > calendars[appointment.agency_id].add_working_days(today, 1):
            continue
        with transaction.atomic():
            claimed = Appointment.objects.filter(
                pk=appointment.pk, reminded_at__isnull=True, status=AppointmentStatus.BOOKED
            ).update(reminded_at=now)
            if not claimed:
                continue
            message_queue_template(
                to=appointment.mobile,
                event="appointment_reminder",
                context={
                    "service": appointment.service.title,
                    "starts_at": appointment.starts_at,
                    "place": _place(appointment.office),
                    "agency": appointment.agency.name,
                },
                agency_id=appointment.agency_id,
                reference=appointment.booking_code,
                sender=appointment.agency.sms_line,
            )
            sent += 1
    return sent


def invitations_send() -> int:
    """Text every applicant whose request entered an appointment step a link to book, once
    per entry into the step."""
    waiting = (
        Submission.objects.filter(
            current_step__kind=StepKind.APPOINTMENT, step_started_at__isnull=False
        )
        .filter(status__in=("submitted", "in_review", "needs_info"))
        .select_related("agency", "service")
    )
    sent = 0
    for submission in waiting:
        assert submission.step_started_at is not None
        try:
            with transaction.atomic():
                Invitation.objects.create(
                    submission=submission, step_started_at=submission.step_started_at
                )
                # The short link (/r/<code>/) to the request's page, which offers the booking.
                link = short_link(submission.tracking_code)
                message_queue(
                    to=submission.applicant_mobile,
                    body=_(
                        "برای درخواست %(code)s باید حضوری مراجعه کنید. نوبت بگیرید: %(link)s"
                        "\nمیز خدمت %(agency)s"
                    )
                    % {
                        "code": to_persian_digits(submission.tracking_code),
                        "link": link,
                        "agency": submission.agency.name,
                    },
                    kind="appointment_invitation",
                    reference=submission.tracking_code,
                    agency_id=submission.agency_id,
                    sender=submission.agency.sms_line,
                )
                sent += 1
        except IntegrityError:  # invited already for this entry into the step
            continue
    return sent


def capacity_warnings_send(*, today: datetime.date | None = None) -> int:
    """Once a day per agency: when the coming working days' places will not cover demand,
    record the warning and text the agency's admins and managers who have a mobile."""
    today = today or selectors.local_today()
    warned = 0
    agencies = Agency.objects.filter(is_active=True, offices__is_active=True).distinct()
    for agency in agencies:
        short = [row for row in selectors.capacity_outlook(agency) if row.short]
        if not short:
            continue
        lines = [
            _("%(service)s در %(office)s: ظرفیت %(cap)s، تقاضا %(demand)s")
            % {
                "service": row.service.title,
                "office": row.office.name,
                "cap": to_persian_digits(row.capacity),
                "demand": to_persian_digits(row.demand),
            }
            for row in short
        ]
        message = _("ظرفیت نوبت‌های روزهای کاری آینده کافی نیست:") + "\n" + "\n".join(lines)
        try:
            with transaction.atomic():
                CapacityWarning.objects.create(agency=agency, date=today, message=message)
                recipients = defaultdict(str)
                for staff in agency.staff.filter(
                    is_active=True, role__in=(Role.ADMIN, Role.MANAGER)
                ).select_related("user"):
                    if staff.user.mobile:
                        recipients[staff.user.mobile] = staff.user.mobile
                for mobile in recipients:
                    message_queue(
                        to=mobile,
                        body=message,
                        kind="appointment_capacity_warning",
                        agency_id=agency.pk,
                        sender=agency.sms_line,
                    )
        except IntegrityError:  # warned already today
            continue
        warned += 1
    return warned
