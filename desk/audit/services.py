"""Writing to the audit log: `audit_record` is the only way in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from desk.audit.chain import normalise_details, seal
from desk.audit.models import NATIONAL_SCOPE, AuditChain, AuditEntry


def scope_for(agency_id: int | None) -> str:
    return f"agency:{agency_id}" if agency_id is not None else NATIONAL_SCOPE


# No savepoint of its own inside the caller's transaction: an error here fails the caller's
# change too, which is the point (a change is never committed without its entry).
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    action: str,
    agency_id: int | None,
    actor: Any = None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain of `agency_id` (None: the national chain).

    Runs inside the caller's transaction, so the entry commits or rolls back with the change it
    records. The chain's head row stays locked until that transaction ends: call this last in a
    service. `actor` is a user (anonymous or None: no actor); `target` a model instance, or give
    `object_type` / `object_id` for something that is not one (a username that failed to sign in).
    """
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    actor_id, actor_label = _actor(actor)
    scope = scope_for(agency_id)
    chain = _chain_locked(scope, agency_id)
    entry = AuditEntry(
        chain=chain,
        sequence=chain.last_sequence + 1,
        agency_id=agency_id,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        created_at=timezone.now(),
        details=normalise_details(details),
        prev_hash=chain.last_hash,
    )
    entry.hash = entry_hash(entry, scope)
    entry.save()
    AuditChain.objects.filter(pk=chain.pk).update(
        last_sequence=entry.sequence, last_hash=entry.hash
    )
    return entry


def entry_hash(entry: AuditEntry, scope: str) -> str:
    return seal(
        scope=scope,
        sequence=entry.sequence,
        agency_id=entry.agency_id,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        created_at=entry.created_at,
        details=entry.details,
        prev_hash=entry.prev_hash,
    )


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor.pk, actor.get_username()


def _chain_locked(scope: str, agency_id: int | None) -> AuditChain:
    """The chain's head, locked for this transaction (created on first use)."""
    chain = AuditChain.objects.select_for_update().filter(scope=scope).first()
    if chain is not None:
        return chain
    try:
        with transaction.atomic():
            AuditChain.objects.create(scope=scope, agency_id=agency_id)
    except IntegrityError:
        pass  # another transaction created it first; wait for its lock below
    return AuditChain.objects.select_for_update().get(scope=scope)
