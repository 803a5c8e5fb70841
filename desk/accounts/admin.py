from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts.models import User
from desk.accounts.services import staff_deactivate

# django-otp's own admins would show every person's authenticator key (and a QR code of it) to
# any superuser. Devices are managed by their owner at /accounts/staff/two-factor/ and reset by an
# operator with `manage.py otp_reset USERNAME`.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


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

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Unchecking «فعال» ends every session of the person now, not at their next click.
            staff_deactivate(user=obj)
