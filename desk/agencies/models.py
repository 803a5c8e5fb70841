from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OversightLevel(models.TextChoices):
    """An agency that oversees others (the Administrative and Employment Organization, or its
    provincial office): its staff are the evaluators (access.oversight_scope) — they see the
    oversight figures of every agency, or of their province's, and decide citizens' appeals."""

    NONE = "", _("بدون نقش نظارتی")
    NATIONAL = "national", _("نظارت ملی")
    PROVINCIAL = "provincial", _("نظارت استانی")


class Agency(models.Model):
    """A government agency (دستگاه اجرایی): the tenant every request and staff member belongs to."""

    name = models.CharField(_("نام دستگاه"), max_length=200)
    slug = models.SlugField(_("نشانی کوتاه"), max_length=80, unique=True, allow_unicode=False)
    description = models.TextField(_("معرفی"), blank=True)
    province = models.CharField(_("استان"), max_length=60, blank=True)
    city = models.CharField(_("شهر"), max_length=60, blank=True)
    address = models.TextField(_("نشانی"), blank=True)
    phone = models.CharField(_("تلفن"), max_length=40, blank=True)
    website = models.URLField(_("وب‌گاه"), blank=True)
    sms_line = models.CharField(_("خط پیامکی"), max_length=20, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)
    # Clerks file requests for citizens at the desk; experts too only where the agency says so.
    experts_file_at_desk = models.BooleanField(
        _("کارشناسان هم در میز خدمت حضوری برای شهروند درخواست ثبت کنند"), default=False
    )
    oversight = models.CharField(
        _("نقش نظارتی"), max_length=10, choices=OversightLevel.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("دستگاه")
        verbose_name_plural = _("دستگاه‌ها")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLERK = "clerk", _("متصدی میز خدمت")
    EXPERT = "expert", _("کارشناس")
    MANAGER = "manager", _("مدیر")
    ADMIN = "admin", _("راهبر دستگاه")
    # The agency's head: its own figures on the oversight dashboards, read-only.
    HEAD = "head", _("رئیس دستگاه")


class Staff(models.Model):
    """A user's place in an agency. A staff member works for exactly one agency."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(_("نقش"), max_length=10, choices=Role.choices)
    title = models.CharField(_("سمت"), max_length=120, blank=True)
    # The agency's complaint handlers: they see complaints in an inbox of their own.
    handles_complaints = models.BooleanField(_("رسیدگی به شکایات"), default=False)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("کارمند")
        verbose_name_plural = _("کارکنان")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.agency})"
