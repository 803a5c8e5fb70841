"""Rehearse a restore: into a scratch database and folder, verified, timed (RTO)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.operations.backup import backup_create
from desk.operations.drill import restore_drill


class Command(BaseCommand):
    help = (
        "Restore a backup (or a fresh one) into a scratch database and folder beside the live "
        "system, verify row counts, every audit chain and 100 %% of file hashes, and print the "
        "time it took (the recovery time objective, RTO)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "backup", type=Path, nargs="?", help="a backup folder (default: take one now)"
        )
        parser.add_argument("--json", type=Path, help="also write the figures to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        with tempfile.TemporaryDirectory(prefix="desk-drill-backup-") as scratch:
            folder = options["backup"]
            backup_seconds = None
            if folder is None:
                taken = backup_create(destination=Path(scratch))
                folder, backup_seconds = taken.path, taken.seconds
            result = restore_drill(folder=folder)
        check = result.verification
        figures = {
            "backup_seconds": backup_seconds,
            "restore_seconds": round(result.restore_seconds, 3),
            "verify_seconds": round(result.verify_seconds, 3),
            "rto_seconds": round(result.rto_seconds, 3),
            "tables": check.tables,
            "rows": check.rows,
            "audit_chains": check.chains,
            "audit_entries": check.audit_entries,
            "files": check.files,
            "files_verified": check.files_verified,
            "problems": check.problems,
        }
        if options["json"]:
            options["json"].write_text(json.dumps(figures, indent=1), "utf-8")
        self.stdout.write(
            f"restore drill: {check.tables} tables ({check.rows} rows), "
            f"{check.chains} audit chains ({check.audit_entries} entries), "
            f"{check.files_verified}/{check.files} files verified; "
            f"RTO {result.rto_seconds:.1f} s (restore {result.restore_seconds:.1f} s, "
            f"verify {result.verify_seconds:.1f} s)"
        )
        if not check.ok:
            for problem in check.problems[:50]:
                self.stderr.write(problem)
            raise CommandError(f"restore drill failed: {len(check.problems)} problems")
