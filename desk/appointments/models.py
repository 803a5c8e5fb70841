"""Appointments (نوبت‌دهی): offices, weekly slot templates, exceptions, bookings and breaches.

Free slots are never stored: they are computed from the templates over the agency's working
calendar (see ``selectors.free_slots``). What is stored is what people did: bookings, arrivals,
no-shows, and every booking whose first offer broke the 3-working-day rule (``Breach``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.lib.jalali import TEHRAN, format_date
from desk.submissions.models import Submission

# The directive's promise: a visit, when unavoidable, within this many working days.
PROMISE_WORKING_DAYS = 3


class Weekday(models.IntegerChoices):
    """Python weekday numbers, listed from Saturday as an Iranian week is."""

    SATURDAY = 5, _("شنبه")
    SUNDAY = 6, _("یکشنبه")
    MONDAY = 0, _("دوشنبه")
    TUESDAY = 1, _("سه‌شنبه")
    WEDNESDAY = 2, _("چهارشنبه")
    THURSDAY = 3, _("پنجشنبه")
    FRIDAY = 4, _("جمعه")


class Policy(models.Model):
    """An agency's booking rules. Without a row the defaults below apply."""

    agency = models.OneToOneField(
        Agency,
        on_delete=models.CASCADE,
        related_name="appointment_policy",
        verbose_name=_("دستگاه"),
    )
    max_no_shows = models.PositiveSmallIntegerField(
        _("سقف غیبت"),
        default=3,
        help_text=_(
            "پس از این تعداد غیبت، نوبت برخط داده نمی‌شود (متصدی همچنان می‌تواند). صفر یعنی بدون سقف."
        ),
    )
    no_show_window_days = models.PositiveSmallIntegerField(_("بازه شمارش غیبت (روز)"), default=90)
    horizon_days = models.PositiveSmallIntegerField(_("بازه نوبت‌دهی (روز تقویمی)"), default=30)
    warning_working_days = models.PositiveSmallIntegerField(
        _("بازه هشدار ظرفیت (روز کاری)"), default=5
    )

    class Meta:
        verbose_name = _("سیاست نوبت‌دهی")
        verbose_name_plural = _("سیاست‌های نوبت‌دهی")

    def __str__(self) -> str:
        return str(self.agency)


class Office(models.Model):
    """A branch (دفتر / شعبه) of an agency where citizens are received."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="offices", verbose_name=_("دستگاه")
    )
    name = models.CharField(_("نام دفتر"), max_length=150)
    address = models.TextField(_("نشانی"))
    map_url = models.URLField(_("پیوند نقشه"), blank=True)
    phone = models.CharField(_("تلفن"), max_length=40, blank=True)
    counters = models.PositiveSmallIntegerField(_("تعداد باجه"), default=1)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("دفتر پذیرش")
        verbose_name_plural = _("دفترهای پذیرش")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="office_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SlotTemplate(models.Model):
    """Weekly capacity: on this weekday, between these hours, slots of this length, each for
    this many citizens of this service. Clipped to the agency's office hours of the day."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="templates", verbose_name=_("دفتر")
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="slot_templates", verbose_name=_("خدمت")
    )
    weekday = models.PositiveSmallIntegerField(_("روز هفته"), choices=Weekday.choices)
    starts_at = models.TimeField(_("از ساعت"), default=datetime.time(8, 0))
    ends_at = models.TimeField(_("تا ساعت"), default=datetime.time(13, 0))
    slot_minutes = models.PositiveSmallIntegerField(_("طول هر نوبت (دقیقه)"), default=30)
    capacity = models.PositiveSmallIntegerField(_("ظرفیت هر نوبت (نفر)"), default=1)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        ordering = ["office", "service", "weekday", "starts_at"]
        verbose_name = _("الگوی هفتگی نوبت")
        verbose_name_plural = _("الگوهای هفتگی نوبت")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_template_ends_after"
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="slot_template_min_5"),
        ]

    def __str__(self) -> str:
        return f"{self.office} — {self.service} — {self.get_weekday_display()}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("ساعت پایان باید پس از ساعت شروع باشد.")})
        if self.slot_minutes is not None and self.slot_minutes < 5:
            raise ValidationError({"slot_minutes": _("هر نوبت دست‌کم ۵ دقیقه است.")})


class SlotException(models.Model):
    """One day that differs from the template: the office closed (a closure of one office, a
    training day) or a different capacity per slot. Empty service means every service."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("دفتر")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("خدمت"),
        help_text=_("خالی یعنی همه خدمات این دفتر."),
    )
    date = models.DateField(_("تاریخ"))
    is_closed = models.BooleanField(_("تعطیل"), default=True)
    capacity = models.PositiveSmallIntegerField(
        _("ظرفیت هر نوبت در این روز"), null=True, blank=True
    )
    note = models.CharField(_("علت"), max_length=200, blank=True)

    class Meta:
        ordering = ["office", "date"]
        verbose_name = _("استثنای نوبت‌دهی")
        verbose_name_plural = _("استثناهای نوبت‌دهی")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_closed=True) | Q(capacity__isnull=False),
                name="slot_exception_closed_or_capacity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} — {format_date(self.date)}"

    def clean(self) -> None:
        if not self.is_closed and self.capacity is None:
            raise ValidationError({"capacity": _("یا روز را تعطیل کنید یا ظرفیت را بنویسید.")})


class SlotLock(models.Model):
    """One row per (office, service, slot start) that bookings lock before counting, so that
    two people never take the last place of a slot at once (see services.appointment_book)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    bookings = models.PositiveIntegerField(default=0)  # bookings ever taken: a lock touch

    class Meta:
        verbose_name = _("قفل نوبت")
        verbose_name_plural = _("قفل‌های نوبت")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "starts_at"], name="slot_lock_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.service_id}@{self.starts_at:%Y-%m-%d %H:%M}"


class DailyQueue(models.Model):
    """The last queue number given at an office on a day; incremented under its row lock."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("صف روزانه")
        verbose_name_plural = _("صف‌های روزانه")
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="daily_queue_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}@{format_date(self.date)}: {self.last_number}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("رزروشده")
    CANCELLED = "cancelled", _("لغوشده")
    CHECKED_IN = "checked_in", _("حاضر شد")
    NO_SHOW = "no_show", _("غایب")
    COMPLETED = "completed", _("انجام‌شده")


# Bookings that hold a place in their slot.
HOLDING_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.COMPLETED,
)


class Appointment(models.Model):
    booking_code = models.CharField(_("کد نوبت"), max_length=12, unique=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    national_code = models.CharField(_("کد ملی"), max_length=10)
    mobile = models.CharField(_("تلفن همراه"), max_length=13)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="appointments")
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("دفتر")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("خدمت")
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    starts_at = models.DateTimeField(_("زمان نوبت"))
    ends_at = models.DateTimeField()
    # The Tehran date of starts_at: the day of the queue, the reminder and the clerk's list.
    visit_on = models.DateField(_("روز مراجعه"))
    status = models.CharField(
        _("وضعیت"),
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    queue_number = models.PositiveIntegerField(_("شماره نوبت صف"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    rescheduled_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rescheduled_to",
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("نوبت")
        verbose_name_plural = _("نوبت‌ها")
        indexes = [
            models.Index(fields=["office", "service", "starts_at"], name="appointment_slot"),
            models.Index(fields=["agency", "visit_on"], name="appointment_agency_day"),
            models.Index(fields=["national_code", "status"], name="appointment_citizen"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "visit_on", "queue_number"],
                condition=Q(queue_number__isnull=False),
                name="appointment_unique_queue_number",
            ),
            # A double click or two tabs must not book one citizen twice (services.
            # appointment_book checks first, under the slot's lock, with a Persian message).
            models.UniqueConstraint(
                fields=["citizen", "service"],
                condition=Q(status=AppointmentStatus.BOOKED),
                name="appointment_one_open_per_citizen_service",
            ),
        ]

    def __str__(self) -> str:
        return self.booking_code

    @property
    def is_active(self) -> bool:
        return self.status == AppointmentStatus.BOOKED

    @property
    def local_start(self) -> datetime.datetime:
        return self.starts_at.astimezone(TEHRAN)


class Breach(models.Model):
    """A citizen whose first offered slot was later than the 3-working-day promise."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="breaches", verbose_name=_("دفتر")
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="+", verbose_name=_("خدمت")
    )
    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="breach"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_on = models.DateField(_("روز درخواست"))
    promised_by = models.DateField(_("آخرین روز مجاز"))
    first_offered_on = models.DateField(_("نخستین روز پیشنهادی"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(
        _("روز کاری تا نخستین پیشنهاد"), null=True, blank=True
    )
    reason = models.CharField(_("علت"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("تخلف از مهلت سه روز کاری")
        verbose_name_plural = _("تخلف‌ها از مهلت سه روز کاری")
        indexes = [models.Index(fields=["agency", "-created_at"], name="breach_agency_recent")]
        constraints = [
            # A citizen who finds no slot at all is recorded once a day per office and service.
            models.UniqueConstraint(
                fields=["office", "service", "citizen", "requested_on"],
                condition=Q(appointment__isnull=True),
                name="breach_unserved_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} — {self.requested_on}"


class CapacityWarning(models.Model):
    """The daily warning to an agency that coming capacity will not cover demand; one a day."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("هشدار ظرفیت")
        verbose_name_plural = _("هشدارهای ظرفیت")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "date"], name="capacity_warning_daily")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}@{format_date(self.date)}"


class Invitation(models.Model):
    """The SMS asking a citizen to book, sent once each time a request enters an appointment
    step (keyed by the moment it entered)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    step_started_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("دعوت به گرفتن نوبت")
        verbose_name_plural = _("دعوت‌ها به گرفتن نوبت")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "step_started_at"], name="invitation_once_per_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}@{self.step_started_at:%Y-%m-%d %H:%M}"
