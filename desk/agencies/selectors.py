"""Who is asking: the one place that resolves a user to the agency they may act for."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from desk.agencies.models import Staff


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
