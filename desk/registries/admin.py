from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from desk.registries.models import AdapterCall


@admin.register(AdapterCall)
class AdapterCallAdmin(admin.ModelAdmin):
    """Read-only, for superusers: the log is append-only and spans every agency."""

    list_display = ["created_at", "adapter", "status", "purpose", "submission_id", "latency_ms"]
    list_filter = ["adapter", "status"]
    search_fields = ["reference", "purpose"]
    date_hierarchy = "created_at"

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
