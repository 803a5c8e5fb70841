"""The catalog in the Django admin, scoped so that an agency admin sees only their agency."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from desk.agencies.access import administered_agency_id
from desk.agencies.admin import AgencyAdmin
from desk.agencies.models import Agency
from desk.catalog.models import (
    Category,
    Faq,
    FormField,
    Regulation,
    RequiredDocument,
    Service,
    ServiceStep,
)
from desk.catalog.selectors import SERVICES_GENERATION
from desk.core.cache import GenerationBumpingAdmin


def _agency_admin_agency_id(request: HttpRequest) -> int | None:
    return administered_agency_id(request.user)


def _may_edit(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser) or _agency_admin_agency_id(request) is not None


class _ForgetsServiceCards(GenerationBumpingAdmin):
    """Service cards are cached with their children, category and agency
    (``selectors.service_for_apply``): every save or delete here forgets them."""

    generation = SERVICES_GENERATION


class _ScopedInline(admin.StackedInline):
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class StepInline(_ScopedInline):
    model = ServiceStep


class DocumentInline(_ScopedInline):
    model = RequiredDocument


class RegulationInline(_ScopedInline):
    model = Regulation


class FaqInline(_ScopedInline):
    model = Faq


class FormFieldInline(_ScopedInline):
    model = FormField


@admin.register(Service)
class ServiceAdmin(_ForgetsServiceCards):
    list_display = ["title", "agency", "category", "duration_working_days", "is_published"]
    list_filter = ["is_published", "category"]
    search_fields = ["title", "national_id"]
    inlines = [StepInline, DocumentInline, RegulationInline, FaqInline, FormFieldInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        qs = super().get_queryset(request).select_related("agency", "category")
        if request.user.is_superuser:
            return qs
        agency_id = _agency_admin_agency_id(request)
        return qs.filter(agency_id=agency_id) if agency_id else qs.none()

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if request.user.is_superuser else ["agency"]

    def save_model(self, request: HttpRequest, obj: Service, form: ModelForm, change: bool) -> None:
        if not request.user.is_superuser:
            agency_id = _agency_admin_agency_id(request)
            assert agency_id is not None  # has_*_permission let only agency admins this far
            obj.agency_id = agency_id
        super().save_model(request, obj, form, change)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_edit(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not _may_edit(request):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return bool(obj.agency_id == _agency_admin_agency_id(request))

    has_change_permission = has_delete_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_edit(request)


@admin.register(Category)
class CategoryAdmin(_ForgetsServiceCards):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)


class AgencyCardsAdmin(_ForgetsServiceCards, AgencyAdmin):
    """Registered here rather than in the agencies app, which may not import the catalog: an
    agency's name, SMS line or closing down changes the cards cached with it."""


admin.site.unregister(Agency)
admin.site.register(Agency, AgencyCardsAdmin)
