"""Checklists are national: operators edit them in the admin, and a checklist a cycle has used
is read-only (a change is a new version). Cycles and assessments are worked on the staff pages
(desk/evaluation/views.py); the admin only lists them for operators."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from desk.agencies.admin import OperatorsOnlyAdmin
from desk.evaluation.models import Assessment, Axis, Cycle, Indicator, Template


class _FrozenInline(admin.StackedInline):
    extra = 0

    def _frozen(self, obj: Any) -> bool:
        template = obj if isinstance(obj, Template) else getattr(obj, "template", None)
        return bool(template is not None and template.is_frozen)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class AxisInline(_FrozenInline):
    model = Axis
    fields = ["order", "title", "weight"]
    show_change_link = True


class IndicatorInline(_FrozenInline):
    model = Indicator
    fields = [
        "order",
        "code",
        "title",
        "description",
        "weight",
        "max_score",
        "levels",
        "evidence_required",
        "evidence_hint",
        "kpi_code",
    ]


@admin.register(Template)
class TemplateAdmin(OperatorsOnlyAdmin):
    list_display = ["title", "code", "version"]
    readonly_fields = ["created_at"]  # shown in Jalali; the admin has no Jalali time input
    inlines = [AxisInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Axis)
class AxisAdmin(OperatorsOnlyAdmin):
    list_display = ["title", "template", "weight"]
    inlines = [IndicatorInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.template.is_frozen:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Cycle)
class CycleAdmin(OperatorsOnlyAdmin):
    list_display = ["title", "province", "self_due_on", "opened_at"]
    readonly_fields = ["opened_by", "opened_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # opened on the evaluators' page, which creates the assessments


@admin.register(Assessment)
class AssessmentAdmin(OperatorsOnlyAdmin):
    list_display = ["agency", "cycle", "state", "score"]
    list_filter = ["state", "cycle"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
