"""The admin's "delete selected" action, audited: Django logs deleting several objects with a
bulk insert of LogEntry rows, which no signal announces."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import actions as django_actions
from django.contrib.admin.models import DELETION
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from desk.audit.receivers import admin_change_record


@admin.action(
    permissions=["delete"],
    description=django_actions.delete_selected.short_description,  # type: ignore[attr-defined]
)
def audited_delete_selected(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    if not request.POST.get("post"):
        return django_actions.delete_selected(modeladmin, request, queryset)  # the confirm page
    objects = list(queryset)
    with transaction.atomic():
        response = django_actions.delete_selected(modeladmin, request, queryset)
        # None: Django deleted them (the confirmation page or an error comes back otherwise).
        # One object is logged with save(), which the LogEntry receiver already recorded.
        if response is None and len(objects) > 1:
            for obj in objects:
                admin_change_record(
                    user=request.user,
                    action_flag=DELETION,
                    object_type=obj._meta.label_lower,
                    object_id=str(obj.pk),
                    object_repr=str(obj),
                )
    return response
