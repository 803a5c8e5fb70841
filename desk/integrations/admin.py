"""Integrations in the admin: an agency admin creates, rotates and revokes their agency's API
keys, registers webhook endpoints, reads the delivery log and sends deliveries again.

A new key's full text is shown once, on the page that follows its creation (or rotation), and
is stored nowhere: not in the session, not in a message cookie.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from desk.agencies import access
from desk.agencies.admin import AgencyScopedAdmin, ScopedTabularInline
from desk.core.errors import ApplicationError
from desk.integrations.models import (
    ApiKey,
    EventType,
    Scope,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from desk.integrations.services import CreatedKey, api_key_create, api_key_revoke, api_key_rotate
from desk.integrations.webhooks import (
    new_secret,
    webhook_redeliver,
    webhook_secret_rotate,
    webhook_url_check,
)
from desk.lib.persian import to_persian_digits


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("دسترسی‌ها"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ["agency", "name", "scopes", "expires_at"]

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and self.instance.pk is None and expires_at <= timezone.now():
            raise forms.ValidationError(_("پایان اعتبار کلید باید در آینده باشد."))
        return expires_at


def _shown_once(request: HttpRequest, created: list[CreatedKey], title: str) -> HttpResponse:
    response = TemplateResponse(
        request,
        "integrations/admin/keys_shown_once.html",
        {
            "title": title,
            "created": created,
            "opts": ApiKey._meta,
            "site_header": admin.site.site_header,
            "has_permission": True,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@admin.register(ApiKey)
class ApiKeyAdmin(AgencyScopedAdmin):
    form = ApiKeyForm
    list_display = ["name", "agency", "display_prefix", "scopes_display", "status_display"]
    list_display += ["created_at", "last_used_at", "expires_at"]
    list_filter = ["agency"]
    search_fields = ["name", "=prefix"]
    actions = ["rotate", "revoke"]
    readonly_fields = ["display_prefix", "status_display", "created_by", "created_at"]
    readonly_fields += ["last_used_at", "revoked_at", "revoked_by", "replaced_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        # The end of a key is chosen when it is made; later it moves only by rotation.
        return [*fields, "expires_at"] if obj is not None else []

    @admin.display(description=_("کلید"))
    def display_prefix(self, obj: ApiKey) -> str:
        return obj.display_prefix

    @admin.display(description=_("دسترسی‌ها"))
    def scopes_display(self, obj: ApiKey) -> str:
        return "، ".join(obj.get_scopes_display())

    @admin.display(description=_("وضعیت"))
    def status_display(self, obj: ApiKey) -> str:
        return str(obj.status().label)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        if not access.is_operator(request.user):
            obj.agency_id = access.administered_agency_id(request.user)  # type: ignore[assignment]
        created = api_key_create(
            agency=obj.agency,
            name=obj.name,
            scopes=obj.scopes,
            created_by=request.user,
            expires_at=obj.expires_at,
        )
        for field in ApiKey._meta.concrete_fields:  # the admin goes on with the saved row
            setattr(obj, field.attname, getattr(created.key, field.attname))
        obj._state.adding = False
        obj._created = created  # type: ignore[attr-defined]

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue: Any = None) -> Any:
        created: CreatedKey | None = getattr(obj, "_created", None)
        if created is None:
            return super().response_add(request, obj, post_url_continue)
        return _shown_once(request, [created], str(_("کلید API ساخته شد")))

    @admin.action(
        permissions=["change"],
        description=_("تعویض کلیدهای انتخاب‌شده (کلید کهنه تا پایان مهلت معتبر)"),
    )
    def rotate(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> HttpResponse | None:
        created: list[CreatedKey] = []
        for key in queryset:
            if not self.has_change_permission(request, key):
                continue
            try:
                created.append(api_key_rotate(key=key, actor=request.user))
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
        if not created:
            return None
        return _shown_once(request, created, str(_("کلیدهای جایگزین ساخته شد")))

    @admin.action(permissions=["change"], description=_("ابطال کلیدهای انتخاب‌شده (بی‌درنگ)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = 0
        for key in queryset:
            if self.has_change_permission(request, key):
                api_key_revoke(key=key, actor=request.user)
                revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d کلید باطل شد.", "%(count)d کلید باطل شد.", revoked)
            % {"count": revoked},
        )


# --- webhooks ------------------------------------------------------------------------------------


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("رویدادها"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["agency", "url", "description", "events", "is_active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            webhook_url_check(url)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AgencyScopedAdmin):
    """The signing secret is shown on the endpoint's own page, for the agency's developers."""

    form = WebhookEndpointForm
    list_display = ["url", "agency", "events_display", "is_active", "created_at"]
    list_filter = ["is_active", "agency"]
    search_fields = ["url", "description"]
    readonly_fields = [
        "secret",
        "previous_secret",
        "previous_secret_until",
        "created_by",
        "created_at",
    ]
    actions = ["rotate_secret"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return super().get_readonly_fields(request, obj) if obj is not None else []

    @admin.display(description=_("رویدادها"))
    def events_display(self, obj: WebhookEndpoint) -> str:
        return "، ".join(obj.get_events_display())

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        if not change:
            obj.secret = new_secret()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(
        permissions=["change"], description=_("رمز امضای تازه (رمز کهنه تا پایان مهلت معتبر)")
    )
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            if self.has_change_permission(request, endpoint):
                webhook_secret_rotate(endpoint=endpoint)
        self.message_user(
            request,
            _(
                "رمز امضای تازه را در صفحه هر نشانی ببینید. تا %(h)s ساعت هر ارسال با هر دو رمز"
                " امضا می‌شود؛ در این مدت رمز تازه را در سامانه خود بگذارید."
            )
            % {"h": to_persian_digits(settings.WEBHOOK_SECRET_GRACE_HOURS)},
        )


class WebhookAttemptInline(ScopedTabularInline):
    model = WebhookAttempt
    can_delete = False
    readonly_fields = ["at", "response_code", "latency_ms", "error"]
    fields = readonly_fields  # type: ignore[assignment]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AgencyScopedAdmin):
    """The delivery log, read-only; «send again» is the one thing done here."""

    list_display = ["event_type", "endpoint", "status", "attempts", "response_code"]
    list_display += ["latency_ms", "created_at", "next_attempt_at", "error"]
    list_filter = ["status", "event_type", "endpoint"]
    search_fields = ["=event_id", "endpoint__url"]
    date_hierarchy = "created_at"
    actions = ["redeliver"]
    inlines = [WebhookAttemptInline]
    readonly_fields = [
        "endpoint",
        "event_type",
        "event_id",
        "status",
        "attempts",
        "next_attempt_at",
        "response_code",
        "latency_ms",
        "error",
        "created_at",
        "delivered_at",
        "body",
    ]
    fields = readonly_fields  # type: ignore[assignment]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # "change" is the list's «send again» action; a delivery's own page is read-only.
        return obj is None and super().has_change_permission(request)

    @admin.action(permissions=["change"], description=_("ارسال دوباره (همان رویداد، همین حالا)"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        own = [d for d in queryset.select_related("endpoint") if self.owns(request, d)]
        count = webhook_redeliver(deliveries=own)
        self.message_user(
            request,
            ngettext(
                "%(count)d ارسال دوباره در صف است.", "%(count)d ارسال دوباره در صف است.", count
            )
            % {"count": count},
        )
