from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Identity(models.TextChoices):
    """Whether Shahkar said the account's mobile belongs to its national code."""

    UNCHECKED = "", _("ثبت‌شده پیش از استعلام شاهکار")
    VERIFIED = "verified", _("تأییدشده با شاهکار")
    PENDING = "pending", _("در انتظار پاسخ شاهکار")
    FLAGGED = "flagged", _("نشانه‌گذاری‌شده: شماره همراه از آنِ صاحب کد ملی نیست")


HELD_IDENTITIES = (Identity.PENDING, Identity.FLAGGED)


class User(AbstractUser):
    """A person: a citizen (identified by national code and a verified mobile) or staff.

    Citizens sign in by an SMS code and have no usable password; staff sign in with a password.
    """

    national_code = models.CharField(_("کد ملی"), max_length=10, unique=True, null=True, blank=True)
    mobile = models.CharField(_("تلفن همراه"), max_length=13, blank=True, db_index=True)
    mobile_verified_at = models.DateTimeField(_("تأیید تلفن همراه"), null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Shahkar's word on (national code, mobile); a pending or flagged account's requests are held.
    identity = models.CharField(
        _("تطبیق شاهکار"), max_length=10, choices=Identity.choices, blank=True, default=""
    )
    identity_checked_at = models.DateTimeField(_("زمان تطبیق شاهکار"), null=True, blank=True)
    # A flagged account gives its national code up to the owner; the code it held is kept here.
    flagged_national_code = models.CharField(_("کد ملی ادعاشده"), max_length=10, blank=True)
    flagged_at = models.DateTimeField(_("زمان نشانه‌گذاری"), null=True, blank=True)

    class Meta:
        verbose_name = _("کاربر")
        verbose_name_plural = _("کاربران")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def identity_held(self) -> bool:
        """Requests of this account wait: Shahkar has not confirmed, or refuted, its mobile."""
        return self.identity in HELD_IDENTITIES


class OneTimeCode(models.Model):
    """An SMS sign-in code. Only an HMAC of the code is stored."""

    mobile = models.CharField(max_length=13)
    national_code = models.CharField(max_length=10)
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    # Shahkar's answer when the code was asked for: verified, or pending (it did not answer).
    identity = models.CharField(max_length=10, blank=True, default="")
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("کد یک‌بارمصرف")
        verbose_name_plural = _("کدهای یک‌بارمصرف")
        indexes = [
            models.Index(fields=["mobile", "created_at"], name="otp_mobile_created"),
            models.Index(fields=["ip", "created_at"], name="otp_ip_created"),
        ]

    def __str__(self) -> str:
        return f"{self.mobile} @ {self.created_at:%Y-%m-%d %H:%M}"


class StaffSession(models.Model):
    """The session key of one staff sign-in, so that deactivating a person can end every session
    they have, whatever the session backend (a cache holds no index of sessions by user)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("نشست کارمند")
        verbose_name_plural = _("نشست‌های کارمندان")

    def __str__(self) -> str:
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"
