"""Abstract models the apps above share (core has no tables of its own)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from desk.core.uploads import download_name


class StoredDocument(models.Model):
    """A document kept for a request, a letter or an inquiry: the columns
    :func:`desk.core.uploads.document_save` fills, who uploaded it and when. Each app adds its
    owner, its ``file`` field (with its own random ``upload_to``) and ``download_stem``: the
    words a download is named by (never the name the citizen gave, which may be
    ``report.pdf.php``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_stem(self) -> str:
        raise NotImplementedError

    @property
    def download_name(self) -> str:
        """The download's name: our own words and the detected type's one extension."""
        return download_name(self.download_stem, self.content_type)
