"""Counting failed staff sign-ins: per client address in the shared cache, per account in
the database (User.failed_logins / locked_until).

An address is shut out after STAFF_LOGIN_FAILURES_PER_ADDRESS failures, an account locked
after STAFF_LOCKOUT_FAILURES (more): one machine cannot lock somebody else's account, and a
guesser with many addresses still meets the account lock. The trade-off is in the README.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from desk.accounts.models import User
from desk.core import ratelimit
from desk.lib.addresses import limit_scope


def _blocked_key(ip: str) -> str:
    return f"staff-login:blocked:{limit_scope(ip)}"


def address_blocked(ip: str) -> bool:
    until = cache.get(_blocked_key(ip))
    return until is not None and until > timezone.now().timestamp()


def address_failure(ip: str) -> bool:
    """Count a failure from `ip`; the Nth failure in a window shuts the address out (True)."""
    window = settings.STAFF_LOCKOUT_MINUTES * 60
    # hit() allows `limit` attempts: the failure after the (N-1)th is the one that shuts.
    within = ratelimit.hit(
        key=f"staff-login:failures:{limit_scope(ip)}",
        limit=settings.STAFF_LOGIN_FAILURES_PER_ADDRESS - 1,
        window_seconds=window,
    )
    if not within:
        until = timezone.now() + timedelta(seconds=window)
        cache.set(_blocked_key(ip), until.timestamp(), timeout=window)
    return not within


def account_failure(user: User) -> bool:
    """Count a failure against `user`; True when this one locked the account."""
    # An UPDATE with F() so that parallel failures all count.
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.STAFF_LOCKOUT_FAILURES:
        User.objects.filter(pk=user.pk).update(
            locked_until=timezone.now() + timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES),
            failed_logins=0,
        )
        return True
    return False
