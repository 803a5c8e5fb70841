"""Writes of the integrations app: API keys (create, rotate, revoke) and their check.

A key is shown once, at creation; the desk keeps its prefix (to find the row and to show in
lists) and the SHA-256 of its secret. The secret is 256 random bits, so a plain hash is as
strong as a slow one and costs nothing per API call; nothing about it depends on SECRET_KEY,
which may be rotated without invalidating every integration.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.agencies.models import Agency
from desk.audit.services import audit_record
from desk.core.errors import ApplicationError
from desk.integrations.models import KEY_MARK, ApiKey, Scope

# last_used_at is a hint for people ("is this key still in use?"), not an access log: written
# at most once a minute per key, so a busy integration costs one UPDATE a minute, not one a call.
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)
_PREFIX_BYTES = 6  # 12 hex characters
_SECRET_BYTES = 32


@dataclass(frozen=True)
class CreatedKey:
    """A new key and its full text, which exists only here: show it once, never store it."""

    key: ApiKey
    raw: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_key_material() -> tuple[str, str]:
    prefix = secrets.token_hex(_PREFIX_BYTES)
    while ApiKey.objects.filter(prefix=prefix).exists():  # 2^48 prefixes: practically never
        prefix = secrets.token_hex(_PREFIX_BYTES)
    return prefix, secrets.token_urlsafe(_SECRET_BYTES)


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(scopes))
    unknown = [code for code in chosen if code not in Scope.values]
    if unknown:
        raise ApplicationError(
            _("دسترسی ناشناخته: %(codes)s") % {"codes": "، ".join(unknown)}, field="scopes"
        )
    if not chosen:
        raise ApplicationError(_("دست‌کم یک دسترسی برای کلید انتخاب کنید."), field="scopes")
    return [code for code in Scope.values if code in chosen]  # the table's order


@transaction.atomic
def api_key_create(
    *,
    agency: Agency,
    name: str,
    scopes: Iterable[str],
    created_by: Any,
    expires_at: datetime.datetime | None = None,
) -> CreatedKey:
    name = name.strip()
    if not name:
        raise ApplicationError(
            _("نام سامانه‌ای را که این کلید را به کار می‌برد بنویسید."), field="name"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(_("پایان اعتبار کلید باید در آینده باشد."), field="expires_at")
    prefix, secret = _new_key_material()
    key = ApiKey.objects.create(
        agency=agency,
        name=name,
        scopes=_clean_scopes(scopes),
        prefix=prefix,
        secret_hash=_hash(secret),
        created_by=created_by if getattr(created_by, "pk", None) else None,
        expires_at=expires_at,
    )
    audit_record(
        action="api_key.create",
        agency_id=agency.pk,
        actor=created_by,
        target=key,
        details={"name": key.name, "prefix": prefix, "scopes": key.scopes},
    )
    return CreatedKey(key=key, raw=f"{KEY_MARK}_{prefix}_{secret}")


@transaction.atomic
def api_key_rotate(
    *, key: ApiKey, actor: Any, grace: datetime.timedelta | None = None
) -> CreatedKey:
    """A new key with the same agency, name, scopes and end; the old one keeps working until
    ``grace`` (API_KEY_ROTATION_GRACE_HOURS) has passed, so the system using it can switch
    without an outage. Rotating a key twice is refused: rotate its replacement."""
    old = ApiKey.objects.select_for_update().get(pk=key.pk)
    now = timezone.now()
    if not old.is_usable(now):
        raise ApplicationError(_("کلید «%(name)s» دیگر معتبر نیست.") % {"name": old.name})
    if old.replaced_by_id is not None:
        raise ApplicationError(
            _("کلید «%(name)s» پیش‌تر جایگزین شده است؛ کلید جایگزین را تعویض کنید.")
            % {"name": old.name}
        )
    if grace is None:
        grace = datetime.timedelta(hours=settings.API_KEY_ROTATION_GRACE_HOURS)
    created = api_key_create(
        agency=old.agency,
        name=old.name,
        scopes=old.scopes,
        created_by=actor,
        expires_at=old.expires_at if old.expires_at and old.expires_at > now else None,
    )
    ends = now + grace
    old.expires_at = min(old.expires_at, ends) if old.expires_at else ends
    old.replaced_by = created.key
    old.save(update_fields=["expires_at", "replaced_by"])
    audit_record(
        action="api_key.rotate",
        agency_id=old.agency_id,
        actor=actor,
        target=old,
        details={"prefix": old.prefix, "new_prefix": created.key.prefix, "until": ends.isoformat()},
    )
    return created


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: Any) -> ApiKey:
    """Refused from now on; revoking a revoked key changes nothing."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        return key
    key.revoked_at = timezone.now()
    key.revoked_by = actor if getattr(actor, "pk", None) else None
    key.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action="api_key.revoke",
        agency_id=key.agency_id,
        actor=actor,
        target=key,
        details={"prefix": key.prefix},
    )
    return key


def _parse(raw: str) -> tuple[str, str] | None:
    mark, _sep, rest = raw.strip().partition("_")
    prefix, _sep, secret = rest.partition("_")
    if mark != KEY_MARK or len(prefix) != 2 * _PREFIX_BYTES or not secret:
        return None
    return prefix, secret


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The usable key ``raw`` is (its agency loaded), or None: unknown, wrong secret, revoked,
    expired, or its agency closed. One indexed read; the secret is compared in constant time."""
    parsed = _parse(raw)
    if parsed is None:
        return None
    prefix, secret = parsed
    key = ApiKey.objects.select_related("agency").filter(prefix=prefix).first()
    # Hash and compare even for an unknown prefix: the answer takes the same time either way.
    expected = key.secret_hash if key is not None else "0" * 64
    if not hmac.compare_digest(_hash(secret), expected) or key is None:
        return None
    now = timezone.now()
    if not key.is_usable(now) or not key.agency.is_active:
        return None
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        key.last_used_at = now
    return key
