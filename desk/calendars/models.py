"""The working calendar as data: weekly days off, office hours, closures and holiday fixes.

Official holidays come from the ``holidays`` package (see ``desk.lib.workdays``); the rows here
are what decrees and admins change on top of it. ``selectors.calendar_for_agency`` turns them
into a ``WorkCalendar``.
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
from desk.lib.jalali import format_date
from desk.lib.persian import search_key


class Province(models.TextChoices):
    """Iran's 31 provinces; the value is the Persian name, as ``Agency.province`` holds it."""

    AZARBAIJAN_SHARQI = "آذربایجان شرقی", _("آذربایجان شرقی")
    AZARBAIJAN_GHARBI = "آذربایجان غربی", _("آذربایجان غربی")
    ARDABIL = "اردبیل", _("اردبیل")
    ISFAHAN = "اصفهان", _("اصفهان")
    ALBORZ = "البرز", _("البرز")
    ILAM = "ایلام", _("ایلام")
    BUSHEHR = "بوشهر", _("بوشهر")
    TEHRAN = "تهران", _("تهران")
    CHAHARMAHAL = "چهارمحال و بختیاری", _("چهارمحال و بختیاری")
    KHORASAN_JONUBI = "خراسان جنوبی", _("خراسان جنوبی")
    KHORASAN_RAZAVI = "خراسان رضوی", _("خراسان رضوی")
    KHORASAN_SHOMALI = "خراسان شمالی", _("خراسان شمالی")
    KHUZESTAN = "خوزستان", _("خوزستان")
    ZANJAN = "زنجان", _("زنجان")
    SEMNAN = "سمنان", _("سمنان")
    SISTAN = "سیستان و بلوچستان", _("سیستان و بلوچستان")
    FARS = "فارس", _("فارس")
    QAZVIN = "قزوین", _("قزوین")
    QOM = "قم", _("قم")
    KURDESTAN = "کردستان", _("کردستان")
    KERMAN = "کرمان", _("کرمان")
    KERMANSHAH = "کرمانشاه", _("کرمانشاه")
    KOHGILUYEH = "کهگیلویه و بویراحمد", _("کهگیلویه و بویراحمد")
    GOLESTAN = "گلستان", _("گلستان")
    GILAN = "گیلان", _("گیلان")
    LORESTAN = "لرستان", _("لرستان")
    MAZANDARAN = "مازندران", _("مازندران")
    MARKAZI = "مرکزی", _("مرکزی")
    HORMOZGAN = "هرمزگان", _("هرمزگان")
    HAMADAN = "همدان", _("همدان")
    YAZD = "یزد", _("یزد")


def _province_key(text: str) -> str:
    key = search_key(text).replace("\u200c", " ")
    return key.removeprefix("استان ").strip()


_PROVINCE_KEYS = {_province_key(p.value): Province(p.value) for p in Province}


def province_of(text: str) -> Province | None:
    """The province a free-text ``Agency.province`` names («استان تهران», «تهران», Arabic
    letters…), or ``None`` when it names none."""
    return _PROVINCE_KEYS.get(_province_key(text or ""))


class WeeklyDaysOff(models.Model):
    """The weekly days off from a date onward: nationally, or for one agency.

    A decree («Saturdays off from 1405/01/01») is a new row; for any day the latest-starting
    rule that covers it wins, an agency's own rules over national ones. With no rule, Thursday
    and Friday are off.
    """

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("دستگاه"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="weekly_days_off",
        help_text=_("خالی یعنی برای همه دستگاه‌های کشور."),
    )
    starts_on = models.DateField(_("از تاریخ"))
    ends_on = models.DateField(_("تا تاریخ"), null=True, blank=True)
    saturday = models.BooleanField(_("شنبه"), default=False)
    sunday = models.BooleanField(_("یکشنبه"), default=False)
    monday = models.BooleanField(_("دوشنبه"), default=False)
    tuesday = models.BooleanField(_("سه‌شنبه"), default=False)
    wednesday = models.BooleanField(_("چهارشنبه"), default=False)
    thursday = models.BooleanField(_("پنجشنبه"), default=True)
    friday = models.BooleanField(_("جمعه"), default=True)
    note = models.CharField(_("مصوبه یا توضیح"), max_length=200, blank=True)

    # Python weekday numbers (Monday = 0) of the fields above.
    WEEKDAY_FIELDS = (
        ("monday", 0),
        ("tuesday", 1),
        ("wednesday", 2),
        ("thursday", 3),
        ("friday", 4),
        ("saturday", 5),
        ("sunday", 6),
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("روزهای تعطیل هفته")
        verbose_name_plural = _("روزهای تعطیل هفته")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="weekly_days_off_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency or _('سراسر کشور')}: {format_date(self.starts_on)}"

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(number for name, number in self.WEEKDAY_FIELDS if getattr(self, name))

    def clean(self) -> None:
        if len(self.weekdays) == 7:
            raise ValidationError(_("دست‌کم یک روز هفته باید کاری باشد."))
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("تاریخ پایان نمی‌تواند پیش از تاریخ شروع باشد.")})


class OfficeHours(models.Model):
    """When an agency's offices open on working days, from a date onward (appointments use
    it). A single-day row with an early closing time models a half-day closure."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("دستگاه"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="office_hours",
        help_text=_("خالی یعنی ساعت کاری پیش‌فرض همه دستگاه‌ها."),
    )
    starts_on = models.DateField(_("از تاریخ"))
    ends_on = models.DateField(_("تا تاریخ"), null=True, blank=True)
    opens_at = models.TimeField(_("ساعت شروع"), default=datetime.time(7, 30))
    closes_at = models.TimeField(_("ساعت پایان"), default=datetime.time(14, 30))
    note = models.CharField(_("مصوبه یا توضیح"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("ساعت کاری")
        verbose_name_plural = _("ساعت‌های کاری")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="office_hours_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="office_hours_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency or _('سراسر کشور')}: {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self) -> None:
        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("تاریخ پایان نمی‌تواند پیش از تاریخ شروع باشد.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("ساعت پایان باید پس از ساعت شروع باشد.")
        if errors:
            raise ValidationError(errors)


class ClosureScope(models.TextChoices):
    NATIONAL = "national", _("سراسر کشور")
    PROVINCE = "province", _("یک استان")
    AGENCY = "agency", _("یک دستگاه")


class ClosureKind(models.TextChoices):
    POLLUTION = "pollution", _("آلودگی هوا")
    HEAT = "heat", _("گرما")
    ENERGY = "energy", _("صرفه‌جویی انرژی")
    OTHER = "other", _("سایر")


class Closure(models.Model):
    """An ad-hoc closure (تعطیلی) of whole days, decided by a governor, the cabinet or an agency.

    Written only through ``services.closure_create``: a closure moves the deadlines of running
    requests, and that service announces it (a job recomputes them).
    """

    scope = models.CharField(_("گستره"), max_length=10, choices=ClosureScope.choices)
    province = models.CharField(
        _("استان"), max_length=30, choices=Province.choices, blank=True, default=""
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("دستگاه"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
    )
    starts_on = models.DateField(_("از تاریخ"))
    ends_on = models.DateField(_("تا تاریخ"))
    kind = models.CharField(_("علت"), max_length=10, choices=ClosureKind.choices)
    reason = models.CharField(_("شرح"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("تعطیلی")
        verbose_name_plural = _("تعطیلی‌ها")
        indexes = [models.Index(fields=["scope", "ends_on"], name="closure_scope_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="closure_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope=ClosureScope.NATIONAL, province="", agency__isnull=True)
                    | (Q(scope=ClosureScope.PROVINCE, agency__isnull=True) & ~Q(province=""))
                    | Q(scope=ClosureScope.AGENCY, province="", agency__isnull=False)
                ),
                name="closure_scope_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({format_date(self.starts_on)}–{format_date(self.ends_on)})"

    def days(self) -> list[datetime.date]:
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + datetime.timedelta(days=i) for i in range(count)]


class HolidayOverride(models.Model):
    """A national correction to the package's official holidays: a holiday it lacks (a day of
    mourning by decree), or a lunar holiday it has on the wrong day (cancel it here and add the
    announced day)."""

    date = models.DateField(_("تاریخ"), unique=True)
    is_day_off = models.BooleanField(_("تعطیل است"), default=True)
    name = models.CharField(_("نام مناسبت"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]
        verbose_name = _("اصلاح تعطیلات رسمی")
        verbose_name_plural = _("اصلاح تعطیلات رسمی")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_day_off=False) | ~Q(name=""), name="holiday_override_named"
            )
        ]

    def __str__(self) -> str:
        return f"{format_date(self.date)}: {self.name or _('لغو تعطیلی')}"
