"""The catalog in the Django admin: an agency admin edits their own agency's service cards and
forms (agencies.admin.AgencyScopedAdmin); categories are the operators'."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from desk.agencies.admin import AgencyScopedAdmin, OperatorsOnlyAdmin, ScopedStackedInline
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


class _ForgetsServiceCards(GenerationBumpingAdmin):
    """Service cards are cached with their children, category and agency
    (``selectors.service_for_apply``): every save or delete here forgets them."""

    generation = SERVICES_GENERATION


class StepInline(ScopedStackedInline):
    model = ServiceStep


class DocumentInline(ScopedStackedInline):
    model = RequiredDocument


class RegulationInline(ScopedStackedInline):
    model = Regulation


class FaqInline(ScopedStackedInline):
    model = Faq


class FormFieldInline(ScopedStackedInline):
    model = FormField


@admin.register(Service)
class ServiceAdmin(AgencyScopedAdmin, _ForgetsServiceCards):
    list_display = ["title", "agency", "category", "duration_working_days", "is_published"]
    list_filter = ["is_published", "category"]
    search_fields = ["title", "national_id"]
    inlines = [StepInline, DocumentInline, RegulationInline, FaqInline, FormFieldInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("agency", "category")


@admin.register(Category)
class CategoryAdmin(OperatorsOnlyAdmin, _ForgetsServiceCards):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
