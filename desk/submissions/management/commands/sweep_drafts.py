from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from desk.submissions.drafts import drafts_sweep
from desk.submissions.staging import staged_sweep


class Command(BaseCommand):
    help = (
        "Remove files kept for request drafts nobody sent (older than a day) and staged "
        "uploads that expired (STAGED_UPLOAD_HOURS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = drafts_sweep()
        expired = staged_sweep()
        self.stdout.write(
            f"removed {removed} abandoned draft file(s), {expired} expired staged upload(s)"
        )
