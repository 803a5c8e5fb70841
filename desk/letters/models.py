"""Citizen letters (مکاتبات) and the agency's secretariat register that numbers them."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.core.models import StoredDocument
from desk.lib.jalali import today_tehran
from desk.submissions.models import Submission
from desk.workflow.models import Department

PLACEHOLDERS = ("{year}", "{number}")


def validate_number_format(value: str) -> None:
    if "{number}" not in value:
        raise ValidationError(_("قالب شماره باید {number} (شماره ترتیبی) را داشته باشد."))
    rest = value
    for placeholder in PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    if "{" in rest or "}" in rest:
        raise ValidationError(_("در قالب شماره فقط {year} و {number} به کار می‌رود."))


class Direction(models.TextChoices):
    INCOMING = "in", _("وارده")
    OUTGOING = "out", _("صادره")


class Register(models.Model):
    """An agency's secretariat settings: how its numbers read, and how long a letter may wait."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="letter_register", verbose_name=_("دستگاه")
    )
    incoming_format = models.CharField(
        _("قالب شماره نامه‌های وارده"),
        max_length=60,
        default="{year}/{number}/و",
        validators=[validate_number_format],
        help_text=_("{year}: سال شمسی، {number}: شماره ترتیبی در آن سال؛ مثلاً {year}/{number}/و"),
    )
    outgoing_format = models.CharField(
        _("قالب شماره نامه‌های صادره"),
        max_length=60,
        default="{year}/{number}/ص",
        validators=[validate_number_format],
        help_text=_("مثلاً {year}/{number}/ص"),
    )
    deadline_working_days = models.PositiveSmallIntegerField(_("مهلت پاسخ (روز کاری)"), default=10)

    class Meta:
        verbose_name = _("تنظیمات دبیرخانه")
        verbose_name_plural = _("تنظیمات دبیرخانه")

    def __str__(self) -> str:
        return str(self.agency)

    def format_for(self, direction: str) -> str:
        return self.incoming_format if direction == Direction.INCOMING else self.outgoing_format


class RegisterCounter(models.Model):
    """The last number given in one agency's register, one direction, one Jalali year. The row
    is locked while a letter takes the next number, so numbers are unique and gap-free."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("شماره‌انداز دبیرخانه")
        verbose_name_plural = _("شماره‌اندازهای دبیرخانه")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "direction", "year"], name="letter_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.direction}/{self.year}: {self.last}"


class Channel(models.TextChoices):
    WEB = "web", _("برخط، از سوی شهروند")
    DESK = "desk", _("نامه کاغذی، ثبت در میز خدمت")
    API = "api", _("برخط، از برنامه همراه یا سامانه دیگر")


class LetterStatus(models.TextChoices):
    REGISTERED = "registered", _("ثبت‌شده، در انتظار بررسی")
    ROUTED = "routed", _("در حال بررسی در واحد مربوط")
    ANSWERED = "answered", _("پاسخ داده شد")
    CONVERTED = "converted", _("به درخواست خدمت تبدیل شد")


OPEN_LETTER_STATUSES = (LetterStatus.REGISTERED, LetterStatus.ROUTED)


class Letter(models.Model):
    """A citizen's letter to an agency, entered in its register with an incoming number."""

    tracking_code = models.CharField(_("کد رهگیری"), max_length=16, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="letters")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters"
    )
    citizen_name = models.CharField(_("نام نویسنده"), max_length=200, blank=True)
    citizen_national_code = models.CharField(_("کد ملی نویسنده"), max_length=10)
    citizen_mobile = models.CharField(_("تلفن همراه نویسنده"), max_length=13, blank=True)
    channel = models.CharField(_("راه رسیدن"), max_length=5, choices=Channel.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("موضوع"), max_length=200)
    body = models.TextField(_("متن نامه"))
    about = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("درباره درخواست"),
    )
    year = models.PositiveSmallIntegerField(_("سال شمسی ثبت"))
    serial = models.PositiveIntegerField(_("شماره ترتیبی"))
    number = models.CharField(_("شماره ثبت دبیرخانه"), max_length=80)
    registered_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    status = models.CharField(
        _("وضعیت"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.REGISTERED
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(_("موعد پاسخ"))
    # The working days promised at registration (the register's setting then): a calendar
    # change moves ``due_on`` by the same promise, whatever the setting has become since.
    deadline_working_days = models.PositiveSmallIntegerField(default=10)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The request this letter was turned into (its timeline names the letter back).
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-registered_at", "-pk"]
        verbose_name = _("نامه")
        verbose_name_plural = _("نامه‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "serial"], name="letter_serial_unique"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_on"], name="letter_inbox"),
            models.Index(fields=["citizen", "-registered_at"], name="letter_citizen"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LETTER_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and (today or today_tehran()) > self.due_on

    def days_left(self, today: date | None = None) -> int:
        return (self.due_on - (today or today_tehran())).days


def _upload_to(instance: object, filename: str) -> str:
    # Random names: nothing on disk says whose letter it is.
    now = timezone.now()
    return f"letters/{now:%Y/%m}/{uuid.uuid4().hex}"


class LetterAttachment(StoredDocument):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_upload_to, max_length=200)

    class Meta(StoredDocument.Meta):
        verbose_name = _("پیوست نامه")
        verbose_name_plural = _("پیوست‌های نامه")

    @property
    def download_stem(self) -> str:
        return f"{self.letter.tracking_code}-{self.public_id.hex[:8]}"


class LetterReply(models.Model):
    """The agency's answer, entered in the same register with an outgoing number and delivered
    as a verifiable PDF."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="replies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(_("شماره صادره"), max_length=80)
    body = models.TextField(_("متن پاسخ"))
    issued_at = models.DateTimeField(_("زمان صدور"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verification_code = models.CharField(_("کد صحت‌سنجی"), max_length=16, unique=True)
    file = models.FileField(upload_to=_upload_to, max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    first_downloaded_at = models.DateTimeField(_("نخستین دریافت"), null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("پاسخ نامه")
        verbose_name_plural = _("پاسخ‌های نامه")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "serial"], name="letter_reply_serial_unique"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def filename(self) -> str:
        return f"{self.letter.tracking_code}-reply-{self.verification_code[-4:]}.pdf"


class NoteKind(models.TextChoices):
    REGISTERED = "registered", _("نامه ثبت شد")
    ROUTED = "routed", _("به واحد ارجاع شد")
    ANSWERED = "answered", _("پاسخ صادر شد")
    CONVERTED = "converted", _("به درخواست خدمت تبدیل شد")
    ESCALATED = "escalated", _("از مهلت پاسخ گذشت و پیگیری شد")


class LetterNote(models.Model):
    """The letter's history; internal notes (routing, escalation) are for staff only."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=12, choices=NoteKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("رویداد نامه")
        verbose_name_plural = _("رویدادهای نامه")

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.kind}"
