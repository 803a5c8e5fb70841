"""Back up the database and every stored file into a new folder with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from desk.operations.backup import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite backup API or pg_dump -Fc), every uploaded file and a "
        "manifest of SHA-256s, row counts and audit chain heads into a new folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="folder to create the backup in (default: VAR_DIR/backups)",
        )
        parser.add_argument(
            "--drill", action="store_true", help="then run restore_drill on the new backup"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        destination = options["output"] or Path(settings.VAR_DIR) / "backups"
        result = backup_create(destination=destination)
        self.stdout.write(
            f"backup {result.path}: {result.tables} tables, {result.rows} rows, "
            f"{result.files} files ({result.file_bytes} bytes) in {result.seconds:.1f} s"
        )
        if options["drill"]:
            call_command("restore_drill", str(result.path), stdout=self.stdout, stderr=self.stderr)
