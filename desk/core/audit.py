"""Auditlog's request context (actor, address, correlation id) only where a request may write
something audited.

django-auditlog's middleware reads the signed-in user (a session load) and sets a context on
every request: it connects a ``pre_save`` receiver and disconnects it after, which also empties
Django's cache of receivers for every model, a quarter of an empty request's instructions.
Audited models are written only by POST, PUT, PATCH and DELETE requests (staff in the admin and
the staff pages, citizens signing in, booking or editing their profile), so GET, HEAD and
OPTIONS go straight through; so do the views marked ``@writes_nothing_audited`` (the public
lookup: an anonymous read sent as a POST). A write without the context would still be logged,
only without its actor and address.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from auditlog.cid import set_cid
from auditlog.context import set_extra_data
from auditlog.middleware import AuditlogMiddleware
from django.http import HttpRequest, HttpResponse

READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})
View = TypeVar("View", bound=Callable[..., HttpResponse])


def writes_nothing_audited(view: View) -> View:
    """Mark a view that writes no audited model whatever its method: no audit context."""
    view.writes_nothing_audited = True  # type: ignore[attr-defined]
    return view


class AuditWritesMiddleware(AuditlogMiddleware):
    get_response: Callable[[HttpRequest], HttpResponse]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in READ_ONLY:
            return self.get_response(request)
        # The context is entered once the view is known (process_view), left here after it.
        with contextlib.ExitStack() as context:
            request._audit_context = context  # type: ignore[attr-defined]
            return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        context: contextlib.ExitStack | None = getattr(request, "_audit_context", None)
        if context is None or getattr(view, "writes_nothing_audited", False):
            return
        set_cid(request)
        context.enter_context(set_extra_data(context_data=self.get_extra_data(request)))
