"""The catalog in the Django admin: an agency admin edits their own agency's service cards and
forms (agencies.admin.AgencyScopedAdmin); categories are the operators'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from desk.agencies.admin import AgencyScopedAdmin, OperatorsOnlyAdmin, ScopedStackedInline
from desk.catalog import measures, preview, selectors
from desk.catalog.models import (
    Category,
    Channel,
    Faq,
    FormField,
    Regulation,
    RequiredDocument,
    Service,
    ServiceStep,
)
from desk.catalog.selectors import SERVICES_GENERATION
from desk.core.cache import GenerationBumpingAdmin
from desk.lib.persian import to_persian_digits


class _ForgetsServiceCards(GenerationBumpingAdmin):
    """Service cards are cached with their children, category and agency
    (``selectors.service_for_apply``): every save or delete here forgets them."""

    generation = SERVICES_GENERATION


class StepInline(ScopedStackedInline):
    model = ServiceStep


class DocumentInline(ScopedStackedInline):
    model = RequiredDocument


class RegulationInline(ScopedStackedInline):
    model = Regulation


class FaqInline(ScopedStackedInline):
    model = Faq


class FormFieldInline(ScopedStackedInline):
    model = FormField


class ChannelsField(forms.MultipleChoiceField):
    """The service's access channels as checkboxes with their Persian names (``Channel``),
    kept as the model keeps them: a JSON list of codes in ``Channel``'s order
    (``["web", "in_person"]``)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Channel.choices, required=False, **kwargs)
        self.codes: list[str] = list(Channel.values)

    def keep_unknown(self, stored: Any) -> None:
        """A code saved before ``Channel`` named it stays a choice, checked, under its code:
        saving the card never drops it unless it is unchecked."""
        extra = [code for code in stored or [] if isinstance(code, str) and code not in self.codes]
        self.codes = [*self.codes, *extra]
        self.choices = [*Channel.choices, *((code, code) for code in extra)]

    def clean(self, value: Any) -> list[str]:
        chosen = set(super().clean(value))
        return [code for code in self.codes if code in chosen]


class ServiceAdminForm(forms.ModelForm):
    """The admin's form of a service card (the admin names the model and the fields)."""

    channels = ChannelsField(label=Service._meta.get_field("channels").verbose_name)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("channels")
        if isinstance(field, ChannelsField):
            field.keep_unknown(self.instance.channels)


@admin.register(Service)
class ServiceAdmin(AgencyScopedAdmin, _ForgetsServiceCards):
    form = ServiceAdminForm
    list_display = ["title", "agency", "category", "duration_working_days", "is_published"]
    list_filter = ["is_published", "category"]
    search_fields = ["title", "national_id"]
    inlines = [StepInline, DocumentInline, RegulationInline, FaqInline, FormFieldInline]
    readonly_fields = ["measured"]
    actions = ["fill_from_measured"]

    @admin.display(description=_("اندازه‌گیری‌شده از درخواست‌ها (۱۲ ماه اخیر)"))
    def measured(self, obj: Service) -> str:
        """Measured beside declared: the oversight figures (desk.catalog.measures)."""
        found = measures.service_measures([obj.pk]).get(obj.pk) if obj.pk else None
        if found is None:
            return str(_("هنوز رقمی از درخواست‌های این خدمت جمع‌بندی نشده است."))
        visits = "—" if found.in_person_visits is None else f"{found.in_person_visits:.2f}"
        duration = "—" if found.average_duration_days is None else found.average_duration_days
        text = (
            f"میانگین مدت انجام: {duration} روز کاری (اعلام‌شده: {obj.average_duration_days}) · "
            f"تعداد درخواست در سال: {found.annual_volume} (اعلام‌شده: {obj.annual_volume}) · "
            f"مراجعه حضوری به ازای هر درخواست: {visits} (اعلام‌شده: {obj.in_person_visits})"
        )
        return to_persian_digits(text)

    @admin.action(description=_("پر کردن مدت، تعداد سالانه و مراجعه حضوری از ارقام اندازه‌گیری‌شده"))
    def fill_from_measured(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        filled = measures.services_fill_measured(service_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request, _("%(n)s شناسنامه از ارقام اندازه‌گیری‌شده پر شد.") % {"n": filled}
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .select_related("agency", "category")
            .prefetch_related("documents", "form_fields")
        )

    def get_list_display(self, request: HttpRequest) -> Any:
        return [*super().get_list_display(request), "documents_match"]

    @admin.display(description=_("مدارک و فرم یکی است"), boolean=True)
    def documents_match(self, obj: Service) -> bool:
        return selectors.documents_mismatch(obj) is None

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Said on arrival; after a save, save_related says it about what was saved.
        if request.method == "GET":
            service = self.get_object(request, object_id)
            if service is not None:
                self._warn_documents(request, service)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        self._warn_documents(request, form.instance)

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="catalog_service_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The form as a citizen sees it, from the change form as it stands (desk/catalog/
        preview.py); drawn in a frame beside the card, so it may be framed by this site."""
        service = self.get_object(request, unquote(object_id))
        if service is None:
            raise Http404
        allowed = (
            self.has_change_permission(request, service)
            if request.method == "POST"
            else self.has_view_permission(request, service)
        )
        if not allowed:
            raise PermissionDenied
        response = render(
            request, "catalog/form_preview.html", preview.preview_context(request, service)
        )
        response["X-Frame-Options"] = "SAMEORIGIN"
        response._csp_replace = {"frame-ancestors": ["'self'"]}  # type: ignore[attr-defined]
        return response

    def _warn_documents(self, request: HttpRequest, service: Service) -> None:
        problem = selectors.documents_mismatch(service)
        if problem:
            self.message_user(request, problem, messages.WARNING)


@admin.register(Category)
class CategoryAdmin(OperatorsOnlyAdmin, _ForgetsServiceCards):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
