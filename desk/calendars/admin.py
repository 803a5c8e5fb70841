"""Weekly days off and office hours in the Django admin: national rows for the superuser, an
agency admin's own agency's rows for them. Closures and holiday corrections have no admin
here: they go through their services, which keep running deadlines current."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.agencies.admin import AgencyScopedAdmin
from desk.calendars.models import OfficeHours, WeeklyDaysOff
from desk.calendars.selectors import CALENDARS_GENERATION
from desk.core.cache import GenerationBumpingAdmin
from desk.core.forms import JalaliDateField
from desk.lib.jalali import format_date

_PERSIAN_WEEK = ("saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday")


class _DateRangeForm(forms.ModelForm):
    starts_on = JalaliDateField(label=_("از تاریخ"))
    ends_on = JalaliDateField(label=_("تا تاریخ"), required=False)


class _CalendarAdmin(AgencyScopedAdmin, GenerationBumpingAdmin):
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
        return super().get_queryset(request).select_related("agency")


@admin.register(WeeklyDaysOff)
class WeeklyDaysOffAdmin(_CalendarAdmin):
    list_display = ["scope", "starts", "ends", "days_off", "note"]

    @admin.display(description=_("روزهای تعطیل"))
    def days_off(self, obj: WeeklyDaysOff) -> str:
        return "، ".join(
            str(getattr(WeeklyDaysOff._meta.get_field(name), "verbose_name", name))
            for name in _PERSIAN_WEEK
            if getattr(obj, name)
        )


@admin.register(OfficeHours)
class OfficeHoursAdmin(_CalendarAdmin):
    list_display = ["scope", "starts", "ends", "opens_at", "closes_at", "note"]
