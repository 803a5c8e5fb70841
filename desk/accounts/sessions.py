"""Staff sessions: idle and absolute timeouts, and ending every session of a person.

Citizens keep the plain SESSION_COOKIE_AGE; staff sessions carry two timestamps, checked on
every request by desk.accounts.middleware.StaffSessionMiddleware.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Literal

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from desk.accounts.models import StaffSession, User
from desk.accounts.two_factor import has_two_factor, two_factor_required

SIGNED_IN_AT = "staff_signed_in_at"
SEEN_AT = "staff_seen_at"
# "required" for whoever must pass the two-factor step (or enrolled), else "optional".
TWO_FACTOR_STATE = "staff_two_factor"
# Writing the session on every request would cost a write per click; a minute is precise enough.
SEEN_RESOLUTION_SECONDS = 60

Expiry = Literal["idle", "absolute"]


def staff_session_start(*, session: SessionBase, user: User) -> None:
    """Start the clocks of a new staff sign-in and remember its key for staff_sessions_end."""
    now = int(timezone.now().timestamp())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now
    session[TWO_FACTOR_STATE] = two_factor_state(user)
    if session.session_key is None:
        session.save()
    assert session.session_key is not None
    StaffSession.objects.get_or_create(session_key=session.session_key, defaults={"user": user})
    # Rows of sessions that have surely ended by now.
    too_old = timezone.now() - timedelta(hours=settings.STAFF_SESSION_MAX_HOURS)
    StaffSession.objects.filter(user=user, created_at__lt=too_old).delete()


def two_factor_state(user: User) -> str:
    required = two_factor_required(user) or has_two_factor(user)
    return "required" if required else "optional"


def staff_session_expiry(session: SessionBase) -> Expiry | None:
    """Which timeout, if any, has ended this staff session; refreshes its idle clock if none.

    A session without clocks (signed in by an older release, or by a test's force_login) starts
    them now."""
    now = int(timezone.now().timestamp())
    signed_in_at = session.setdefault(SIGNED_IN_AT, now)
    seen_at = session.setdefault(SEEN_AT, now)
    if now - signed_in_at > settings.STAFF_SESSION_MAX_HOURS * 3600:
        return "absolute"
    if now - seen_at > settings.STAFF_SESSION_IDLE_MINUTES * 60:
        return "idle"
    if now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
    return None


def staff_sessions_end(*, user: User) -> int:
    """Delete every recorded session of `user` from the session store; returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(StaffSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    with transaction.atomic():
        StaffSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)
