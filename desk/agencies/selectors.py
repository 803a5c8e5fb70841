"""Who is asking: the one place that resolves a user to the agency they may act for."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from desk.agencies.models import Role, Staff


def staff_for_user(user: object) -> Staff | None:
    """The active staff record of a signed-in user, or None for citizens and strangers."""
    if isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return None
    try:
        staff: Staff = user.staff  # type: ignore[attr-defined]
    except Staff.DoesNotExist:
        return None
    if not staff.is_active or not staff.agency.is_active:
        return None
    return staff


def require_staff(user: object) -> Staff:
    staff = staff_for_user(user)
    if staff is None:
        raise Http404
    return staff


def administered_agency_id(user: object) -> int | None:
    """The agency whose data `user` may edit in the admin as its agency admin, else None.

    Every admin page scoped to an agency asks this one question; superusers are handled by
    the callers (they see every agency)."""
    staff = staff_for_user(user)
    return staff.agency_id if staff is not None and staff.role == Role.ADMIN else None
