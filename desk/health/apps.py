from __future__ import annotations

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "desk.health"
    label = "health"
    verbose_name = "سلامت سامانه"
