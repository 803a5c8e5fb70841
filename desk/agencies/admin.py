from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from desk.agencies.access import administered_agency_id
from desk.agencies.models import Agency, Staff


class AgencyScopedAdmin(admin.ModelAdmin):
    """Superusers see everything; an agency admin sees and edits rows of their agency only,
    reached from the model through ``agency_path``. The one admin base that apps with agency
    data (workflows, appointments) scope their pages with."""

    agency_path = "agency_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        agency_id = administered_agency_id(request.user)
        return qs.filter(**{self.agency_path: agency_id}) if agency_id else qs.none()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser) or administered_agency_id(request.user) is not None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


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
