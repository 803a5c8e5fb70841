"""Agencies' systems connected to the desk: API keys (docs/integrations.md)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Every key reads «mzk_<prefix>_<secret>»: the prefix finds the row and is shown in lists and
# logs; only the SHA-256 of the secret is stored.
KEY_MARK = "mzk"


def _person(label: StrOrPromise) -> Any:
    """Who did something to the row: kept as a hint, emptied if the account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=label,
    )


class Scope(models.TextChoices):
    """What a key may do. The codes are part of the API's contract: never renamed."""

    CATALOG_READ = "catalog:read", _("خواندن فهرست و شناسنامه خدمات")
    REQUESTS_FILE = "requests:file", _("ثبت درخواست از سوی متقاضی (مجرای API)")
    STATUS_READ = "status:read", _("خواندن وضعیت درخواست‌ها")
    INQUIRIES_RECEIVE = "inquiries:receive", _("دریافت استعلام‌ها")


class KeyStatus(models.TextChoices):
    """Derived on read from the timestamps, never stored."""

    ACTIVE = "active", _("فعال")
    GRACE = "grace", _("جایگزین‌شده، تا پایان مهلت معتبر")
    EXPIRED = "expired", _("منقضی")
    REVOKED = "revoked", _("باطل‌شده")


class ApiKey(models.Model):
    """One agency's key for one of its systems."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("دستگاه")
    )
    name = models.CharField(
        _("نام"), max_length=120, help_text=_("سامانه‌ای که این کلید را به کار می‌برد.")
    )
    scopes = models.JSONField(_("دسترسی‌ها"), default=list)
    prefix = models.CharField(_("پیشوند کلید"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = _person(_("سازنده"))
    created_at = models.DateTimeField(_("زمان ساخت"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("آخرین استفاده"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        _("پایان اعتبار"), null=True, blank=True, help_text=_("خالی: بدون تاریخ پایان.")
    )
    revoked_at = models.DateTimeField(_("زمان ابطال"), null=True, blank=True, editable=False)
    revoked_by = _person(_("باطل‌کننده"))
    # Rotation: the key that took this one's place (this one lives on until its grace ends).
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        editable=False,
        verbose_name=_("کلید جایگزین"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("کلید API")
        verbose_name_plural = _("کلیدهای API")
        indexes = [models.Index(fields=["agency", "created_at"], name="apikey_agency_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self) -> str:
        return f"{KEY_MARK}_{self.prefix}_…"

    def status(self, now: datetime.datetime | None = None) -> KeyStatus:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return KeyStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return KeyStatus.EXPIRED
        if self.replaced_by_id is not None:
            return KeyStatus.GRACE
        return KeyStatus.ACTIVE

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return self.status(now) in (KeyStatus.ACTIVE, KeyStatus.GRACE)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def get_scopes_display(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(code, code)) for code in self.scopes]


# --- webhooks ------------------------------------------------------------------------------------


class EventType(models.TextChoices):
    """What an endpoint may subscribe to. The codes are part of the webhooks' contract."""

    REQUEST_SUBMITTED = "request.submitted", _("ثبت درخواست")
    REQUEST_MOVED = "request.moved", _("رفتن درخواست به مرحله دیگر")
    REQUEST_COMPLETED = "request.completed", _("انجام درخواست")
    REQUEST_REJECTED = "request.rejected", _("رد درخواست")
    INQUIRY_RECEIVED = "inquiry.received", _("رسیدن استعلام")
    INQUIRY_ANSWERED = "inquiry.answered", _("پاسخ استعلام")
    PAYMENT_SETTLED = "payment.settled", _("پرداخت هزینه")
    COMPLAINT_FILED = "complaint.filed", _("ثبت شکایت")


class WebhookEndpoint(models.Model):
    """An address of an agency's system that is told when its events happen."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="webhook_endpoints", verbose_name=_("دستگاه")
    )
    url = models.URLField(
        _("نشانی"), max_length=500, help_text=_("نشانی https سامانه‌ای که رویدادها را می‌گیرد.")
    )
    description = models.CharField(_("شرح"), max_length=200, blank=True)
    events = models.JSONField(_("رویدادها"), default=list)
    # Signs every delivery (HMAC-SHA256). Kept in the clear like a peer's inquiry secret: the
    # desk must sign with it; the agency admin reads it on the endpoint's page.
    secret = models.CharField(_("رمز امضا"), max_length=100, editable=False)
    # After a rotation the old secret signs too, until ``previous_secret_until``: receivers
    # switch to the new one without losing a delivery (``v1=new,v1=old``, as Stripe does).
    previous_secret = models.CharField(
        _("رمز امضای پیشین"), max_length=100, blank=True, editable=False
    )
    previous_secret_until = models.DateTimeField(
        _("اعتبار رمز پیشین تا"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("فعال"), default=True)
    created_by = _person(_("سازنده"))
    created_at = models.DateTimeField(_("زمان ساخت"), auto_now_add=True)

    class Meta:
        ordering = ["agency", "url"]
        verbose_name = _("نشانی وب‌هوک")
        verbose_name_plural = _("نشانی‌های وب‌هوک")

    def __str__(self) -> str:
        return self.url

    def signing_secrets(self, now: datetime.datetime | None = None) -> list[str]:
        """The secrets every delivery is signed with: the current one, then the previous one
        while its grace period lasts."""
        keys = [self.secret]
        now = now or timezone.now()
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            keys.append(self.previous_secret)
        return keys

    def get_events_display(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(code, code)) for code in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("در صف ارسال")
    SENDING = "sending", _("در حال ارسال")
    SUCCEEDED = "succeeded", _("رسید")
    FAILED = "failed", _("نرسید (پس از همه تلاش‌ها)")


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, written when the event is handled and sent
    by a job, with retries; the body is kept as sent, so a redelivery sends the same bytes."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("نشانی"),
    )
    event_id = models.UUIDField(_("شناسه رویداد"))
    event_type = models.CharField(_("رویداد"), max_length=40, choices=EventType.choices)
    body = models.TextField(_("متن"))
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("تلاش‌ها"), default=0)
    next_attempt_at = models.DateTimeField(_("تلاش بعدی"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("کد پاسخ"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("زمان پاسخ (میلی‌ثانیه)"), null=True, blank=True)
    error = models.CharField(_("خطا"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("زمان رویداد"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("زمان رسیدن"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ارسال وب‌هوک")
        verbose_name_plural = _("گزارش ارسال وب‌هوک‌ها")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_once_per_event")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint.url}"


class WebhookAttempt(models.Model):
    """One try of a delivery, as the log shows it."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("زمان"), default=timezone.now)
    response_code = models.PositiveSmallIntegerField(_("کد پاسخ"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("زمان پاسخ (میلی‌ثانیه)"), null=True, blank=True)
    error = models.CharField(_("خطا"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("تلاش ارسال")
        verbose_name_plural = _("تلاش‌های ارسال")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.response_code or self.error}"
