"""Backups: the database (SQLite's backup API or pg_dump -Fc), every stored file, and a manifest
with the SHA-256 of each, the row count of every table and the audit chains' heads, all taken
from one consistent view of the database."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import connections, transaction
from django.db.utils import load_backend

from desk.audit.models import AuditChain

MANIFEST = "manifest.json"
FILES_DIR = "files"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    file_bytes: int
    seconds: float


def backup_create(
    *, destination: Path, using: str = "default", storage: Storage | None = None
) -> BackupResult:
    """Write a new backup folder under `destination` and return where it is."""
    started = time.monotonic()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = destination / f"mizkhedmat-{stamp}"
    (folder / FILES_DIR).mkdir(parents=True)
    vendor = connections[using].vendor
    if vendor == "postgresql":
        database, counts, heads = _postgres_dump(using, folder / POSTGRES_FILE)
    elif vendor == "sqlite":
        database, counts, heads = _sqlite_copy(using, folder / SQLITE_FILE)
    else:
        raise RuntimeError(f"backups support SQLite and PostgreSQL, not {vendor}")
    # Files after the database: every file a backed-up row names was stored before the dump.
    files = _files_copy(storage or default_storage, folder / FILES_DIR)
    manifest = {
        "version": 1,
        "created_at": stamp,
        "vendor": vendor,
        "database": {"file": database.name, "sha256": file_sha256(database)},
        "tables": counts,
        "audit_heads": heads,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    return BackupResult(
        path=folder,
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(files),
        file_bytes=sum(entry["size"] for entry in files.values()),
        seconds=time.monotonic() - started,
    )


def manifest_read(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / MANIFEST).read_text("utf-8")))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def table_counts(using: str) -> dict[str, int]:
    """Rows of every concrete table the project's models own, by model label."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        counts[meta.label_lower] = model._base_manager.using(using).count()
    return counts


def audit_heads(using: str) -> dict[str, list[Any]]:
    chains = AuditChain.objects.using(using).order_by("scope")
    return {chain.scope: [chain.last_sequence, chain.last_hash] for chain in chains}


def _sqlite_copy(using: str, target: Path) -> tuple[Path, dict[str, int], dict[str, list[Any]]]:
    """SQLite's online backup API: a consistent copy while others keep writing."""
    connection = connections[using]
    connection.ensure_connection()
    source = connection.connection
    with sqlite3.connect(target) as copy:
        source.backup(copy)
    copy.close()
    # Counted in the copy: exactly what the backup holds.
    alias = scratch_alias(using, str(target))
    try:
        return target, table_counts(alias), audit_heads(alias)
    finally:
        scratch_alias_drop(alias)


def _postgres_dump(using: str, target: Path) -> tuple[Path, dict[str, int], dict[str, list[Any]]]:
    """pg_dump in the custom format, from a snapshot this transaction exports: the counts and
    heads in the manifest are read from the very same snapshot."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts, heads = table_counts(using), audit_heads(using)
        args = ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"]
        subprocess.run(
            [*args, *postgres_target(connection.settings_dict)],
            env=postgres_env(connection.settings_dict),
            check=True,
            capture_output=True,
            timeout=6 * 3600,
        )
    return target, counts, heads


def postgres_target(settings_dict: dict[str, Any]) -> list[str]:
    args = ["--no-password", f"--dbname={settings_dict['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{flag}={settings_dict[key]}")
    return args


def postgres_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def storage_walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in `storage` (folders recursed), in a stable order."""
    try:
        dirs, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(dirs):
        yield from storage_walk(storage, f"{folder}/{sub}" if folder else sub)


def _files_copy(storage: Storage, target: Path) -> dict[str, dict[str, Any]]:
    files = {}
    for name in storage_walk(storage):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with storage.open(name, "rb") as source, path.open("wb") as copy:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
        files[name] = {"sha256": digest.hexdigest(), "size": path.stat().st_size}
    return files


def scratch_alias(using: str, name: str) -> str:
    """A database alias like `using`'s, on another database (a copy, a scratch database)."""
    alias = f"scratch-{abs(hash((using, name)))}"
    settings_dict = {**connections[using].settings_dict, "NAME": name}
    # A connection of this thread only, never listed in settings.DATABASES.
    connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    return alias


def scratch_alias_drop(alias: str) -> None:
    connections[alias].close()
    del connections[alias]
