"""The hash chain: the canonical encoding of an entry and the hash that seals it.

hash = SHA-256(canonical JSON of every field of the entry, the chain's scope and the previous
entry's hash). Changing, deleting, inserting or reordering an entry breaks the hash of that entry
or the link (prev_hash, sequence) of the next one; `audit_verify` walks a chain to find the first
such row.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64


def normalise_details(details: Any) -> dict[str, Any]:
    """The details as the database will give them back (plain JSON types), so that the hash
    computed before saving is the hash recomputed after reading."""
    value = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    if not isinstance(value, dict):
        raise TypeError("audit details must be a mapping")
    return value


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    scope: str,
    sequence: int,
    agency_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    created_at: datetime,
    details: dict[str, Any],
    prev_hash: str,
) -> bytes:
    payload = {
        "v": 1,
        "scope": scope,
        "sequence": sequence,
        "agency": agency_id,
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "created_at": utc_text(created_at),
        "details": details,
        "prev_hash": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal(**fields: Any) -> str:
    return hashlib.sha256(canonical(**fields)).hexdigest()
