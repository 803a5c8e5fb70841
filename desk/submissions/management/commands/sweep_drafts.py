from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from desk.submissions.drafts import drafts_sweep


class Command(BaseCommand):
    help = "Remove files kept for request drafts nobody sent (older than a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = drafts_sweep()
        self.stdout.write(f"removed {removed} abandoned draft file(s)")
