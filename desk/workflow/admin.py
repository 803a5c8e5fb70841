"""Agency admins edit their own workflows here: a new draft version (from nothing, or a copy
of the newest), its steps and their actions, departments with their positions; then «انتشار»
checks the graph and makes it the version new requests start on. Every page, list and choice
is scoped to the admin's agency by agencies.admin.AgencyScopedAdmin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from desk.agencies.admin import AgencyScopedAdmin, ScopedTabularInline, limit_to_agency
from desk.agencies.models import Role
from desk.catalog.models import Service
from desk.core.admin import label_with_key
from desk.core.errors import ApplicationError
from desk.workflow import services
from desk.workflow.graph import workflow_svg
from desk.workflow.models import (
    Action,
    Department,
    EscalationRule,
    Position,
    Step,
    WorkflowVersion,
)


class PositionInline(ScopedTabularInline):
    model = Position


@admin.register(Department)
class DepartmentAdmin(AgencyScopedAdmin):
    list_display = ["name", "agency"]
    inlines = [PositionInline]


def step_choice_label(step: Step) -> str:
    """A step in a list of choices: its staff label, and its key to tell alike labels apart."""
    return f"{step.staff_label} ({step.key})"


class StepInline(ScopedTabularInline):
    """A version's steps by their names first; the key, the name the data uses, after them
    and small (static/desk/admin.css)."""

    model = Step
    fields = [
        "order",
        "staff_label",
        "key",
        "citizen_label",
        "kind",
        "is_start",
        "role",
        "department",
        "duration_days",
        "requires_documents",
    ]
    show_change_link = True

    def is_editable(self, parent: WorkflowVersion) -> bool:
        return not parent.is_published  # requests run on a published version


class NewVersionForm(forms.ModelForm):
    """A new draft: of a service without a workflow (empty), or a copy of the newest."""

    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("خدمت"))

    class Meta:
        model = WorkflowVersion
        fields = ["note"]


@admin.register(WorkflowVersion)
class WorkflowVersionAdmin(AgencyScopedAdmin):
    list_display = ["workflow", "number", "published_at", "note"]
    list_filter = ["workflow__service"]
    inlines = [StepInline]
    actions = ["publish", "new_version"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["workflow", "number", "published_at", "created_by", "created_at"]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        version = self.get_object(request, unquote(object_id))
        graph = {"workflow_graph": workflow_svg(version)} if version is not None else {}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **graph})

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change, **kwargs)
        choices = limit_to_agency(Service.objects.all(), request)
        form = type(
            "NewVersionForm",
            (NewVersionForm,),
            {"service": forms.ModelChoiceField(queryset=choices, label=_("خدمت"))},
        )
        return super().get_form(request, obj, change, **{**kwargs, "form": form, "fields": None})

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        draft = services.workflow_draft_create(
            service=form.cleaned_data["service"],
            actor=request.user,  # type: ignore[arg-type]
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk, obj.workflow, obj.number = draft.pk, draft.workflow, draft.number
        obj._state.adding = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published version is frozen: requests run on it.
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

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


class RolesField(forms.MultipleChoiceField):
    """Who may take an action, as checkboxes of the roles by their Persian names, kept as the
    model keeps them: a JSON list of codes in ``Role``'s order; none ticked: the step's role."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(choices=Role.choices, required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value if isinstance(value, list) else []

    def clean(self, value: Any) -> list[str]:
        chosen = set(super().clean(value))
        return [code for code in Role.values if code in chosen]


class ActionAdminForm(forms.ModelForm):
    roles = RolesField(
        label=Action._meta.get_field("roles").verbose_name,
        help_text=Action._meta.get_field("roles").help_text,
    )


class ActionInline(ScopedTabularInline):
    model = Action
    form = ActionAdminForm
    fk_name = "source"
    fields = [
        "order",
        "label",
        "key",
        "target",
        "roles",
        "by_citizen",
        "needs_message",
        "needs_result",
    ]

    def is_editable(self, parent: Step) -> bool:
        return not parent.version.is_published

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # An action leads to a step of the same version.
        step_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if db_field.name == "target" and step_id:
            kwargs["queryset"] = Step.objects.filter(version__steps__pk=step_id)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "target" and field is not None:
            setattr(field, "label_from_instance", step_choice_label)  # noqa: B010
        return field


@admin.register(Step)
class StepAdmin(AgencyScopedAdmin):
    """A step's own page, reached from its version: its fields and its actions."""

    list_display = ["step", "version", "kind", "role", "department", "duration_days"]
    list_select_related = ["version__workflow__service", "department"]
    fields = [
        "staff_label",
        "citizen_label",
        "key",
        "order",
        "kind",
        "is_start",
        "role",
        "department",
        "duration_days",
        "requires_documents",
    ]
    inlines = [ActionInline]

    @admin.display(description=_("مرحله"), ordering="staff_label")
    def step(self, step: Step) -> SafeString:
        return label_with_key(step.staff_label, step.key)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # reached from its version's page

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        step = self.get_object(request, unquote(object_id))
        graph = {"workflow_graph": workflow_svg(step.version, step)} if step is not None else {}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **graph})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # steps are added on their version's page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.version.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.version.is_published:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(EscalationRule)
class EscalationRuleAdmin(AgencyScopedAdmin):
    """What the agency does with overdue steps: its agency is the admin's own, and work goes
    only to its own staff."""

    list_display = ["agency", "reassign_to"]
