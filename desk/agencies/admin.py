from __future__ import annotations

from django.contrib import admin

from desk.agencies.models import Agency, Staff


class StaffInline(admin.TabularInline):
    model = Staff
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "province", "city", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StaffInline]

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        # Services are searchable by their agency's name; keep their search keys current.
        for service in obj.services.select_related("agency"):
            service.save(update_fields=["search_text"])

    def has_module_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.user.is_superuser
