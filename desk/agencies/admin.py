"""The one agency-scoped admin base, and the agencies' own admin (operators only).

``AgencyScopedAdmin`` and the ``Scoped*Inline`` classes are what every app with agency data
registers its admins with. For an agency admin they list only the agency's rows, force the
agency on save, and limit every foreign-key and many-to-many choice (inlines included) to rows
of that agency; what the agency admin may do at all is the access policy's
``AGENCY_ADMIN_PERMISSIONS``. Operators (superusers) see and choose everything.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import ForeignKey, ManyToManyField, Model, QuerySet
from django.forms import (
    BaseFormSet,
    BaseInlineFormSet,
    ModelChoiceField,
    ModelForm,
    ModelMultipleChoiceField,
)
from django.http import HttpRequest

from desk.accounts.services import staff_deactivate
from desk.agencies import access
from desk.agencies.models import Agency, Staff
from desk.core.cache import AGENCIES_GENERATION, GenerationBumpingAdmin

# Deep enough for an action → step → version → workflow → service → agency.
_MAX_DEPTH = 6


def owner_path(model: type[Model]) -> str | None:
    """The lookup from a row of ``model`` to the id of the agency that owns it, following
    required foreign keys (``"version__workflow__service__agency_id"``); None for rows no
    agency owns (categories, holiday corrections). People belong to an agency through their
    staff record; a nullable ``agency`` column means the row may be national."""
    if model is Agency:
        return "pk"
    if model._meta.label == settings.AUTH_USER_MODEL:
        return "staff__agency_id"
    queue: deque[tuple[type[Model], str]] = deque([(model, "")])
    seen = {model}
    while queue:
        current, prefix = queue.popleft()
        if prefix.count("__") >= _MAX_DEPTH:
            break
        for field in current._meta.concrete_fields:
            related = field.related_model
            if not isinstance(field, ForeignKey) or related is None or related == "self":
                continue
            if related is Agency:
                return f"{prefix}{field.name}_id"
            # Owned through a link that is always there (a step's version, not its department).
            if field.null or related in seen or related._meta.label == settings.AUTH_USER_MODEL:
                continue
            seen.add(related)
            queue.append((related, f"{prefix}{field.name}__"))
    return None


def owner_of(obj: Model, path: str) -> int | None:
    """The agency id at the end of ``path`` on one row (None if a link is empty)."""
    value: Any = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return int(value)


def limit_to_agency(queryset: QuerySet[Any], request: HttpRequest) -> QuerySet[Any]:
    """The rows of ``queryset`` the admin behind ``request`` may choose or see."""
    path = owner_path(queryset.model)
    rows = access.admin_rows(request.user, path) if path is not None else None
    return queryset if rows is None else queryset.filter(rows)


class ScopedChoices:
    """Every foreign-key and many-to-many choice limited to the admin's own agency's rows
    (rows no agency owns, like categories, stay choosable)."""

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and hasattr(field, "queryset"):
            field.queryset = limit_to_agency(field.queryset, request)
        return field

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and hasattr(field, "queryset"):
            field.queryset = limit_to_agency(field.queryset, request)
        return field


def _with_agency(form: type[ModelForm], agency_id: int | None) -> type[ModelForm]:
    """The form with the agency set before validation, so that the model's checks see it and
    uniqueness that involves the agency (one policy per agency, office names) is a form error
    and not an IntegrityError at save time: Django skips unique checks on fields the form
    does not show."""

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


class AgencyScopedAdmin(ScopedChoices, admin.ModelAdmin):
    """Superusers see everything; an agency admin sees and edits the rows of their agency only
    (reached from the model through ``agency_path``, found from the foreign keys unless set),
    with the permissions the access policy gives the job."""

    agency_path: str | None = None

    def get_agency_path(self) -> str:
        path = self.agency_path or owner_path(self.model)
        if path is None:
            raise TypeError(f"{self.model._meta.label} has no agency: not an agency-scoped admin")
        return path

    def _label(self) -> str:
        return self.model._meta.label_lower

    def _has_agency_field(self) -> bool:
        try:
            field = self.model._meta.get_field("agency")
        except FieldDoesNotExist:
            return False
        return field.related_model is Agency

    def owns(self, request: HttpRequest, obj: Model | None) -> bool:
        return obj is None or access.admin_may_touch(
            request.user, owner_of(obj, self.get_agency_path())
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        rows = access.admin_rows(request.user, self.get_agency_path())
        return qs if rows is None else qs.filter(rows)

    def get_list_filter(self, request: HttpRequest) -> Any:
        # A related filter lists every row of the related model (every agency's services):
        # agency admins get only the values their own rows hold.
        filters = super().get_list_filter(request)
        if access.is_operator(request.user):
            return filters
        return [self._own_values_only(f) for f in filters]

    def _own_values_only(self, spec: Any) -> Any:
        if not isinstance(spec, str):
            return spec
        model: Any = self.model
        for part in spec.split("__"):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                return spec
            model = field.related_model
            if model is None:
                return spec
        return (spec, admin.RelatedOnlyFieldListFilter)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        if not access.is_operator(request.user) and self._has_agency_field():
            exclude.append("agency")
        return exclude

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if access.is_operator(request.user) or not self._has_agency_field():
            return form
        return _with_agency(form, access.administered_agency_id(request.user))

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not access.is_operator(request.user):
            if self._has_agency_field():
                obj.agency_id = access.administered_agency_id(request.user)
            if not self.owns(request, obj):
                raise PermissionDenied
        super().save_model(request, obj, form, change)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return any(access.admin_may(request.user, a, self._label()) for a in access.ALL)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        may = access.admin_may(request.user, "view", self._label()) or access.admin_may(
            request.user, "change", self._label()
        )
        return may and self.owns(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.admin_may(request.user, "add", self._label())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.admin_may(request.user, "change", self._label()) and self.owns(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.admin_may(request.user, "delete", self._label()) and self.owns(request, obj)


class ScopedInlineFormSet(BaseInlineFormSet):
    """An inline row is named by its id in the POST: the id must be one of the rows shown
    (the parent's, in the admin's agency), not any row of the table."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        assert self.model is not None and self.model._meta.pk is not None
        identity = form.fields.get(self.model._meta.pk.name)
        if isinstance(identity, ModelChoiceField):
            identity.queryset = self.get_queryset()


class ScopedInline(ScopedChoices, admin.options.InlineModelAdmin):
    """An inline of an agency-scoped admin: its rows, its choices and its permissions follow
    the same policy (``obj`` is the parent row)."""

    extra = 0
    formset = ScopedInlineFormSet

    def _label(self) -> str:
        return self.model._meta.label_lower

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return limit_to_agency(super().get_queryset(request), request)

    def is_editable(self, parent: Any) -> bool:
        """Whether rows under ``parent`` may change at all (a published workflow may not)."""
        return True

    def _may(self, request: HttpRequest, action: access.AdminAction, parent: Any) -> bool:
        writable = action == "view" or parent is None or self.is_editable(parent)
        return writable and access.admin_may(request.user, action, self._label())

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "view", obj) or self._may(request, "change", obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "add", obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "change", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "delete", obj)


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    pass


class OperatorsOnlyAdmin(admin.ModelAdmin):
    """Configuration that spans agencies (agencies themselves, users, national holidays):
    the system's superusers only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_operator(request.user)


class StaffInline(admin.TabularInline):
    model = Staff
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(GenerationBumpingAdmin, OperatorsOnlyAdmin):
    """An agency's name, SMS line or closing down changes what is cached with it (the
    service cards carry their agency): saves bump ``AGENCIES_GENERATION``."""

    generation = AGENCIES_GENERATION
    list_display = ["name", "slug", "province", "city", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StaffInline]

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is not Staff:  # type: ignore[attr-defined]
            return
        for row in formset.forms:
            staff = row.instance
            if staff.pk and "is_active" in row.changed_data and not staff.is_active:
                # A staff row unchecked: their sessions end now; the account itself stays.
                staff_deactivate(user=staff.user, account=False)

    def save_model(self, request: HttpRequest, obj: Agency, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Services are searchable by their agency's name; keep their search keys current.
        for service in obj.services.select_related("agency"):
            service.save(update_fields=["search_text"])
