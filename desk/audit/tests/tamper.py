"""Tampering with the audit log as someone with write access to the database would: raw SQL,
the append-only triggers out of the way. Used by the tamper tests and the reliability figure."""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from desk.audit.chain import seal
from desk.audit.models import AuditChain, AuditEntry
from desk.audit.selectors import audit_chain_verify
from desk.audit.services import audit_record

_TRIGGERS = importlib.import_module("desk.audit.migrations.0002_append_only_triggers")
KINDS = ("edit", "delete", "reorder", "insert")


@contextmanager
def triggers_off() -> Iterator[None]:
    """The database's append-only triggers dropped for the block, and put back after."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser's way round triggers (ALTER TABLE would wait for deferred FK checks).
            cursor.execute("SET session_replication_role = replica")
        else:
            for statement in _TRIGGERS.SQLITE_DOWN:
                cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")
            else:
                for statement in _TRIGGERS.SQLITE_UP:
                    cursor.execute(statement)


def _sql(statement: str, params: list[int | str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def tamper_edit(entry: AuditEntry) -> None:
    _sql(
        "UPDATE audit_auditentry SET details = %s WHERE id = %s",
        ['{"forged": true}', entry.pk],
    )


def tamper_delete(entry: AuditEntry) -> None:
    _sql("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])


def tamper_reorder(first: AuditEntry, second: AuditEntry) -> None:
    """Swap the places of two entries (their sequence numbers)."""
    parked = 10**12 + first.sequence
    _sql("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [parked, first.pk])
    _sql("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [first.sequence, second.pk])
    _sql("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [second.sequence, first.pk])


def tamper_insert(chain: AuditChain) -> None:
    """Append a forged entry whose own hash and link are right, without the head's lock."""
    last = AuditEntry.objects.filter(chain=chain).order_by("-sequence").first()
    assert last is not None
    forged = AuditEntry(
        chain=chain,
        sequence=last.sequence + 1,
        agency_id=last.agency_id,
        action="auth.signed_in",
        created_at=last.created_at,
        details={},
        prev_hash=last.hash,
    )
    forged.hash = seal(
        scope=chain.scope,
        sequence=forged.sequence,
        agency_id=forged.agency_id,
        actor_id=None,
        actor_label="",
        action=forged.action,
        object_type="",
        object_id="",
        created_at=forged.created_at,
        details={},
        prev_hash=forged.prev_hash,
    )
    forged.save()


@dataclass
class TamperOutcome:
    trials: int = 0
    detected: int = 0
    located: int = 0  # the first bad row reported is the one tampered with
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [trials, detected]


def build_chain(agency_id: int, length: int) -> AuditChain:
    for number in range(length):
        audit_record(
            action="request.changed",
            agency_id=agency_id,
            object_type="submissions.submission",
            object_id=str(number),
            details={"status": "in_review", "n": number, "note": "بررسی"},
        )
    return AuditChain.objects.get(scope=f"agency:{agency_id}")


def run_trial(kind: str, agency_id: int, length: int, rng: random.Random) -> tuple[bool, bool]:
    """Build a fresh chain, tamper with it once, verify it: (detected, located)."""
    chain = build_chain(agency_id, length)
    entries = list(AuditEntry.objects.filter(chain=chain).order_by("sequence"))
    with transaction.atomic(), triggers_off():
        if kind == "edit":
            victim = rng.choice(entries)
            tamper_edit(victim)
            first_bad = victim.sequence
        elif kind == "delete":
            victim = rng.choice(entries)
            tamper_delete(victim)
            # The first row that breaks is the one after the gap (or the head, for the last).
            first_bad = victim.sequence + (victim.sequence < length)
        elif kind == "reorder":
            one, two = sorted(rng.sample(entries, 2), key=lambda entry: entry.sequence)
            tamper_reorder(one, two)
            first_bad = one.sequence
        else:
            tamper_insert(chain)
            first_bad = length + 1
    report = audit_chain_verify(AuditChain.objects.get(pk=chain.pk))
    return not report.ok, report.bad_sequence == first_bad


def run_tamper_trials(trials: int, *, length: int = 8, seed: int = 1404) -> TamperOutcome:
    """`trials` tamperings, cycling through the kinds, each on a chain of its own."""
    rng = random.Random(seed)
    outcome = TamperOutcome()
    for number in range(trials):
        kind = KINDS[number % len(KINDS)]
        detected, located = run_trial(kind, 900_000 + number, length, rng)
        outcome.trials += 1
        outcome.detected += detected
        outcome.located += located
        counts = outcome.by_kind.setdefault(kind, [0, 0])
        counts[0] += 1
        counts[1] += detected
    return outcome
