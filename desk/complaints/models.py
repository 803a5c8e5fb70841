"""Complaints (شکایت), anonymous reports (گزارش بی‌نام) and objections to a decision (اعتراض):
each with its own tracking code, an answer deadline in the agency's working days, and an
appeal to the oversight body.

An anonymous report keeps no identity: no user, no mobile, no address, no name. Its author
follows it with the tracking code and a follow-up key shown once on the receipt (only a hash
of the key is stored).
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.core.uploads import download_name
from desk.lib.jalali import today_tehran
from desk.submissions.models import Submission

# The citizens' rights resolution asks for a timely answer without naming a number; the
# seeds name none either. Ten working days (two working weeks) is the default an agency
# changes in its policy.
DEFAULT_ANSWER_DAYS = 10
DEFAULT_OBJECTION_DAYS = 10
DEFAULT_APPEAL_DAYS = 10


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("شکایت")
    REPORT = "report", _("گزارش بی‌نام")
    OBJECTION = "objection", _("اعتراض به تصمیم")


class About(models.TextChoices):
    REQUEST = "request", _("درخواست")
    SERVICE = "service", _("خدمت")
    STAFF = "staff", _("رفتار کارمند")


class State(models.TextChoices):
    OPEN = "open", _("در انتظار پاسخ دستگاه")
    ANSWERED = "answered", _("پاسخ داده شد")
    APPEALED = "appealed", _("در بررسی مرجع نظارت")
    DECIDED = "decided", _("رأی مرجع نظارت صادر شد")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("وارد است (پذیرفته شد)")
    DISMISSED = "dismissed", _("وارد نیست (پذیرفته نشد)")


class ComplaintPolicy(models.Model):
    """An agency's deadlines, in its working days."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="complaint_policy", verbose_name=_("دستگاه")
    )
    answer_days = models.PositiveSmallIntegerField(
        _("مهلت پاسخ (روز کاری)"), default=DEFAULT_ANSWER_DAYS
    )
    objection_days = models.PositiveSmallIntegerField(
        _("مهلت اعتراض پس از رد درخواست (روز کاری)"), default=DEFAULT_OBJECTION_DAYS
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("مهلت تجدیدنظرخواهی پس از پاسخ (روز کاری)"), default=DEFAULT_APPEAL_DAYS
    )

    class Meta:
        verbose_name = _("قاعده رسیدگی به شکایات")
        verbose_name_plural = _("قواعد رسیدگی به شکایات")

    def __str__(self) -> str:
        return str(self.agency)


class Complaint(models.Model):
    tracking_code = models.CharField(_("کد پیگیری"), max_length=16, unique=True)
    kind = models.CharField(_("نوع"), max_length=10, choices=Kind.choices)
    about = models.CharField(_("درباره"), max_length=10, choices=About.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="complaints")
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    # The staff member complained about, chosen from the request's timeline (never typed).
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_about",
    )
    # None for an anonymous report; the mobile is the one SMS go to.
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    complainant_mobile = models.CharField(max_length=13, blank=True)
    follow_key_hash = models.CharField(max_length=64, blank=True)
    text = models.TextField(_("شرح"))
    state = models.CharField(_("وضعیت"), max_length=10, choices=State.choices, default=State.OPEN)
    filed_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    due_on = models.DateField(_("موعد پاسخ"))
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("پاسخ دستگاه"), blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_until = models.DateField(null=True, blank=True)
    appeal_text = models.TextField(_("دلیل تجدیدنظرخواهی"), blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    appeal_decision = models.TextField(_("رأی مرجع نظارت"), blank=True)
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("شکایت")
        verbose_name_plural = _("شکایت‌ها")
        indexes = [
            models.Index(fields=["agency", "state", "due_on"], name="complaint_inbox"),
            models.Index(fields=["complainant", "-filed_at"], name="complaint_mine"),
            models.Index(fields=["state", "appealed_at"], name="complaint_appeals"),
        ]
        constraints = [
            # An anonymous report never names a person, and only a report has a follow-up key.
            models.CheckConstraint(
                condition=~models.Q(kind="report")
                | models.Q(
                    complainant__isnull=True, complainant_mobile="", submission__isnull=True
                ),
                name="complaint_report_keeps_no_identity",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def is_overdue(self, today: date | None = None) -> bool:
        return self.state == State.OPEN and (today or today_tehran()) > self.due_on

    def may_appeal(self, today: date | None = None) -> bool:
        return (
            self.state == State.ANSWERED
            and self.complainant_id is not None
            and self.appeal_until is not None
            and (today or today_tehran()) <= self.appeal_until
        )


def _upload_to(instance: ComplaintAttachment, filename: str) -> str:
    now = timezone.now()
    return f"complaints/{now:%Y/%m}/{uuid.uuid4().hex}"


class ComplaintAttachment(models.Model):
    """A document the citizen sent with the complaint (checked like a request's documents);
    no uploader is recorded, so that an anonymous report's file names nobody."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_upload_to, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("پیوست شکایت")
        verbose_name_plural = _("پیوست‌های شکایت")

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def download_name(self) -> str:
        stem = f"{self.complaint.tracking_code}-{self.public_id.hex[:8]}"
        return download_name(stem, self.content_type)
