"""The log of every call to a national system: append-only (the database refuses changes)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Adapter(models.TextChoices):
    CIVIL_REGISTRY = "civil_registry", _("ثبت احوال")
    SHAHKAR = "shahkar", _("شاهکار")
    POSTAL_CODE = "postal_code", _("کد پستی")
    COMPANY_REGISTRY = "company_registry", _("ثبت شرکت‌ها")


class CallStatus(models.TextChoices):
    OK = "ok", _("پاسخ داده شد")
    NOT_FOUND = "not_found", _("یافت نشد")
    MISMATCH = "mismatch", _("مغایرت")
    UNAVAILABLE = "unavailable", _("در دسترس نبود")
    ERROR = "error", _("خطا")


class AdapterCall(models.Model):
    """One question put to a national system: who asked, for which request, why, when, and what
    came back. `submission_id` and `user_id` are plain numbers (this app sits below accounts and
    submissions), so that the log outlives what it points at and is never updated by a cascade.
    No personal data of the answer is kept here, only the outcome and the provider's reference."""

    adapter = models.CharField(_("سامانه"), max_length=20, choices=Adapter.choices)
    purpose = models.CharField(_("دلیل استعلام"), max_length=200)
    status = models.CharField(_("نتیجه"), max_length=12, choices=CallStatus.choices)
    reference = models.CharField(_("شناسه پاسخ سامانه"), max_length=100, blank=True)
    latency_ms = models.PositiveIntegerField(_("زمان پاسخ (میلی‌ثانیه)"), default=0)
    cached = models.BooleanField(_("از حافظه موقت"), default=False)
    submission_id = models.BigIntegerField(_("درخواست"), null=True, blank=True, db_index=True)
    user_id = models.BigIntegerField(_("کاربر"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("زمان"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("استعلام از سامانه ملی")
        verbose_name_plural = _("استعلام‌ها از سامانه‌های ملی")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.adapter} {self.status} @ {self.created_at:%Y-%m-%d %H:%M}"
