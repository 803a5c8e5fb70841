from __future__ import annotations

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter
from auditlog.mixins import LogEntryAdminMixin
from auditlog.models import LogEntry
from auditlog.render import get_field_verbose_name
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.audit.labels import action_label
from desk.audit.models import AuditChain, AuditEntry
from desk.core.admin import ReadOnlyOperatorsAdmin
from desk.lib.persian import to_persian_digits

# django-auditlog's change log (its own admin, operators only) names the «Correlation ID»
# column with a bare string, out of the catalogue's reach (the filter of the same name is
# translated): the column gets the catalogue's word too.
setattr(LogEntryAdminMixin.cid_url, "short_description", _("Correlation ID"))  # noqa: B010


def _model_name(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else content_type.model


class ModelTypeFilter(admin.SimpleListFilter):
    """auditlog's «Resource Type» filter by the models' Persian names (its own lists the
    content types' code names: «agency», «slottemplate»)."""

    title = _("Resource Type")
    parameter_name = "resource_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        ids = model_admin.get_queryset(request).order_by().values_list("content_type_id")
        types = ContentType.objects.filter(pk__in=ids.distinct())
        return sorted(((str(t.pk), _model_name(t)) for t in types), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(content_type_id=value) if value.isdigit() else queryset.none()


class PersianLogEntryAdmin(LogEntryAdmin):
    """django-auditlog's change log as its own admin shows it, in Persian where it wrote
    English of its own: the models by their names, the changes' summary with Persian digits
    and the fields by their names."""

    list_filter = ["action", ModelTypeFilter, CIDFilter]

    @admin.display(description=_("Changes"))
    def msg_short(self, obj: LogEntry) -> str:
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        changes = obj.changes_dict
        names = "، ".join(str(get_field_verbose_name(obj, name)) for name in changes)
        if len(names) > 60:
            names = names[: names.rfind("، ", 0, 60)] + "، …"
        return f"{to_persian_digits(len(changes))} تغییر: {names}"


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, PersianLogEntryAdmin)


class ChainFilter(admin.RelatedFieldListFilter):
    """The chains by their Persian names («زنجیره ملی», «زنجیره <دستگاه>»), in one query."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[Any]:
        chains = AuditChain.objects.select_related("agency").order_by("scope")
        return [(chain.pk, str(chain)) for chain in chains]


class ActionFilter(admin.SimpleListFilter):
    """The actions recorded, by their Persian names."""

    title = "کنش"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True)
        return [(action, action_label(action)) for action in actions.distinct()]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyOperatorsAdmin):
    """Read-only, for superusers: the log is append-only and spans every agency."""

    list_display = ["created_at", "chain", "sequence", "actor_label", "action_name", "object_type"]
    list_filter = [ActionFilter, ("chain", ChainFilter)]
    search_fields = ["actor_label", "object_id", "action"]
    list_select_related = ["chain__agency"]
    date_hierarchy = "created_at"

    @admin.display(description="کنش", ordering="action")
    def action_name(self, entry: AuditEntry) -> str:
        return action_label(entry.action)
