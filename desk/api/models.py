"""The API's own rows: sign-in tokens of people and the stored answers of POSTs by key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenKind(models.TextChoices):
    CITIZEN = "citizen", _("شهروند")
    STAFF = "staff", _("کارکنان")


class ApiToken(models.Model):
    """A person's sign-in for an app: only a SHA-256 of the token is kept (the token itself
    is shown once, at sign-in), it expires, and it can be revoked (sign-out, or by an
    operator). Citizens get one by an SMS code, staff by password and their second factor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("کاربر"),
    )
    kind = models.CharField(_("نوع"), max_length=8, choices=TokenKind.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, to tell tokens apart in the admin.
    prefix = models.CharField(_("آغاز توکن"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("زمان صدور"), default=timezone.now)
    expires_at = models.DateTimeField(_("انقضا"))
    last_used_at = models.DateTimeField(_("آخرین استفاده"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ابطال"), null=True, blank=True)

    class Meta:
        verbose_name = _("توکن ورود برنامه")
        verbose_name_plural = _("توکن‌های ورود برنامه")
        indexes = [models.Index(fields=["expires_at"], name="apitoken_expires")]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotencyRecord(models.Model):
    """One POST made with an ``Idempotency-Key``: who sent it, a hash of what was sent, and,
    once answered, the answer. ``status_code`` is null while the first call is running (a
    second call with the key then gets 409). Kept ``API_IDEMPOTENCY_HOURS`` (a job deletes
    older ones)."""

    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=60, blank=True)
    body = models.JSONField(null=True)
    location = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("کلید یکتایی درخواست")
        verbose_name_plural = _("کلیدهای یکتایی درخواست")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.principal}:{self.key}"
