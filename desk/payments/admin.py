from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.agencies.admin import AgencyScopedAdmin, ScopedTabularInline
from desk.payments.gateways import credentials_for
from desk.payments.models import FeeOption, GatewayAccount, Payment, PaymentEvent, ServiceFee


class FeeOptionInline(ScopedTabularInline):
    model = FeeOption
    extra = 0


@admin.register(ServiceFee)
class ServiceFeeAdmin(AgencyScopedAdmin):
    list_display = ["service", "kind", "amount", "purpose"]
    list_filter = ["kind"]
    inlines = [FeeOptionInline]


@admin.register(GatewayAccount)
class GatewayAccountAdmin(AgencyScopedAdmin):
    """The secrets are never shown: only whether the named set is present."""

    list_display = ["agency", "provider", "credentials_name", "configured", "is_active"]
    readonly_fields = ["configured"]

    @admin.display(description=_("اعتبارنامه در تنظیمات موجود است"), boolean=True)
    def configured(self, obj: GatewayAccount) -> bool:
        if obj.provider == "fake":
            return True
        creds = credentials_for(obj.credentials_name)
        return bool(creds.merchant_id or creds.terminal_id)


class PaymentEventInline(ScopedTabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "from_state", "to_state", "note", "reference", "data"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(AgencyScopedAdmin):
    """Read-only: payments change only through the gateway's verification."""

    list_display = ["order_id", "agency", "amount", "state", "reference", "created_at"]
    list_filter = ["state", "provider"]
    search_fields = ["=order_id", "=reference", "charge__submission__tracking_code"]
    inlines = [PaymentEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
