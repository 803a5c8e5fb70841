"""The outbox, templates, receipts and inbound SMS for operators (superusers), read-only:
messages change only through the services. Agency admins edit their texts on the staff pages
(/staff/messages/templates/), where the SMS parts counter is."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from desk.agencies import access
from desk.core.errors import ApplicationError
from desk.lib.persian import to_persian_digits
from desk.notifications import services
from desk.notifications.events import EVENTS
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


def _kind_label(kind: str) -> str:
    """A message's kind by the Persian name of its event (notifications.events), the code
    itself for kinds no template edits (e.g. a sign-in code)."""
    event = EVENTS.get(kind)
    return event.label if event is not None else kind


# The SMS gateways by the names their operators know (notifications/backends: each ``name``).
PROVIDER_LABELS = {
    "console": "نمایش در کنسول (نمایشی)",
    "memory": "حافظه (آزمون)",
    "kavenegar": "کاوه‌نگار",
    "smsir": "اس‌ام‌اس‌آی‌آر",
    "file": "پرونده (نمایشی)",
}


class KindFilter(admin.SimpleListFilter):
    title = "نوع پیام"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        kinds = model_admin.get_queryset(request).order_by().values_list("kind", flat=True)
        return sorted(((k, _kind_label(k)) for k in set(kinds)), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(kind=self.value()) if self.value() else queryset


class EventFilter(KindFilter):
    title = "رویداد"
    parameter_name = "event"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return sorted(((slug, event.label) for slug, event in EVENTS.items()), key=lambda p: p[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(OutboundMessage)
class OutboundMessageAdmin(_OperatorsOnly):
    list_display = [
        "recipient",
        "channel",
        "kind_label",
        "reference_shown",
        "status",
        "attempts",
        "provider_label",
        "created_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "channel", KindFilter, "provider", "in_doubt"]
    search_fields = ["to", "reference", "provider_id"]
    actions = ["retry"]

    @admin.display(description="نوع", ordering="kind")
    def kind_label(self, message: OutboundMessage) -> str:
        return _kind_label(message.kind)

    @admin.display(description="گیرنده", ordering="to")
    def recipient(self, message: OutboundMessage) -> SafeString:
        # A mobile number or an address reads left to right inside the Persian page
        # (a bare «+98…» showed its plus on the wrong side).
        return format_html('<bdi dir="ltr">{}</bdi>', to_persian_digits(message.to))

    @admin.display(description="کد پیگیری مرتبط", ordering="reference")
    def reference_shown(self, message: OutboundMessage) -> str:
        return to_persian_digits(message.reference)

    @admin.display(description="سرویس‌دهنده", ordering="provider")
    def provider_label(self, message: OutboundMessage) -> str:
        return PROVIDER_LABELS.get(message.provider, message.provider)

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
    list_display = ["event_label", "agency", "is_active", "created_at"]
    list_filter = [EventFilter, "is_active"]
    inlines = [VersionInline]

    @admin.display(description="رویداد", ordering="event")
    def event_label(self, template: MessageTemplate) -> str:
        return _kind_label(template.event)


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
