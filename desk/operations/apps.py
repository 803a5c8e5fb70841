from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Operators' commands: first-run bootstrap, backups, restores and the restore drill. On
    the top layer: it reads every app's tables and the audit log, and no app imports it."""

    name = "desk.operations"
    label = "operations"
    verbose_name = "نگهداری سامانه"

    def ready(self) -> None:
        from desk.operations import checks  # noqa: F401  (registers the deploy checks)
