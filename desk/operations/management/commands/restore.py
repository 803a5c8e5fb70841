"""Restore a backup over this installation's database and storage, then verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.core.outage import CACHE_ERRORS
from desk.operations.restore import (
    RestoreError,
    backup_check,
    cached_config_forget,
    database_restore,
    files_restore,
    restore_verify,
)


class Command(BaseCommand):
    help = (
        "Replace the database with a backup's and put its files back into storage, then check "
        "row counts, the audit chains and every file's SHA-256. Stop the app servers and "
        "workers first. Rehearse with restore_drill, which never touches the live system."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="a folder written by manage.py backup")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: the current data will be replaced"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["backup"]
        try:
            manifest = backup_check(folder)
        except (OSError, KeyError, ValueError, RestoreError) as exc:
            raise CommandError(f"{folder} is not a usable backup: {exc}") from exc
        if (
            not options["yes"]
            and input("Replace ALL current data with this backup? [yes/no] ") != "yes"
        ):
            raise CommandError("nothing restored")
        try:
            database_restore(folder, manifest, "default")
            written = files_restore(folder, manifest, default_storage)
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        # What Redis cached from the data just replaced must not be served on restart.
        try:
            cached_config_forget()
        except CACHE_ERRORS as exc:
            self.stderr.write(
                f"the cache is unreachable ({type(exc).__name__}): run "
                "`manage.py forget_cached_config` once Redis is back, before the app serves"
            )
        result = restore_verify(manifest, using="default", storage=default_storage)
        self.stdout.write(
            f"restored {result.tables} tables ({result.rows} rows), {written} files written, "
            f"{result.files_verified}/{result.files} files verified, "
            f"{result.chains} audit chains ({result.audit_entries} entries)"
        )
        if not result.ok:
            for problem in result.problems[:50]:
                self.stderr.write(problem)
            raise CommandError(
                f"the restore does not match the backup: {len(result.problems)} problems"
            )
