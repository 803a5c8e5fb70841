from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "desk.oversight"
    verbose_name = _("نظارت و شاخص‌ها")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from desk.catalog import measures
        from desk.oversight.kpis import MeasuredProvider

        measures.provider_register(MeasuredProvider())
