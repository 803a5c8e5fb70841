from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Django-aware plumbing shared by every app: settings helpers, cache, rate limits, storage,
    proxy addresses, errors, base forms, the Persian template filters. No models."""

    name = "desk.core"
    label = "core"
    verbose_name = "پایه مشترک"

    def ready(self) -> None:
        from django.urls import register_converter

        from desk.core.converters import DigitsConverter

        # Before any urls.py is imported: ``<digits:code>`` in every app's routes.
        register_converter(DigitsConverter, "digits")

        from desk.core import admin_persian, audit

        # The audit log's request context: one receiver for the whole process.
        audit.install()

        # After the admin's autodiscover (django.contrib.admin is first in INSTALLED_APPS).
        admin_persian.install()
