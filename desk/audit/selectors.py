"""Reading the audit log: verifying its chains."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from desk.audit.chain import GENESIS_HASH
from desk.audit.models import AuditChain, AuditEntry
from desk.audit.services import entry_hash, scope_for


@dataclass(frozen=True)
class ChainReport:
    """One chain walked from its first entry: how many entries held, and the first bad one."""

    scope: str
    entries: int
    head_hash: str
    bad_sequence: int | None = None
    bad_entry_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_sequence is None


def audit_chains(
    *, agency_id: int | None = None, national: bool = False, using: str = "default"
) -> Iterator[AuditChain]:
    chains = AuditChain.objects.using(using).order_by("scope")
    if agency_id is not None or national:
        chains = chains.filter(scope=scope_for(agency_id))
    return iter(chains)


def audit_chain_verify(chain: AuditChain) -> ChainReport:
    """Walk `chain` in sequence order and report the first entry whose content, number or link
    to the previous entry does not hold, or a head that does not match the last entry."""
    expected, previous, count = 1, GENESIS_HASH, 0
    entries = AuditEntry.objects.using(chain._state.db).filter(chain=chain)
    entries = entries.order_by("sequence", "pk")
    for entry in entries.iterator(chunk_size=2000):
        reason = _fault(entry, chain.scope, expected, previous)
        if reason:
            return ChainReport(
                chain.scope, count, chain.last_hash, entry.sequence, entry.pk, reason
            )
        previous, expected, count = entry.hash, expected + 1, count + 1
    if chain.last_sequence != count or chain.last_hash != previous:
        reason = (
            f"the chain's head says #{chain.last_sequence} but the entries end at #{count}: "
            "entries were added or deleted at the end, or the head was changed"
        )
        first_bad = min(chain.last_sequence, count) + 1
        return ChainReport(chain.scope, count, chain.last_hash, first_bad, None, reason)
    return ChainReport(chain.scope, count, chain.last_hash)


def _fault(entry: AuditEntry, scope: str, expected: int, previous: str) -> str:
    if entry.sequence != expected:
        return f"expected #{expected} here, found #{entry.sequence}: an entry was deleted"
    if entry.prev_hash != previous:
        return "does not follow the entry before it: entries were deleted, inserted or reordered"
    if entry.hash != entry_hash(entry, scope):
        return "its content does not match its hash: the entry was changed"
    return ""
