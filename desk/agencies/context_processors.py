"""Who is looking, for every template: the staff membership that role navigation is built on."""

from __future__ import annotations

from django.http import HttpRequest

from desk.agencies.access import may_serve_at_desk, oversight_scope, staff_for_user


def desk(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "current_staff": staff_for_user(user),
        "serves_at_desk": may_serve_at_desk(user),
        "sees_oversight": oversight_scope(user) is not None,
    }
