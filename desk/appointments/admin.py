"""Offices, weekly templates, exceptions and the booking policy in the Django admin, scoped so
that an agency admin sees and edits only their own agency's rows; bookings and breaches are
read-only lists for oversight."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.agencies.admin import AgencyScopedAdmin
from desk.appointments.models import (
    Appointment,
    Breach,
    Office,
    Policy,
    SlotException,
    SlotTemplate,
)
from desk.core.cache import AGENCIES_GENERATION, GenerationBumpingAdmin
from desk.core.forms import JalaliDateField


class _ReadOnly(AgencyScopedAdmin):
    """Records the services write (bookings, breaches): a list to look at, for everyone."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ForgetsServicePages(GenerationBumpingAdmin):
    """A service page says whether the service books appointments (an active office with an
    active weekly template for it) and is cached with its agency (catalog/views.py): every
    save or delete of an office or a template forgets it."""

    generation = AGENCIES_GENERATION


@admin.register(Office)
class OfficeAdmin(AgencyScopedAdmin, _ForgetsServicePages):
    list_display = ["name", "agency", "counters", "is_active"]
    search_fields = ["name", "address"]


@admin.register(Policy)
class PolicyAdmin(AgencyScopedAdmin):
    list_display = ["agency", "max_no_shows", "no_show_window_days", "horizon_days"]


@admin.register(SlotTemplate)
class SlotTemplateAdmin(AgencyScopedAdmin, _ForgetsServicePages):
    list_display = [
        "office",
        "service",
        "weekday",
        "starts_at",
        "ends_at",
        "slot_minutes",
        "capacity",
        "is_active",
    ]
    list_filter = ["weekday", "is_active"]
    list_select_related = ["office", "service"]


class SlotExceptionForm(forms.ModelForm):
    date = JalaliDateField(label=_("تاریخ"))

    class Meta:
        model = SlotException
        fields = ["office", "service", "date", "is_closed", "capacity", "note"]


@admin.register(SlotException)
class SlotExceptionAdmin(AgencyScopedAdmin):
    form = SlotExceptionForm
    list_display = ["office", "service", "date", "is_closed", "capacity", "note"]
    list_select_related = ["office", "service"]


@admin.register(Appointment)
class AppointmentAdmin(_ReadOnly):
    list_display = ["booking_code", "service", "office", "starts_at", "status", "queue_number"]
    list_filter = ["status"]
    search_fields = ["booking_code", "national_code"]
    list_select_related = ["service", "office"]


@admin.register(Breach)
class BreachAdmin(_ReadOnly):
    list_display = [
        "requested_on",
        "promised_by",
        "first_offered_on",
        "working_days",
        "service",
        "office",
        "reason",
    ]
    list_select_related = ["service", "office"]
