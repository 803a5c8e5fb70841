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

Where it is set, the context is a context variable read by one ``pre_save`` receiver of the
log entries, connected once (``install``), not a receiver connected and disconnected around
each writing request (auditlog's ``set_extra_data``): Django's cache of receivers is no longer
emptied by every POST, and the variable is reset after the request, so nothing written later
in the same thread (a job run in process) is credited to that request's person. The address is
``REMOTE_ADDR`` as ``desk.core.forwarded`` settled it (the client's, believed from a trusted
proxy only); auditlog's middleware took the first entry of ``X-Forwarded-For``, which the
client writes: anyone could have put any address in the log. The client's port is not
recorded (it came from ``X-Forwarded-Port``, which the client writes too).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, NamedTuple, TypeVar

from auditlog import get_logentry_model
from auditlog.cid import set_cid
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.http import HttpRequest, HttpResponse

READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})
View = TypeVar("View", bound=Callable[..., HttpResponse])


class _Writer(NamedTuple):
    user: Any  # the request's user as it came in (a lazy object: read only if an entry is)
    address: str | None


# Who is writing in this context (None outside a writing request).
_writer: ContextVar[_Writer | None] = ContextVar("audit_writer", default=None)


@contextlib.contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    """Log entries written inside this block name the person who sent `request` (as signed in
    when it came: a sign-in or sign-out in the view does not change who sent it) and its
    address. The person is read from the session only if an entry is written."""
    disabled = getattr(settings, "AUDITLOG_DISABLE_REMOTE_ADDR", False)
    address = None if disabled else request.META.get("REMOTE_ADDR")
    token = _writer.set(_Writer(getattr(request, "user", None), address or None))
    try:
        yield
    finally:
        _writer.reset(token)


def _fill_entry(sender: type, instance: Any, **kwargs: Any) -> None:
    """``pre_save`` of a log entry: the writer's person (when signed in and not already
    named) and address, as auditlog's own receiver fills them."""
    writer = _writer.get()
    if writer is None:
        return
    user = writer.user
    if instance.actor_id is None and isinstance(user, get_user_model()) and user.is_authenticated:
        instance.actor = user
        instance.actor_email = getattr(user, "email", None)
    instance.remote_addr = writer.address


def install() -> None:
    """Connect the receiver once (desk.core's ``ready``)."""
    pre_save.connect(
        _fill_entry, sender=get_logentry_model(), dispatch_uid="desk.core.audit", weak=False
    )


def writes_nothing_audited(view: View) -> View:
    """Mark a view that writes no audited model whatever its method: no audit context."""
    view.writes_nothing_audited = True  # type: ignore[attr-defined]
    return view


class AuditWritesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

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
        context.enter_context(request_context(request))
