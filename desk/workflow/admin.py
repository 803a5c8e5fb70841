"""Agency admins edit their own workflows here: a draft version with its steps and actions,
then «انتشار» checks the graph and makes it the version new requests start on."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.agencies.access import administered_agency_id
from desk.agencies.admin import AgencyScopedAdmin
from desk.core.errors import ApplicationError
from desk.workflow import services
from desk.workflow.models import (
    Action,
    Department,
    EscalationRule,
    Position,
    Step,
    WorkflowVersion,
)


def _agency_id(request: HttpRequest) -> int | None:
    return administered_agency_id(request.user)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        agency_id = _agency_id(request)
        if db_field.name == "staff" and agency_id:
            kwargs["queryset"] = db_field.related_model.objects.filter(agency_id=agency_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Department)
class DepartmentAdmin(AgencyScopedAdmin):
    list_display = ["name", "agency"]
    inlines = [PositionInline]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if request.user.is_superuser else ["agency"]

    def save_model(self, request: HttpRequest, obj: Department, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            obj.agency_id = _agency_id(request)  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = [
        "order",
        "key",
        "kind",
        "is_start",
        "citizen_label",
        "staff_label",
        "role",
        "department",
        "duration_days",
        "requires_documents",
    ]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        agency_id = _agency_id(request)
        if db_field.name == "department" and agency_id:
            kwargs["queryset"] = Department.objects.filter(agency_id=agency_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WorkflowVersion)
class WorkflowVersionAdmin(AgencyScopedAdmin):
    agency_path = "workflow__service__agency_id"
    list_display = ["workflow", "number", "published_at", "note"]
    list_filter = ["workflow__service"]
    readonly_fields = ["workflow", "number", "published_at", "created_by", "created_at"]
    inlines = [StepInline]
    actions = ["publish", "new_version"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions are made with «نسخه جدید», never from nothing

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published version is frozen: requests run on it.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("بررسی و انتشار نسخه‌های انتخاب‌شده"))
    def publish(self, request: HttpRequest, queryset: QuerySet[WorkflowVersion]) -> None:
        for version in queryset.filter(published_at__isnull=True):
            try:
                services.workflow_publish(version=version, actor=request.user)  # type: ignore[arg-type]
            except ApplicationError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(v)s منتشر شد.") % {"v": version})

    @admin.action(description=_("ساخت نسخه پیش‌نویس تازه از آخرین نسخه"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[WorkflowVersion]) -> None:
        for workflow_id in set(queryset.values_list("workflow_id", flat=True)):
            version = queryset.filter(workflow_id=workflow_id).first()
            assert version is not None
            draft = services.workflow_new_version(workflow=version.workflow, actor=request.user)  # type: ignore[arg-type]
            self.message_user(request, _("نسخه پیش‌نویس %(v)s ساخته شد.") % {"v": draft})


class ActionInline(admin.TabularInline):
    model = Action
    fk_name = "source"
    extra = 0
    fields = [
        "order",
        "key",
        "label",
        "target",
        "roles",
        "by_citizen",
        "needs_message",
        "needs_result",
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        step_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if db_field.name == "target" and step_id:
            kwargs["queryset"] = Step.objects.filter(version__steps__pk=step_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Step)
class StepAdmin(AgencyScopedAdmin):
    agency_path = "version__workflow__service__agency_id"
    list_display = ["staff_label", "version", "kind", "role", "department", "duration_days"]
    inlines = [ActionInline]
    exclude = ["version"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # reached from its version's page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.version.is_published:
            return False
        return bool(request.user.is_superuser) or _agency_id(request) is not None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) or _agency_id(request) is not None


@admin.register(EscalationRule)
class EscalationRuleAdmin(AgencyScopedAdmin):
    list_display = ["agency", "reassign_to"]
