from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from desk.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "national_code", "mobile", "is_staff"]
    search_fields = ["username", "national_code", "mobile", "last_name"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("شهروند", {"fields": ("national_code", "mobile", "mobile_verified_at")}),
        ("ورود", {"fields": ("failed_logins", "locked_until")}),
    )

    def has_module_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.user.is_superuser
