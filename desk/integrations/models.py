"""Agencies' systems connected to the desk: API keys (docs/integrations.md)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency

# Every key reads «mzk_<prefix>_<secret>»: the prefix finds the row and is shown in lists and
# logs; only the SHA-256 of the secret is stored.
KEY_MARK = "mzk"


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("سازنده"),
    )
    created_at = models.DateTimeField(_("زمان ساخت"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("آخرین استفاده"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        _("پایان اعتبار"), null=True, blank=True, help_text=_("خالی: بدون تاریخ پایان.")
    )
    revoked_at = models.DateTimeField(_("زمان ابطال"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("باطل‌کننده"),
    )
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
