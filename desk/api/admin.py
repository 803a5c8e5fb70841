from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.agencies.admin import OperatorsOnlyAdmin
from desk.api.models import ApiToken
from desk.api.services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(OperatorsOnlyAdmin):
    """People's app sign-ins: seen by the token's first characters, revoked, never shown."""

    list_display = [
        "prefix",
        "user",
        "kind",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__national_code", "prefix"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("ابطال توکن‌های انتخاب‌شده"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token)
