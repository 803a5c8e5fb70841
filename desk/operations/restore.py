"""Restoring a backup, and checking what was restored against its manifest."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage
from django.db import connections, models

from desk.audit.selectors import audit_chain_verify, audit_chains
from desk.core.cache import GENERATIONS, generation_bump
from desk.operations.backup import (
    FILES_DIR,
    POSTGRES_FILE,
    SQLITE_FILE,
    audit_heads,
    file_sha256,
    manifest_read,
    postgres_env,
    postgres_target,
    storage_walk,
    stored_sha256,
    table_counts,
)


class RestoreError(RuntimeError):
    """The backup cannot be restored here (wrong database kind, damaged file)."""


@dataclass
class Verification:
    """What a restore was checked for; `problems` empty means everything held."""

    tables: int = 0
    rows: int = 0
    chains: int = 0
    audit_entries: int = 0
    files: int = 0
    files_verified: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def backup_check(folder: Path) -> dict[str, Any]:
    """The manifest, once the database file is proven to be the one it names."""
    manifest = manifest_read(folder)
    database = folder / manifest["database"]["file"]
    if file_sha256(database) != manifest["database"]["sha256"]:
        raise RestoreError(f"{database.name} does not match the manifest's SHA-256: damaged")
    return manifest


def database_restore(folder: Path, manifest: dict[str, Any], using: str) -> None:
    """Replace the database of `using` with the backup's (SQLite file or pg_restore)."""
    connection = connections[using]
    if manifest["vendor"] != connection.vendor:
        raise RestoreError(f"a {manifest['vendor']} backup cannot go into {connection.vendor}")
    connection.close()
    if connection.vendor == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            stale.unlink(missing_ok=True)
        shutil.copyfile(folder / SQLITE_FILE, target)
        return
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *postgres_target(connection.settings_dict),
            str(folder / POSTGRES_FILE),
        ],
        env=postgres_env(connection.settings_dict),
        check=True,
        capture_output=True,
        timeout=6 * 3600,
    )


def files_restore(folder: Path, manifest: dict[str, Any], storage: Storage) -> int:
    """Put every file of the backup into `storage` under its own name; returns how many were
    written (a file already there with the right hash is left alone)."""
    written = 0
    for name, entry in manifest["files"].items():
        if storage.exists(name):
            if stored_sha256(storage, name) == entry["sha256"]:
                continue
            storage.delete(name)
        with (folder / FILES_DIR / name).open("rb") as handle:
            saved = storage.save(name, File(handle))
        if saved != name:
            raise RestoreError(f"storage saved {name} as {saved}")
        written += 1
    return written


def cached_config_forget() -> None:
    """Make the configuration cached in Redis stale (what `manage.py forget_cached_config`
    does): its generations were stamped by the data a restore just replaced, and would otherwise
    serve the old service cards, calendars and templates for up to an hour."""
    for generation in GENERATIONS:
        generation_bump(generation)


def restore_verify(manifest: dict[str, Any], *, using: str, storage: Storage) -> Verification:
    """Row counts, audit chains (every entry, and the heads the backup recorded), the hash of
    every file, and every file a row names present."""
    result = Verification()
    _verify_tables(manifest, using, result)
    _verify_audit(manifest, using, result)
    _verify_files(manifest, storage, result)
    _verify_references(using, storage, result)
    return result


def _verify_tables(manifest: dict[str, Any], using: str, result: Verification) -> None:
    counts = table_counts(using)
    for label, expected in manifest["tables"].items():
        found = counts.get(label)
        if found != expected:
            result.problems.append(f"table {label}: {found} rows, the backup had {expected}")
    result.tables, result.rows = len(counts), sum(counts.values())


def _verify_audit(manifest: dict[str, Any], using: str, result: Verification) -> None:
    for chain in audit_chains(using=using):
        report = audit_chain_verify(chain)
        result.chains += 1
        result.audit_entries += report.entries
        if not report.ok:
            result.problems.append(f"audit {report.scope} #{report.bad_sequence}: {report.reason}")
    if audit_heads(using) != manifest["audit_heads"]:
        result.problems.append("audit chain heads differ from those the backup recorded")


def _verify_files(manifest: dict[str, Any], storage: Storage, result: Verification) -> None:
    for name, entry in manifest["files"].items():
        result.files += 1
        if not storage.exists(name):
            result.problems.append(f"file {name}: missing")
        elif stored_sha256(storage, name) != entry["sha256"]:
            result.problems.append(f"file {name}: SHA-256 differs")
        else:
            result.files_verified += 1


def _verify_references(using: str, storage: Storage, result: Verification) -> None:
    stored = set(storage_walk(storage))
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if not isinstance(model_field, models.FileField):
                continue
            names = model._base_manager.using(using).exclude(**{model_field.name: ""})
            for name in names.values_list(model_field.name, flat=True).iterator():
                if name not in stored:
                    result.problems.append(f"{model._meta.label_lower} names {name}: no such file")
