"""Writes of the API's own rows: tokens for people, and the answers kept by idempotency key."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from desk.accounts.models import User
from desk.api.models import ApiToken, IdempotencyRecord, TokenKind

TOKEN_PREFIX = "mzt_"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once, never stored


@transaction.atomic
def api_token_issue(*, user: User, kind: TokenKind) -> IssuedToken:
    """A new token for ``user`` (after the same sign-in the web asks of them)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    lifetime = (
        timedelta(days=settings.API_CITIZEN_TOKEN_DAYS)
        if kind == TokenKind.CITIZEN
        else timedelta(hours=settings.API_STAFF_TOKEN_HOURS)
    )
    token = ApiToken.objects.create(
        user=user,
        kind=kind,
        token_hash=token_hash(raw),
        prefix=raw[:12],
        expires_at=timezone.now() + lifetime,
    )
    return IssuedToken(token=token, raw=raw)


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The live token ``raw`` names, with its user; None when unknown, expired or revoked."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # One write a minute at most: a busy app does not update the row on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_tokens_revoke_all(*, user: User) -> int:
    """Every live token of ``user`` (a lost phone, a staff member who left)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def api_cleanup(*, now: datetime | None = None) -> tuple[int, int]:
    """Delete idempotency records older than API_IDEMPOTENCY_HOURS and tokens that expired
    or were revoked more than a day ago; returns how many of each."""
    now = now or timezone.now()
    records, _ = IdempotencyRecord.objects.filter(
        created_at__lt=now - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    ).delete()
    day_ago = now - timedelta(days=1)
    tokens, _ = (
        ApiToken.objects.filter(expires_at__lt=day_ago)
        | ApiToken.objects.filter(revoked_at__lt=day_ago)
    ).delete()
    return records, tokens
