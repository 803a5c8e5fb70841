"""Walk every audit chain (or one agency's) and name the first entry that does not hold."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.audit.selectors import audit_chain_verify, audit_chains


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chains; exit status 1 and the first bad entry when one was "
        "changed, deleted, inserted or reordered. Prints each chain's head hash: keep it "
        "elsewhere to detect a rewrite of a whole chain later."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", type=int, help="only this agency's chain (its id)")
        parser.add_argument("--national", action="store_true", help="only the national chain")
        parser.add_argument("--database", default="default", help="the database alias to read")

    def handle(self, *args: Any, **options: Any) -> None:
        chains = list(
            audit_chains(
                agency_id=options["agency"],
                national=options["national"],
                using=options["database"],
            )
        )
        bad = 0
        for chain in chains:
            report = audit_chain_verify(chain)
            if report.ok:
                self.stdout.write(
                    f"ok   {report.scope}: {report.entries} entries, head {report.head_hash}"
                )
                continue
            bad += 1
            entry = f"entry id {report.bad_entry_id}" if report.bad_entry_id else "no entry"
            self.stdout.write(
                f"BAD  {report.scope}: first bad #{report.bad_sequence} ({entry}): {report.reason}"
            )
        if not chains:
            self.stdout.write("no audit chains yet")
        if bad:
            raise CommandError(f"{bad} of {len(chains)} audit chains failed verification")
