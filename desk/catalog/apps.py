from __future__ import annotations

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "desk.catalog"
    label = "catalog"
    verbose_name = "شناسنامه خدمات"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from desk.catalog import models

        # Who changed a service card, and what, is part of the public promise.
        auditlog.register(models.Service, exclude_fields=["search_text", "updated_at"])
        for child in (
            models.ServiceStep,
            models.RequiredDocument,
            models.Regulation,
            models.Faq,
            models.FormField,
        ):
            auditlog.register(child)
