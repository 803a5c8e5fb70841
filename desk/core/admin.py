"""Admin bases every app may use (core is below every app; the agency-scoped bases are in
desk/agencies/admin.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyOperatorsAdmin(admin.ModelAdmin):
    """An append-only log that spans every agency (national-system calls, the audit chain,
    inquiries between agencies): read by the system's superusers, never added, changed or
    deleted in the admin. The same rule as ``access.is_operator``, which this layer cannot
    import."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
