from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts.models import User
from desk.accounts.services import staff_deactivate
from desk.lib.jalali import format_datetime
from desk.lib.persian import to_persian_digits

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
        ("ورود", {"fields": ("failed_logins_shown", "locked_until_shown")}),
    )
    # What the system records is read, not typed (shown in Jalali): the sign-in lock is lifted
    # by the «باز کردن قفل ورود» action, or by the person's next correct sign-in after it ends.
    readonly_fields = [
        "last_login",
        "date_joined",
        "mobile_verified_at",
        "failed_logins_shown",
        "locked_until_shown",
    ]
    # Plain labelled lists, not Django's two-box picker: its script labels an icon with
    # aria-label on a <span>, which axe (WCAG 4.1.2) refuses.
    filter_horizontal = ()
    actions = ["unlock"]

    # The model's two sign-in counters have no Persian names of their own (no migration for it).
    @admin.display(description="ورودهای ناموفق پیاپی")
    def failed_logins_shown(self, user: User) -> str:
        return to_persian_digits(user.failed_logins)

    @admin.display(description="قفل ورود تا")
    def locked_until_shown(self, user: User) -> str:
        return format_datetime(user.locked_until) if user.locked_until else "-"

    @admin.action(description="باز کردن قفل ورود حساب‌های انتخاب‌شده")
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.update(failed_logins=0, locked_until=None)
        self.message_user(request, f"قفل ورود {to_persian_digits(count)} حساب باز شد.")

    def has_module_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Unchecking «فعال» ends every session of the person now, not at their next click.
            staff_deactivate(user=obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    filter_horizontal = ()  # as on the user's page: a plain labelled list
