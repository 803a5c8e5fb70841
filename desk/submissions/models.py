from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.lib.jalali import today_tehran


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("ثبت‌شده، در انتظار بررسی")
    IN_REVIEW = "in_review", _("در حال بررسی")
    NEEDS_INFO = "needs_info", _("در انتظار تکمیل اطلاعات از سوی شما")
    REJECTED = "rejected", _("ردشده")
    COMPLETED = "completed", _("انجام‌شده")


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFO)


class Submission(models.Model):
    """A citizen's request for a service (درخواست), followed by its tracking code."""

    tracking_code = models.CharField(_("کد رهگیری"), max_length=16, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="submissions")
    # Denormalised from the service so that every staff query is scoped by one indexed column.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="submissions")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    applicant_name = models.CharField(_("نام متقاضی"), max_length=200, blank=True)
    applicant_national_code = models.CharField(_("کد ملی متقاضی"), max_length=10)
    applicant_mobile = models.CharField(_("تلفن همراه متقاضی"), max_length=13)
    data = models.JSONField(_("پاسخ‌های فرم"), default=dict)
    status = models.CharField(
        _("وضعیت"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    due_on = models.DateField(_("موعد پاسخ نهایی"))
    closed_at = models.DateTimeField(_("زمان پایان"), null=True, blank=True)
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("درخواست")
        verbose_name_plural = _("درخواست‌ها")
        indexes = [
            models.Index(fields=["agency", "status", "due_on"], name="submission_inbox"),
            models.Index(fields=["applicant", "-submitted_at"], name="submission_applicant"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and (today or today_tehran()) > self.due_on


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", _("مدرک متقاضی")
    RESULT = "result", _("نتیجه")


def _upload_to(instance: Attachment, filename: str) -> str:
    # Random names: the original name is kept in a column, never on disk.
    now = timezone.now()
    return f"submissions/{now:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    field_name = models.CharField(max_length=50, blank=True)
    label = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("پیوست")
        verbose_name_plural = _("پیوست‌ها")

    def __str__(self) -> str:
        return self.original_name


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("درخواست ثبت شد")
    REVIEW_STARTED = "review_started", _("بررسی آغاز شد")
    INFO_REQUESTED = "info_requested", _("اطلاعات یا مدرک بیشتری خواسته شد")
    INFO_PROVIDED = "info_provided", _("متقاضی اطلاعات را تکمیل کرد")
    REJECTED = "rejected", _("درخواست رد شد")
    COMPLETED = "completed", _("درخواست انجام شد و نتیجه صادر شد")


class TimelineEvent(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    status_after = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Shown to the citizen (a reason, a question); staff see it too.
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("رویداد")
        verbose_name_plural = _("رویدادها")

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.kind}"
