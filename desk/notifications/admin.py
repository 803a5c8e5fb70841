"""The outbox, templates, receipts and inbound SMS for operators (superusers), read-only:
messages change only through the services. Agency admins edit their texts on the staff pages
(/staff/messages/templates/), where the SMS parts counter is."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from desk.agencies import access
from desk.core.errors import ApplicationError
from desk.notifications import services
from desk.notifications.models import (
    DeliveryReceipt,
    InboundMessage,
    MessageTemplate,
    OutboundMessage,
    TemplateVersion,
)


class _OperatorsOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_operator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(_OperatorsOnly):
    list_display = [
        "to",
        "channel",
        "kind",
        "reference",
        "status",
        "attempts",
        "provider",
        "created_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "channel", "kind", "provider", "in_doubt"]
    search_fields = ["to", "reference", "provider_id"]
    actions = ["retry"]

    @admin.action(description="ارسال دوباره پیام‌های رهاشده")
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        done = 0
        for message in queryset:
            try:
                services.message_retry(message_id=message.pk, agency_id=None)
            except ApplicationError:
                continue
            done += 1
        self.message_user(request, f"{done} پیام دوباره در صف قرار گرفت.", messages.SUCCESS)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # The change permission is off (rows are read-only); the retry goes through a service.
        actions = super().get_actions(request)
        return actions if access.is_operator(request.user) else {}


class VersionInline(admin.TabularInline):
    model = TemplateVersion
    extra = 0
    fields = ("number", "body", "subject", "created_at", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(_OperatorsOnly):
    list_display = ["event", "agency", "is_active", "created_at"]
    list_filter = ["event", "is_active"]
    inlines = [VersionInline]


@admin.register(DeliveryReceipt)
class DeliveryReceiptAdmin(_OperatorsOnly):
    list_display = ["provider", "provider_id", "raw_status", "status", "message", "received_at"]
    list_filter = ["provider", "status"]
    search_fields = ["provider_id"]


@admin.register(InboundMessage)
class InboundMessageAdmin(_OperatorsOnly):
    list_display = ["sender", "line", "text", "status", "received_at"]
    list_filter = ["provider", "status"]
    search_fields = ["sender", "text"]
