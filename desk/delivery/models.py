from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.submissions.models import Submission


def _upload_to(instance: IssuedDocument, filename: str) -> str:
    # Random names: nothing on disk says whose document it is.
    now = timezone.now()
    return f"delivery/{now:%Y/%m}/{uuid.uuid4().hex}.pdf"


class IssuedDocument(models.Model):
    """A result document issued electronically (PDF), verifiable by anyone who holds it.

    The verification code and QR lead to /verify/<code>/, where an uploaded copy is compared
    with ``sha256``: one changed byte and it is not the document the agency issued.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="issued_documents"
    )
    verification_code = models.CharField(_("کد صحت‌سنجی"), max_length=16, unique=True)
    title = models.CharField(_("عنوان"), max_length=200)
    body = models.TextField(_("متن"))
    file = models.FileField(upload_to=_upload_to, max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField(_("زمان صدور"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_downloaded_at = models.DateTimeField(_("نخستین دریافت"), null=True, blank=True)
    # Handed to the citizen at the desk (desk/frontdesk), printed, by this clerk.
    handed_over_at = models.DateTimeField(_("تحویل حضوری"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("سند صادرشده")
        verbose_name_plural = _("اسناد صادرشده")

    def __str__(self) -> str:
        return f"{self.title} ({self.verification_code})"

    @property
    def filename(self) -> str:
        return f"{self.submission.tracking_code}-{self.verification_code[-4:]}.pdf"
