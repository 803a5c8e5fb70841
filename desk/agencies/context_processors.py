"""Who is looking, for every template: the staff membership that role navigation is built on."""

from __future__ import annotations

from django.http import HttpRequest

from desk.agencies.access import may_serve_at_desk, oversight_scope, staff_for_user

# Citizens and visitors, most pages: no staff record to look up twice more.
_NOT_STAFF: dict[str, object] = {
    "current_staff": None,
    "serves_at_desk": False,
    "sees_oversight": False,
}


def desk(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    staff = staff_for_user(user)
    if staff is None:
        return _NOT_STAFF  # RequestContext copies it
    return {
        "current_staff": staff,
        "serves_at_desk": may_serve_at_desk(user),
        "sees_oversight": oversight_scope(user) is not None,
    }
