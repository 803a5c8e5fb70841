from __future__ import annotations

from django.contrib import admin

from desk.core.admin import ReadOnlyOperatorsAdmin
from desk.registries.models import AdapterCall


@admin.register(AdapterCall)
class AdapterCallAdmin(ReadOnlyOperatorsAdmin):
    """Read-only, for superusers: the log is append-only and spans every agency."""

    list_display = ["created_at", "adapter", "status", "purpose", "submission_id", "latency_ms"]
    list_filter = ["adapter", "status"]
    search_fields = ["reference", "purpose"]
    date_hierarchy = "created_at"
