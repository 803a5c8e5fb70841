"""The working calendar in the Django admin: weekly days off, office hours and closures (national
rows for the superuser, an agency admin's own agency's rows for them) and national holiday
corrections (superusers). Every change that moves deadlines goes through its service in
calendars.services, which announces it; running deadlines then move in a job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.admin import AgencyScopedAdmin, OperatorsOnlyAdmin
from desk.agencies.models import Agency
from desk.calendars import services as calendar_services
from desk.calendars.models import Closure, ClosureScope, HolidayOverride, OfficeHours, WeeklyDaysOff
from desk.calendars.selectors import CALENDARS_GENERATION
from desk.core.cache import GenerationBumpingAdmin
from desk.core.errors import ApplicationError
from desk.core.forms import JalaliDateField
from desk.lib.jalali import format_date, format_date_long, format_datetime

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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Days off decide deadlines: the service announces the change (deadlines move in a job).
        assert isinstance(request.user, User)
        if not access.is_operator(request.user):
            obj.agency_id = access.administered_agency_id(request.user)
        try:
            calendar_services.weekly_days_off_save(rule=obj, saved_by=request.user)
        except ApplicationError as exc:
            raise PermissionDenied(exc.message) from exc

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        assert isinstance(request.user, User)
        calendar_services.weekly_days_off_delete(rule=obj, deleted_by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(OfficeHours)
class OfficeHoursAdmin(_CalendarAdmin):
    list_display = ["scope", "starts", "ends", "opens_at", "closes_at", "note"]


class ClosureForm(forms.ModelForm):
    starts_on = JalaliDateField(label="از تاریخ")
    ends_on = JalaliDateField(label="تا تاریخ")

    class Meta:
        model = Closure
        fields = ["scope", "province", "agency", "starts_on", "ends_on", "kind", "reason"]

    def clean(self) -> dict[str, Any]:
        # The service checks all of this again; here each mistake is shown beside its field.
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("تاریخ پایان نمی‌تواند پیش از تاریخ شروع باشد."))
        if data.get("scope") == "province" and not data.get("province"):
            self.add_error("province", _("استان را انتخاب کنید."))
        if data.get("scope") == "agency" and not data.get("agency"):
            self.add_error("agency", _("دستگاه را انتخاب کنید."))
        return data


@admin.register(Closure)
class ClosureAdmin(AgencyScopedAdmin):
    form = ClosureForm
    list_display = ["reason", "scope", "province", "agency", "starts", "ends", "kind"]
    list_filter = ["scope", "kind"]

    @admin.display(description="از تاریخ", ordering="starts_on")
    def starts(self, obj: Closure) -> str:
        return format_date(obj.starts_on)

    @admin.display(description="تا تاریخ", ordering="ends_on")
    def ends(self, obj: Closure) -> str:
        return format_date(obj.ends_on)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Closure]:
        return super().get_queryset(request).select_related("agency")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        # An agency admin closes their own agency only: no scope, province or agency to pick.
        exclude = super().get_exclude(request, obj)
        return exclude if access.is_operator(request.user) else [*exclude, "scope", "province"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a closure is removed and added again, so deadlines follow both steps

    def save_model(self, request: HttpRequest, obj: Closure, form: Any, change: bool) -> None:
        data = form.cleaned_data
        assert isinstance(request.user, User)
        try:
            own = access.administered_agency_id(request.user)
            created = calendar_services.closure_create(
                created_by=request.user,
                scope=data.get("scope") or ClosureScope.AGENCY,
                province=data.get("province") or None,
                agency=data.get("agency") or (Agency.objects.get(pk=own) if own else None),
                start=data["starts_on"],
                end=data["ends_on"],
                kind=data["kind"],
                reason=data["reason"],
            )
        except ApplicationError as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = created.pk
        self.message_user(
            request, _("تعطیلی ثبت شد؛ موعد درخواست‌های جاری در پس‌زمینه جابه‌جا می‌شود.")
        )

    def delete_model(self, request: HttpRequest, obj: Closure) -> None:
        assert isinstance(request.user, User)
        calendar_services.closure_delete(closure=obj, deleted_by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Closure]) -> None:
        for closure in queryset:
            self.delete_model(request, closure)
        self.message_user(
            request, _("موعد درخواست‌های جاری در پس‌زمینه دوباره حساب می‌شود."), messages.INFO
        )


class HolidayOverrideForm(forms.ModelForm):
    date = JalaliDateField(label="تاریخ")

    class Meta:
        model = HolidayOverride
        fields = ["date", "is_day_off", "name"]
        help_texts = {
            "is_day_off": "برای لغو تعطیلی‌ای که در تقویم به اشتباه آمده، تیک را بردارید.",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_day_off") and not (data.get("name") or "").strip():
            self.add_error("name", _("نام مناسبت را بنویسید."))
        return data


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(OperatorsOnlyAdmin):
    """National holiday corrections, for the system's superusers only; like closures, a
    correction is removed and added again rather than edited, so deadlines follow both."""

    form = HolidayOverrideForm
    list_select_related = ["created_by"]
    list_display = ["day", "name", "is_day_off", "author", "created"]
    list_filter = ["is_day_off"]

    @admin.display(description="تاریخ", ordering="date")
    def day(self, obj: HolidayOverride) -> str:
        return format_date_long(obj.date)

    @admin.display(description="ثبت‌کننده")
    def author(self, obj: HolidayOverride) -> str:
        return obj.created_by.get_full_name() or obj.created_by.username

    @admin.display(description="ثبت", ordering="created_at")
    def created(self, obj: HolidayOverride) -> str:
        return format_datetime(obj.created_at)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: HolidayOverride, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        assert isinstance(request.user, User)
        try:
            created = calendar_services.holiday_override_set(
                date=data["date"],
                name=data.get("name") or "",
                is_day_off=data["is_day_off"],
                created_by=request.user,
            )
        except ApplicationError as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = created.pk
        self.message_user(
            request,
            _("تعطیلات رسمی اصلاح شد؛ موعد درخواست‌های جاری در پس‌زمینه جابه‌جا می‌شود."),
        )

    def delete_model(self, request: HttpRequest, obj: HolidayOverride) -> None:
        assert isinstance(request.user, User)
        calendar_services.holiday_override_delete(override=obj, deleted_by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HolidayOverride]) -> None:
        for override in queryset:
            self.delete_model(request, override)
        self.message_user(
            request, _("موعد درخواست‌های جاری در پس‌زمینه دوباره حساب می‌شود."), messages.INFO
        )
