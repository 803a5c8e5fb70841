from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from desk.evaluation.services import template_load_default


class Command(BaseCommand):
    help = "Load the directive's default evaluation checklist (version 1) if it is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        template = template_load_default()
        self.stdout.write(f"{template.code} v{template.version}: {template.axes.count()} axes")
