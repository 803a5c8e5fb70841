"""Who is looking, for every template: the staff membership that role navigation is built on."""

from __future__ import annotations

from django.http import HttpRequest

from desk.agencies.access import staff_for_user


def desk(request: HttpRequest) -> dict[str, object]:
    return {"current_staff": staff_for_user(getattr(request, "user", None))}
