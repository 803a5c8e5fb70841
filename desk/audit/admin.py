from __future__ import annotations

from django.contrib import admin

from desk.audit.models import AuditEntry
from desk.core.admin import ReadOnlyOperatorsAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyOperatorsAdmin):
    """Read-only, for superusers: the log is append-only and spans every agency."""

    list_display = ["created_at", "chain", "sequence", "actor_label", "action", "object_type"]
    list_filter = ["action", "chain"]
    search_fields = ["actor_label", "object_id", "action"]
    list_select_related = ["chain"]
    date_hierarchy = "created_at"
