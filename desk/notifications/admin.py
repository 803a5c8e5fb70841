from __future__ import annotations

from django.contrib import admin

from desk.notifications.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["to", "kind", "reference", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "reference"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_module_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.user.is_superuser
