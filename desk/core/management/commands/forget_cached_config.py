"""Make every cached piece of configuration stale (desk/core/cache.py): service cards, workflow
starts, working calendars and message templates. The admin and the services do this on every
write; run it after changing such rows another way (SQL, a shell, a data migration)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from desk.core.cache import GENERATIONS, generation_bump


class Command(BaseCommand):
    help = "Forget the cached service cards, workflows, calendars and message templates."

    def handle(self, *args: Any, **options: Any) -> None:
        for generation in GENERATIONS:
            generation_bump(generation)
        self.stdout.write("cached configuration forgotten: the next requests read it afresh")
