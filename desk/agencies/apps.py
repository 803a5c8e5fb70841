from __future__ import annotations

from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "desk.agencies"
    label = "agencies"
    verbose_name = "دستگاه‌ها"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from desk.agencies.models import Agency, Staff

        auditlog.register(Agency)
        auditlog.register(Staff)
