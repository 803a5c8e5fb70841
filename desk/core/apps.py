from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Django-aware plumbing shared by every app: settings helpers, cache, rate limits, storage,
    proxy addresses, errors, base forms, the Persian template filters. No models."""

    name = "desk.core"
    label = "core"
    verbose_name = "Core"
