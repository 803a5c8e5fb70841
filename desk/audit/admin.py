from __future__ import annotations

from typing import Any

from auditlog.mixins import LogEntryAdminMixin
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.audit.labels import action_label
from desk.audit.models import AuditChain, AuditEntry
from desk.core.admin import ReadOnlyOperatorsAdmin

# django-auditlog's change log (its own admin, operators only) names the «Correlation ID»
# column with a bare string, out of the catalogue's reach (the filter of the same name is
# translated): the column gets the catalogue's word too.
setattr(LogEntryAdminMixin.cid_url, "short_description", _("Correlation ID"))  # noqa: B010


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
