"""Removes stored files that no row references, and temporary upload files a dead worker left.

Files are written before their row commits, and a request that fails deletes its own
(desk.core.uploads.files_deleted_on_error); but a killed worker, a dropped connection at commit or
a rolled-back outer transaction leaves a file with no row. Those are citizens' personal
documents: they must not pile up. A file is an orphan when no FileField of any model names it
and it is older than the grace period (a younger one may belong to a request still running).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone

logger = logging.getLogger("desk.uploads")

# Folders of the default storage that only FileFields write to (see each model's upload_to).
SWEPT_FOLDERS = (
    "submissions",
    "delivery",
    "letters",
    "evaluation",
    "complaints",
    "inquiries",
)
_BATCH = 500


@dataclass
class SweepReport:
    orphans: int = 0
    orphan_bytes: int = 0
    recent_orphans_kept: int = 0
    temp_files: int = 0
    temp_bytes: int = 0

    def __str__(self) -> str:
        return (
            f"orphan files deleted: {self.orphans} ({self.orphan_bytes} bytes); "
            f"recent orphans kept: {self.recent_orphans_kept}; "
            f"stale temporary uploads deleted: {self.temp_files} ({self.temp_bytes} bytes)"
        )


def sweep_uploads(*, grace: timedelta, dry_run: bool = False) -> SweepReport:
    """Delete orphan files and stale temporary uploads older than `grace`; log the counts."""
    report = SweepReport()
    cutoff = timezone.now() - grace
    storage = storages["default"]
    for folder in SWEPT_FOLDERS:
        for batch in _batches(_walk(storage, folder)):
            _sweep_batch(storage, batch, cutoff, report, dry_run=dry_run)
    _sweep_temp_dir(cutoff.timestamp(), report, dry_run=dry_run)
    logger.info("sweep_uploads%s: %s", " (dry run)" if dry_run else "", report)
    return report


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}")


def _batches(names: Iterator[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for name in names:
        batch.append(name)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


def _referenced(names: list[str]) -> set[str]:
    found: set[str] = set()
    for model, field in _file_fields():
        query = model._default_manager.filter(**{f"{field}__in": names})
        found.update(query.values_list(field, flat=True))
    return found


def _sweep_batch(
    storage: Storage, names: list[str], cutoff: datetime, report: SweepReport, *, dry_run: bool
) -> None:
    referenced = _referenced(names)
    for name in names:
        if name in referenced:
            continue
        try:
            if storage.get_modified_time(name) > cutoff:
                report.recent_orphans_kept += 1
                continue
            size = storage.size(name)
            if not dry_run:
                storage.delete(name)
        except FileNotFoundError:  # deleted meanwhile
            continue
        report.orphans += 1
        report.orphan_bytes += size


def _sweep_temp_dir(cutoff: float, report: SweepReport, *, dry_run: bool) -> None:
    """Django's temporary upload files (``tmpXXXX.upload.pdf``): deleted when a request ends,
    left behind when its worker is killed."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR or "")
    if not settings.FILE_UPLOAD_TEMP_DIR or not folder.is_dir():
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            if ".upload" not in entry.name or not entry.is_file(follow_symlinks=False):
                continue
            stat = entry.stat(follow_symlinks=False)
            if stat.st_mtime > cutoff:
                continue
            if not dry_run:
                Path(entry.path).unlink(missing_ok=True)
            report.temp_files += 1
            report.temp_bytes += stat.st_size
