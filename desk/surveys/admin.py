"""The questionnaires are national (operators edit them as new versions); which one a service
asks is the agency admin's. Responses have no admin: their free text is for the agency's
managers only (the staff results page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from desk.agencies.admin import AgencyScopedAdmin, OperatorsOnlyAdmin
from desk.core.errors import ApplicationError
from desk.surveys.models import FormVersion, Question, RedFlag, ServiceSurvey, SurveyForm
from desk.surveys.services import version_copy, version_publish


@admin.register(ServiceSurvey)
class ServiceSurveyAdmin(AgencyScopedAdmin):
    list_display = ["service", "form", "enabled"]
    list_filter = ["form", "enabled"]


class FormVersionInline(admin.TabularInline):
    model = FormVersion
    extra = 0
    fields = ["number", "published_at"]
    readonly_fields = ["number", "published_at"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SurveyForm)
class SurveyFormAdmin(OperatorsOnlyAdmin):
    list_display = ["title", "kind"]
    inlines = [FormVersionInline]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "order",
        "key",
        "text",
        "hint",
        "kind",
        "axis",
        "labels",
        "allow_not_applicable",
        "red_flag",
        "required",
    ]

    def _draft(self, obj: FormVersion | None) -> bool:
        return obj is None or not obj.is_published

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._draft(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._draft(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._draft(obj)


@admin.register(FormVersion)
class FormVersionAdmin(OperatorsOnlyAdmin):
    """A published version is frozen (invitations pin it); «new version» copies it as a
    draft to edit, and publishing puts the draft in force for new invitations."""

    list_display = ["form", "number", "published_at"]
    list_filter = ["form"]
    readonly_fields = ["form", "number", "published_at", "created_at"]
    inlines = [QuestionInline]
    actions = ["new_version", "publish"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("نسخه تازه (پیش‌نویس) از نسخه‌های انتخاب‌شده"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[FormVersion]) -> None:
        for version in queryset:
            draft = version_copy(version_id=version.pk)
            self.message_user(request, _("پیش‌نویس %(v)s ساخته شد.") % {"v": draft})

    @admin.action(description=_("انتشار: برای دعوت‌های تازه به کار رود"))
    def publish(self, request: HttpRequest, queryset: QuerySet[FormVersion]) -> None:
        for version in queryset:
            try:
                version_publish(version_id=version.pk)
            except ApplicationError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)


@admin.register(RedFlag)
class RedFlagAdmin(OperatorsOnlyAdmin):
    list_display = ["agency", "year", "month", "answered", "flagged", "threshold_percent"]
    list_filter = ["year"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
