"""What the audit log hears from Django itself: sign-ins (django.contrib.auth's signals) and
admin changes (the admin's own LogEntry rows). Connected in AuditConfig.ready().

These are Django's signals, not the project's domain events: the admin and the auth views are
Django's code, and these signals are the hooks Django gives them."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest

from desk.audit.models import Action
from desk.audit.services import audit_record

ADMIN_ACTIONS = {
    ADDITION: Action.ADMIN_ADDED,
    CHANGE: Action.ADMIN_CHANGED,
    DELETION: Action.ADMIN_DELETED,
}


def agency_of(user: Any) -> int | None:
    """The agency a staff member works for; None (the national chain) for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return int(user.staff.agency_id)
    except (AttributeError, ObjectDoesNotExist):
        return None


def client_address(request: HttpRequest | None) -> str:
    return str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(
        action=Action.SIGNED_IN,
        agency_id=agency_of(user),
        actor=user,
        target=user,
        details={"address": client_address(request)},
    )


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    audit_record(
        action=Action.SIGNED_OUT,
        agency_id=agency_of(user),
        actor=user,
        target=user,
        details={"address": client_address(request)},
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the name tried: Django has already masked the password in `credentials`.
    name = str(credentials.get("username") or credentials.get("national_code") or "")[:64]
    audit_record(
        action=Action.SIGN_IN_FAILED,
        agency_id=None,
        object_type="auth.username",
        object_id=name,
        details={"address": client_address(request)},
    )


def on_admin_log_entry(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """One admin addition, change or deletion (a form save, a single deletion); deleting many
    at once is recorded by `audited_delete_selected` (the admin bulk-creates those rows)."""
    if not created:
        return
    admin_change_record(
        user=instance.user,
        action_flag=instance.action_flag,
        object_type=_content_label(instance),
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        change_message=instance.get_change_message(),
    )


def admin_change_record(
    *,
    user: Any,
    action_flag: int,
    object_type: str,
    object_id: str,
    object_repr: str,
    change_message: str = "",
) -> None:
    audit_record(
        action=ADMIN_ACTIONS.get(action_flag, Action.ADMIN_CHANGED),
        agency_id=agency_of(user),
        actor=user,
        object_type=object_type,
        object_id=object_id,
        details={"repr": object_repr[:200], "change": change_message[:1000]},
    )


def _content_label(entry: LogEntry) -> str:
    content_type = entry.content_type
    return f"{content_type.app_label}.{content_type.model}" if content_type is not None else ""
