"""Make every cached piece of configuration stale (desk/core/cache.py): service cards, workflow
starts, working calendars and message templates. The admin and the services do this on every
write; run it after changing such rows another way (SQL, a shell, a data migration)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from desk.calendars.selectors import CALENDARS_GENERATION
from desk.catalog.selectors import SERVICES_GENERATION
from desk.core.cache import generation_bump
from desk.notifications.selectors import TEMPLATES_GENERATION
from desk.workflow.services import WORKFLOWS_GENERATION

GENERATIONS = (
    SERVICES_GENERATION,
    WORKFLOWS_GENERATION,
    CALENDARS_GENERATION,
    TEMPLATES_GENERATION,
)


class Command(BaseCommand):
    help = "Forget the cached service cards, workflows, calendars and message templates."

    def handle(self, *args: Any, **options: Any) -> None:
        for generation in GENERATIONS:
            generation_bump(generation)
        self.stdout.write("cached configuration forgotten: the next requests read it afresh")
