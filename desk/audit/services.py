"""Writing to the audit log: `audit_record` is the only way in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

from desk.audit.chain import normalise_details, seal
from desk.audit.models import NATIONAL_SCOPE, AuditChain, AuditEntry
from desk.core.rows import insert_row


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
    connection = connections[router.db_for_write(AuditEntry)]
    chain_id, last_sequence, last_hash = _chain_locked(connection, scope, agency_id)
    entry = AuditEntry(
        chain_id=chain_id,
        sequence=last_sequence + 1,
        agency_id=agency_id,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        created_at=timezone.now(),
        details=normalise_details(details),
        prev_hash=last_hash,
    )
    entry.hash = entry_hash(entry, scope)
    _entry_insert(connection, entry)
    table, quote = AuditChain._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {quote('last_sequence')} = %s, {quote('last_hash')} = %s "
            f"WHERE {quote('id')} = %s",
            [entry.sequence, entry.hash, chain_id],
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


# The chain's three statements (lock the head, insert the entry, move the head) are written
# here (the insert by desk/core/rows.py) rather than by the ORM: every change of a request's
# state appends an entry, and the ORM compiled the same three statements each time (a fifth
# of «send»'s instructions went to the audit entry). The statements are the ORM's own: same
# columns, values prepared by the fields (``get_db_prep_save``), ``FOR UPDATE`` where the
# database has it. Nothing listens to these models' signals (an entry is only ever inserted
# here).


def _chain_locked(connection: Any, scope: str, agency_id: int | None) -> tuple[int, int, str]:
    """The chain's head (id, last sequence, last hash), locked for this transaction (created
    on first use)."""
    found = _chain_head(connection, scope)
    if found is not None:
        return found
    try:
        with transaction.atomic(using=connection.alias):
            AuditChain.objects.using(connection.alias).create(scope=scope, agency_id=agency_id)
    except IntegrityError:
        pass  # another transaction created it first; wait for its lock below
    found = _chain_head(connection, scope)
    if found is None:
        raise AuditChain.DoesNotExist(scope)
    return found


def _chain_head(connection: Any, scope: str) -> tuple[int, int, str] | None:
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('id')}, {quote('last_sequence')}, {quote('last_hash')} "
            f"FROM {quote(AuditChain._meta.db_table)} WHERE {quote('scope')} = %s{lock}",
            [scope],
        )
        row = cursor.fetchone()
    return (row[0], row[1], row[2]) if row is not None else None


def _entry_insert(connection: Any, entry: AuditEntry) -> None:
    """INSERT the new entry as ``entry.save()`` would, and set its id (``AuditEntry.save``
    only refuses to change an entry, so the statement is written from the fields directly)."""
    insert_row(entry, connection.alias)
