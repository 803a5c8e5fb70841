"""Offices, weekly templates, exceptions and the booking policy in the Django admin, scoped so
that an agency admin sees and edits only their own agency's rows; bookings and breaches are
read-only lists for oversight."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.agencies.access import administered_agency_id
from desk.agencies.admin import AgencyScopedAdmin
from desk.appointments.models import (
    Appointment,
    Breach,
    Office,
    Policy,
    SlotException,
    SlotTemplate,
)
from desk.catalog.models import Service
from desk.core.forms import JalaliDateField


def _agency_id(request: HttpRequest) -> int | None:
    return administered_agency_id(request.user)


class _Scoped(AgencyScopedAdmin):
    """Scoped to the agency admin's agency, who may also pick only their agency's offices and
    services."""

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        agency_id = _agency_id(request)
        if not request.user.is_superuser and agency_id is not None:
            if db_field.name == "office":
                kwargs["queryset"] = Office.objects.filter(agency_id=agency_id)
            elif db_field.name == "service":
                kwargs["queryset"] = Service.objects.filter(agency_id=agency_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _OwnAgency(_Scoped):
    """Rows with an agency column: agency admins do not choose it; it is theirs."""

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if request.user.is_superuser else ["agency"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not request.user.is_superuser:
            obj.agency_id = _agency_id(request)
        super().save_model(request, obj, form, change)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm]:
        form: type[ModelForm] = super().get_form(request, obj, change, **kwargs)
        if request.user.is_superuser:
            return form
        return _with_agency(form, _agency_id(request))


def _with_agency(form: type[ModelForm], agency_id: int | None) -> type[ModelForm]:
    """The form with the agency set before validation, so that uniqueness that involves the
    agency (one policy per agency, office names) is a form error and not an IntegrityError
    at save time: Django skips unique checks on fields the form does not show."""

    class OwnAgencyForm(form):  # type: ignore[valid-type,misc]
        def _post_clean(self) -> None:
            self.instance.agency_id = agency_id
            super()._post_clean()
            if self.errors:
                return
            shown = {*self.fields, "agency"}
            exclude = {f.name for f in self.instance._meta.fields if f.name not in shown}
            try:
                self.instance.validate_unique(exclude=exclude)
                self.instance.validate_constraints(exclude=exclude)
            except ValidationError as exc:
                self.add_error(None, exc.messages)

    return OwnAgencyForm


class _ReadOnly(_Scoped):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Office)
class OfficeAdmin(_OwnAgency):
    list_display = ["name", "agency", "counters", "is_active"]
    search_fields = ["name", "address"]


@admin.register(Policy)
class PolicyAdmin(_OwnAgency):
    list_display = ["agency", "max_no_shows", "no_show_window_days", "horizon_days"]


@admin.register(SlotTemplate)
class SlotTemplateAdmin(_Scoped):
    agency_path = "office__agency_id"
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
class SlotExceptionAdmin(_Scoped):
    agency_path = "office__agency_id"
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
