"""Weekly days off and office hours in the Django admin: national rows for the superuser, an
agency admin's own agency's rows for them. Closures and holiday corrections have no admin
here: they go through their services, which keep running deadlines current."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.agencies.access import administered_agency_id
from desk.calendars.models import OfficeHours, WeeklyDaysOff
from desk.calendars.selectors import CALENDARS_GENERATION
from desk.core.cache import GenerationBumpingAdmin
from desk.core.forms import JalaliDateField
from desk.lib.jalali import format_date

_PERSIAN_WEEK = ("saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday")


def _agency_admin_agency_id(request: HttpRequest) -> int | None:
    return administered_agency_id(request.user)


def _may_edit(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser) or _agency_admin_agency_id(request) is not None


class _DateRangeForm(forms.ModelForm):
    starts_on = JalaliDateField(label=_("از تاریخ"))
    ends_on = JalaliDateField(label=_("تا تاریخ"), required=False)


class _AgencyScopedAdmin(GenerationBumpingAdmin):
    """Superusers see every row and may leave the agency empty (national); an agency admin sees
    and writes only their agency's rows. Every write forgets the cached calendars."""

    form = _DateRangeForm
    generation = CALENDARS_GENERATION

    @admin.display(description=_("از تاریخ"), ordering="starts_on")
    def starts(self, obj: Any) -> str:
        return format_date(obj.starts_on)

    @admin.display(description=_("تا تاریخ"), ordering="ends_on")
    def ends(self, obj: Any) -> str:
        return format_date(obj.ends_on) or "—"

    @admin.display(description=_("دستگاه"), ordering="agency__name")
    def scope(self, obj: Any) -> str:
        return obj.agency.name if obj.agency_id else str(_("سراسر کشور"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request).select_related("agency")
        if request.user.is_superuser:
            return qs
        agency_id = _agency_admin_agency_id(request)
        return qs.filter(agency_id=agency_id) if agency_id else qs.none()

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if request.user.is_superuser else ["agency"]

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            agency_id = _agency_admin_agency_id(request)
            assert agency_id is not None  # has_*_permission let only agency admins this far
            obj.agency_id = agency_id  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_edit(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not _may_edit(request):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return bool(obj.agency_id is not None and obj.agency_id == _agency_admin_agency_id(request))

    has_change_permission = has_delete_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_edit(request)


@admin.register(WeeklyDaysOff)
class WeeklyDaysOffAdmin(_AgencyScopedAdmin):
    list_display = ["scope", "starts", "ends", "days_off", "note"]

    @admin.display(description=_("روزهای تعطیل"))
    def days_off(self, obj: WeeklyDaysOff) -> str:
        return "، ".join(
            str(getattr(WeeklyDaysOff._meta.get_field(name), "verbose_name", name))
            for name in _PERSIAN_WEEK
            if getattr(obj, name)
        )


@admin.register(OfficeHours)
class OfficeHoursAdmin(_AgencyScopedAdmin):
    list_display = ["scope", "starts", "ends", "opens_at", "closes_at", "note"]
