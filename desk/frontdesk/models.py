from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency


class ConsentMethod(models.TextChoices):
    CODE = "code", _("کد پیامک‌شده به تلفن همراه شهروند")
    # A citizen without a mobile, present at the counter with their national card.
    ID_CARD = "id_card", _("حضور شهروند با کارت ملی (بدون تلفن همراه)")


class Consent(models.Model):
    """A citizen's consent that a clerk files requests in their name: a code sent to the
    citizen's mobile and read back to the clerk, or (no mobile) the citizen at the counter
    with their national card. Only an HMAC of the code is stored."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    national_code = models.CharField(_("کد ملی"), max_length=10)
    # The citizen's account, once the consent is confirmed (created then if new).
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("مسیر"), max_length=8)  # submissions.Channel: desk or phone
    method = models.CharField(_("روش"), max_length=8, choices=ConsentMethod.choices)
    mobile = models.CharField(_("تلفن همراه"), max_length=13, blank=True)
    landline = models.CharField(_("تلفن ثابت"), max_length=20, blank=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    # "<salt>:<HMAC-SHA256>", the salt drawn per code.
    code_hash = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("رضایت شهروند")
        verbose_name_plural = _("رضایت‌های شهروندان")
        indexes = [
            models.Index(fields=["mobile", "created_at"], name="consent_mobile_created"),
            models.Index(fields=["clerk", "national_code"], name="consent_clerk_citizen"),
        ]

    def __str__(self) -> str:
        return f"{self.national_code} @ {self.created_at:%Y-%m-%d %H:%M}"
