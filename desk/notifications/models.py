from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("در صف")
    SENT = "sent", _("ارسال‌شده")
    FAILED = "failed", _("ناموفق")


class OutboundMessage(models.Model):
    """An SMS in the outbox. Written in the transaction of the change that causes it."""

    to = models.CharField(max_length=13)
    body = models.TextField()
    kind = models.CharField(max_length=40)
    reference = models.CharField(max_length=40, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]
        verbose_name = _("پیامک")
        verbose_name_plural = _("پیامک‌ها")

    def __str__(self) -> str:
        return f"{self.to}: {self.body[:30]}"
