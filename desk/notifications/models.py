"""The outbox, message templates and what providers tell us back (receipts, inbound SMS).

This app imports no other app: the agency a message or template belongs to is a foreign key by
name, and whoever queues a message hands over everything it needs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("پیامک")
    EMAIL = "email", _("رایانامه")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("در صف")
    SENDING = "sending", _("در حال ارسال")
    SENT = "sent", _("ارسال‌شده")
    DELIVERED = "delivered", _("رسیده به گیرنده")
    TEMPORARY_FAILURE = "temporary_failure", _("ناموفق (موقت)")
    PERMANENT_FAILURE = "permanent_failure", _("ناموفق (دائم)")


FAILURE_STATUSES = (MessageStatus.TEMPORARY_FAILURE, MessageStatus.PERMANENT_FAILURE)


class OutboundMessage(models.Model):
    """One message to one recipient, written in the transaction of the change that causes it.

    A worker claims it (status SENDING until `claimed_until`), sends it, and records the
    provider's id. `in_doubt` marks a message that may have reached the provider although we
    never heard back (a timeout, a worker killed mid-send): it is looked up by our own id
    (`pk`, Kavenegar's `localid`) before it is ever sent again.
    """

    channel = models.CharField(
        _("راه ارسال"), max_length=5, choices=Channel.choices, default=Channel.SMS
    )
    to = models.CharField(_("گیرنده"), max_length=254)
    sender = models.CharField(max_length=20, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    kind = models.CharField(_("نوع"), max_length=40)
    reference = models.CharField(_("کد پیگیری مرتبط"), max_length=40, blank=True, db_index=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("دستگاه"),
    )
    template_version = models.ForeignKey(
        "TemplateVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urgent = models.BooleanField(default=False)

    status = models.CharField(
        _("وضعیت"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("دفعات تلاش"), default=0)
    next_attempt_at = models.DateTimeField(
        _("تلاش بعدی"), null=True, blank=True, default=timezone.now
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    in_doubt = models.BooleanField(_("ارسال نامعلوم"), default=False)

    provider = models.CharField(_("سرویس‌دهنده"), max_length=20, blank=True)
    provider_id = models.CharField(_("شناسه نزد سرویس‌دهنده"), max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("زمان ساخت"), default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["provider", "provider_id"], name="outbox_provider_id"),
            models.Index(fields=["agency", "status", "created_at"], name="outbox_agency_status"),
        ]
        verbose_name = _("پیام")
        verbose_name_plural = _("صندوق پیام‌ها")

    def __str__(self) -> str:
        return f"{self.to}: {self.body[:30]}"

    @property
    def is_failure(self) -> bool:
        return self.status in FAILURE_STATUSES

    @property
    def will_retry(self) -> bool:
        return self.status == MessageStatus.TEMPORARY_FAILURE and self.next_attempt_at is not None


class MessageTemplate(models.Model):
    """The text of one event. The row without an agency is the default; an agency's row
    overrides it while active. The text itself lives in versions, never edited in place."""

    event = models.CharField(_("رویداد"), max_length=60)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("دستگاه"),
    )
    is_active = models.BooleanField(_("فعال"), default=True)
    created_at = models.DateTimeField(_("زمان ساخت"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(agency__isnull=True), name="template_one_default"
            ),
            models.UniqueConstraint(
                fields=["event", "agency"],
                condition=Q(agency__isnull=False),
                name="template_one_per_agency",
            ),
        ]
        verbose_name = _("قالب پیام")
        verbose_name_plural = _("قالب‌های پیام")

    def __str__(self) -> str:
        return f"{self.event} ({self.agency_id or 'default'})"


class TemplateVersion(models.Model):
    """One text of a template. Saving an edit adds a version; each message records its own."""

    template = models.ForeignKey(MessageTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(_("متن"))
    subject = models.CharField(_("عنوان رایانامه"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_number")
        ]
        verbose_name = _("نسخه قالب")
        verbose_name_plural = _("نسخه‌های قالب")

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class DeliveryReceipt(models.Model):
    """What a provider said about a sent message, by webhook or when asked. Kept once: the same
    receipt arriving again is recognised by the unique constraint and changes nothing."""

    provider = models.CharField(_("سرویس‌دهنده"), max_length=20)
    provider_id = models.CharField(_("شناسه نزد سرویس‌دهنده"), max_length=100)
    raw_status = models.CharField(_("وضعیت گزارش‌شده"), max_length=40)
    status = models.CharField(_("وضعیت"), max_length=20, choices=MessageStatus.choices)
    message = models.ForeignKey(
        OutboundMessage,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="receipts",
        verbose_name=_("پیام"),
    )
    received_at = models.DateTimeField(_("زمان دریافت"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_id", "raw_status"], name="receipt_once"
            )
        ]
        verbose_name = _("رسید تحویل")
        verbose_name_plural = _("رسیدهای تحویل")

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_id} {self.raw_status}"


class InboundStatus(models.TextChoices):
    NEW = "new", _("تازه")
    REPLIED = "replied", _("پاسخ داده شد")
    IGNORED = "ignored", _("بی‌پاسخ")
    RATE_LIMITED = "rate_limited", _("بیش از حد مجاز")


class InboundMessage(models.Model):
    """An SMS a citizen sent to one of our lines, from the provider's webhook or its inbox."""

    provider = models.CharField(_("سرویس‌دهنده"), max_length=20)
    provider_message_id = models.CharField(max_length=100)
    sender = models.CharField(_("فرستنده"), max_length=20)
    line = models.CharField(_("خط"), max_length=20, blank=True)
    text = models.TextField(_("متن"))
    received_at = models.DateTimeField(_("زمان دریافت"), default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("وضعیت"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.NEW
    )
    reply = models.ForeignKey(
        OutboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_message_id"], name="inbound_once")
        ]
        indexes = [models.Index(fields=["sender", "created_at"], name="inbound_sender_created")]
        verbose_name = _("پیامک دریافتی")
        verbose_name_plural = _("پیامک‌های دریافتی")

    def __str__(self) -> str:
        return f"{self.sender}: {self.text[:30]}"
