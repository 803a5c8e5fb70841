"""The restore drill: restore a backup into a scratch database and folder, check it all, and
time it (the recovery time objective, RTO, measured rather than promised)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.db import connections

from desk.operations.backup import scratch_alias, scratch_alias_drop
from desk.operations.restore import (
    Verification,
    backup_check,
    database_restore,
    files_restore,
    restore_verify,
)


@dataclass(frozen=True)
class DrillResult:
    backup: Path
    restore_seconds: float  # database and files back in place
    verify_seconds: float  # row counts, audit chains, file hashes, file references
    verification: Verification

    @property
    def rto_seconds(self) -> float:
        return self.restore_seconds + self.verify_seconds


def restore_drill(*, folder: Path, using: str = "default") -> DrillResult:
    """Restore `folder` beside the live system (never over it) and verify it."""
    manifest = backup_check(folder)
    with tempfile.TemporaryDirectory(prefix="desk-drill-") as scratch:
        started = time.monotonic()
        alias = _scratch_database(manifest, using, Path(scratch))
        try:
            database_restore(folder, manifest, alias)
            storage = FileSystemStorage(location=Path(scratch) / "files")
            files_restore(folder, manifest, storage)
            restored = time.monotonic()
            verification = restore_verify(manifest, using=alias, storage=storage)
            verified = time.monotonic()
        finally:
            _scratch_drop(alias, using)
    return DrillResult(
        backup=folder,
        restore_seconds=restored - started,
        verify_seconds=verified - restored,
        verification=verification,
    )


def _scratch_database(manifest: dict[str, Any], using: str, scratch: Path) -> str:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return scratch_alias(using, str(scratch / "drill.sqlite3"))
    name = _scratch_name(connection.settings_dict["NAME"])
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return scratch_alias(using, name)


def _scratch_drop(alias: str, using: str) -> None:
    connection = connections[alias]
    name = connection.settings_dict["NAME"]
    vendor = connection.vendor
    scratch_alias_drop(alias)
    if vendor == "postgresql":
        with connections[using]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _scratch_name(live: str) -> str:
    return f"{live[:50]}_drill"
