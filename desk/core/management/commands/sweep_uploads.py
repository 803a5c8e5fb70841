"""Delete stored files that no row references and stale temporary uploads (desk.core.sweep).

Runs every hour as a Huey job (desk.core.tasks); run it by hand after an incident, with
--dry-run first to see what would go."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from desk.core.sweep import sweep_uploads


class Command(BaseCommand):
    help = "Delete orphan upload files and stale temporary upload files older than a grace period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=None,
            help="Keep files younger than this (default: UPLOAD_SWEEP_GRACE_MINUTES).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["grace_minutes"]
        if minutes is None:
            minutes = settings.UPLOAD_SWEEP_GRACE_MINUTES
        report = sweep_uploads(grace=timedelta(minutes=minutes), dry_run=options["dry_run"])
        self.stdout.write(("dry run: " if options["dry_run"] else "") + str(report))
