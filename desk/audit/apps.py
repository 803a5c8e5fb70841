from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "desk.audit"
    label = "audit"
    verbose_name = "گزارش ممیزی"
