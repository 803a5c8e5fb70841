"""Admin bases every app may use (core is below every app; the agency-scoped bases are in
desk/agencies/admin.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import FieldListFilter
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString

from desk.lib.persian import to_persian_digits

_does_not_exist_redirect = getattr(admin.ModelAdmin, "_get_obj_does_not_exist_redirect")  # noqa: B009


def _in_persian_digits(self: Any, request: HttpRequest, opts: Any, object_id: str) -> Any:
    # «خدمت با کلید «۴» وجود ندارد»: the id of a row not there (or another agency's) is
    # written with Persian digits, as everything else the admin shows.
    return _does_not_exist_redirect(self, request, opts, to_persian_digits(object_id))


setattr(admin.ModelAdmin, "_get_obj_does_not_exist_redirect", _in_persian_digits)  # noqa: B010


def titled_filter(filter_class: type[FieldListFilter], title: str | Promise) -> Any:
    """``filter_class`` with its sidebar title set, for a field whose own name cannot carry
    the title: ``list_filter = [("state", titled_filter(admin.ChoicesFieldListFilter, _("…")))]``.
    """

    class TitledFilter(filter_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.title = str(title)

    return TitledFilter


def label_with_key(label: str, key: str) -> SafeString:
    """A row named for people, its code name small beneath it for those who configure it
    (a workflow step: «بررسی درخواست و سند» over ``intake``); static/desk/admin.css."""
    return format_html('{}<br><small class="admin-key" dir="ltr">{}</small>', label, key)


class ReadOnlyOperatorsAdmin(admin.ModelAdmin):
    """An append-only log that spans every agency (national-system calls, the audit chain,
    inquiries between agencies): read by the system's superusers, never added, changed or
    deleted in the admin. The same rule as ``access.is_operator``, which this layer cannot
    import."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
