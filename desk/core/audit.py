"""Auditlog's request context (actor, address, correlation id) only where a request may write.

django-auditlog's middleware reads the signed-in user (a session load) and sets a context on
every request, a quarter of an empty request's instructions. Audited models are written only by
POST, PUT, PATCH and DELETE requests (staff in the admin and the staff pages, citizens booking
or editing their profile), so GET, HEAD and OPTIONS go straight through: a write without the
context would still be logged, only without its actor.
"""

from __future__ import annotations

from collections.abc import Callable

from auditlog.middleware import AuditlogMiddleware
from django.http import HttpRequest, HttpResponse

READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})


class AuditWritesMiddleware(AuditlogMiddleware):
    get_response: Callable[[HttpRequest], HttpResponse]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in READ_ONLY:
            return self.get_response(request)
        response: HttpResponse = super().__call__(request)
        return response
