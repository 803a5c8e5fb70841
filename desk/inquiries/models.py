"""Inquiries between agencies (استعلام): what a workflow step asks, of whom, what it shares,
the answers, and the append-only log of who looked at a citizen's data and why.

An inquiry goes from agency A's request to agency B in this installation, or to an agency of
another installation (a ``Peer``) over the signed API of ``desk.inquiries.api``; an inquiry
from a peer lands here with no local request, only the shared fields it carried.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.core.models import StoredDocument
from desk.lib.jalali import today_tehran
from desk.submissions.models import Submission
from desk.workflow.models import Step

# Pseudo field names a rule may share besides the form's own fields.
IDENTITY_FIELDS = {
    "applicant_name": _("نام متقاضی"),
    "applicant_national_code": _("کد ملی متقاضی"),
}


class WaitFor(models.TextChoices):
    ALL = "all", _("پاسخ همه دستگاه‌ها")
    FIRST = "first", _("نخستین پاسخ")


class OnAnswer(models.TextChoices):
    ADVANCE = "advance", _("درخواست خودکار به مرحله بعد برود")
    REVIEW = "review", _("کارشناس پاسخ را بخواند و اقدام کند")


class Peer(models.Model):
    """Another installation of the desk that agencies of this one may ask, and be asked by.
    Requests both ways are signed with ``secret`` (HMAC-SHA256); ``key`` names this pair of
    installations in the ``X-Desk-Peer`` header."""

    name = models.CharField(_("نام سامانه"), max_length=200)
    key = models.SlugField(_("شناسه کلید"), max_length=60, unique=True)
    base_url = models.URLField(_("نشانی پایه"), help_text=_("مثلاً https://desk.example.ir"))
    secret = models.CharField(_("کلید مشترک"), max_length=200)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("سامانه همتا")
        verbose_name_plural = _("سامانه‌های همتا")

    def __str__(self) -> str:
        return self.name


class InquiryRule(models.Model):
    """What an inquiry step of a service's workflow asks. Keyed by the step's key, so that
    new versions of the workflow keep it."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="inquiry_rules", verbose_name=_("خدمت")
    )
    step_key = models.SlugField(_("شناسه مرحله استعلام"), max_length=40)
    targets = models.TextField(
        _("دستگاه‌های طرف استعلام"),
        blank=True,
        help_text=_(
            "هر سطر نشانی کوتاه یک دستگاه (مثلاً gas-company)، یا «شناسه‌کلید:نشانی‌کوتاه» برای "
            "دستگاهی در سامانه همتا. خالی: کارشناس دستگاه را انتخاب می‌کند."
        ),
    )
    question = models.TextField(_("پرسش"))
    shared_fields = models.CharField(
        _("فیلدها و پرونده‌های فرستاده‌شده"),
        max_length=500,
        blank=True,
        help_text=_(
            "نام فیلدهای فرم، با ویرگول جدا. فیلد پرونده، پرونده را می‌فرستد. "
            "applicant_name و applicant_national_code نام و کد ملی متقاضی را."
        ),
    )
    wait_for = models.CharField(
        _("انتظار برای"), max_length=5, choices=WaitFor.choices, default=WaitFor.ALL
    )
    on_answer = models.CharField(
        _("پس از پاسخ"), max_length=7, choices=OnAnswer.choices, default=OnAnswer.ADVANCE
    )
    answer_days = models.PositiveSmallIntegerField(
        _("مهلت پاسخ (روز کاری دستگاه پاسخ‌دهنده)"), default=5
    )

    class Meta:
        ordering = ["service", "step_key"]
        verbose_name = _("قاعده استعلام")
        verbose_name_plural = _("قاعده‌های استعلام")
        constraints = [
            models.UniqueConstraint(fields=["service", "step_key"], name="inquiry_rule_unique_step")
        ]

    def __str__(self) -> str:
        return f"{self.service} — {self.step_key}"

    def field_names(self) -> list[str]:
        return [n.strip() for n in self.shared_fields.split(",") if n.strip()]

    def target_lines(self) -> list[str]:
        return [line.strip() for line in self.targets.splitlines() if line.strip()]

    def clean(self) -> None:
        if not self.service_id:
            return
        known = set(self.service.form_fields.values_list("name", flat=True)) | set(IDENTITY_FIELDS)
        unknown = [n for n in self.field_names() if n not in known]
        if unknown:
            raise ValidationError(
                {"shared_fields": _("این فیلدها در فرم خدمت نیست: %s") % "، ".join(unknown)}
            )
        for line in self.target_lines():
            peer_key, _sep, slug = line.rpartition(":")
            if peer_key and not Peer.objects.filter(key=peer_key, is_active=True).exists():
                raise ValidationError({"targets": _("سامانه همتای «%s» تعریف نشده است.") % line})
            if not peer_key and not Agency.objects.filter(slug=slug, is_active=True).exists():
                raise ValidationError({"targets": _("دستگاه «%s» پیدا نشد.") % line})
            if not peer_key and slug == self.service.agency.slug:
                raise ValidationError({"targets": _("دستگاه از خودش استعلام نمی‌کند.")})


class State(models.TextChoices):
    SENT = "sent", _("در انتظار پاسخ")
    ANSWERED = "answered", _("پاسخ داده شد")
    DECLINED = "declined", _("پاسخ داده نشد (با ذکر دلیل)")
    WITHDRAWN = "withdrawn", _("پس گرفته شد")


class Delivery(models.TextChoices):
    """For inquiries to or from a peer: whether what this side owes the other (the inquiry,
    or its answer) has reached it."""

    NONE = "", _("—")
    PENDING = "pending", _("در صف ارسال")
    DELIVERED = "delivered", _("رسید")
    FAILED = "failed", _("نرسید")


class Inquiry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The asking request; None for an inquiry a peer's agency sent us.
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="inquiries"
    )
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiries_sent"
    )
    # The answering agency here; None when it is an agency of a peer installation.
    to_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiries_received"
    )
    peer = models.ForeignKey(
        Peer, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiries"
    )
    # The other side's agency at the peer: its slug (asked) or its name (asking).
    remote_agency = models.CharField(max_length=200, blank=True)
    # The peer's id of an inquiry it sent us (what our answer names).
    remote_id = models.UUIDField(null=True, blank=True)
    # The asking request's tracking code: the case reference both sides quote.
    case_reference = models.CharField(max_length=16)
    question = models.TextField()
    fields = models.JSONField(default=list)
    attachment_ids = models.JSONField(default=list)
    # What a peer's inquiry shared: [[label, value], …] (no local request to read them from).
    shared = models.JSONField(default=list, blank=True)
    wait_for = models.CharField(max_length=5, choices=WaitFor.choices, default=WaitFor.ALL)
    on_answer = models.CharField(max_length=7, choices=OnAnswer.choices, default=OnAnswer.ADVANCE)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_by_name = models.CharField(max_length=200, blank=True)
    answer = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("استعلام")
        verbose_name_plural = _("استعلام‌ها")
        indexes = [
            models.Index(fields=["to_agency", "state", "due_on"], name="inquiry_inbox"),
            models.Index(fields=["from_agency", "state", "due_on"], name="inquiry_outbox"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(delivery="pending"),
                name="inquiry_delivery_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "remote_id"],
                condition=models.Q(remote_id__isnull=False),
                name="inquiry_unique_remote",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_reference} → {self.target_name}"

    @property
    def target_name(self) -> str:
        if self.to_agency_id is not None:
            return self.to_agency.name  # type: ignore[union-attr]
        return self.remote_agency

    @property
    def asker_name(self) -> str:
        if self.from_agency_id is not None:
            return self.from_agency.name  # type: ignore[union-attr]
        return self.remote_agency

    @property
    def is_open(self) -> bool:
        return self.state == State.SENT

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and (today or today_tehran()) > self.due_on

    def days_left(self, today: date | None = None) -> int:
        return (self.due_on - (today or today_tehran())).days


def _answer_upload_to(instance: models.Model, filename: str) -> str:
    return f"inquiries/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class InquiryFile(StoredDocument):
    """A document the answering agency attached to its answer."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_answer_upload_to, max_length=200)
    # None: sent by another installation (no user of ours uploaded it).
    uploaded_by = models.ForeignKey(  # type: ignore[assignment]
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(StoredDocument.Meta):
        verbose_name = _("پیوست پاسخ استعلام")
        verbose_name_plural = _("پیوست‌های پاسخ استعلام")

    @property
    def download_stem(self) -> str:
        return f"{self.inquiry.case_reference}-inquiry-{self.public_id.hex[:8]}"


class StagedAnswerFile(StoredDocument):
    """A document a staff member chose for an inquiry's answer, checked and stored when the
    answer form was posted, so that an error on the form never loses it
    (desk/inquiries/staging.py). It belongs to the staff member who chose it
    (``uploaded_by``) and to one inquiry, and expires (STAGED_UPLOAD_HOURS); the answer adopts
    the stored file as an :class:`InquiryFile` (the same storage name, no copy) and the row goes.
    """

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="+")
    # The same folders and random names as InquiryFile: an adopted file needs no move.
    file = models.FileField(upload_to=_answer_upload_to, max_length=200)
    expires_at = models.DateTimeField(db_index=True)

    class Meta(StoredDocument.Meta):
        verbose_name = _("پیوست پاسخ استعلام پیش از فرستادن")
        verbose_name_plural = _("پیوست‌های پاسخ استعلام پیش از فرستادن")

    @property
    def download_stem(self) -> str:
        return f"{self.inquiry.case_reference}-inquiry-{self.public_id.hex[:8]}"


class LogKind(models.TextChoices):
    SENT = "sent", _("استعلام فرستاده شد")
    RECEIVED = "received", _("استعلام از سامانه همتا رسید")
    VIEWED = "viewed", _("داده‌های فرستاده‌شده دیده شد")
    FILE_VIEWED = "file_viewed", _("پرونده فرستاده‌شده دریافت شد")
    ANSWERED = "answered", _("پاسخ داده شد")
    DECLINED = "declined", _("پاسخ داده نشد")
    WITHDRAWN = "withdrawn", _("پس گرفته شد")
    REMINDED = "reminded", _("یادآوری فرستاده شد")
    OVERDUE = "overdue", _("از مهلت پاسخ گذشت")


class AppendOnlyError(RuntimeError):
    """A log row was about to be changed or deleted."""


class InquiryLog(models.Model):
    """Append-only: every inquiry, who touched it, for which request, why, when, with what
    result. The citizen's «who looked at my data» reads it."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="log")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=LogKind.choices)
    # Whose staff acted (the asking or the answering agency); the peer's name for remote ones.
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency_name = models.CharField(max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    result = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("رویداد استعلام")
        verbose_name_plural = _("دفتر استعلام‌ها")
        indexes = [models.Index(fields=["submission", "created_at"], name="inquiry_log_request")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.agency_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("inquiry log rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("inquiry log rows are never deleted")
