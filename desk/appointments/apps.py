from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "desk.appointments"
    label = "appointments"
    verbose_name = _("نوبت‌دهی")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from desk.appointments import models

        # Capacity decides whether the 3-working-day promise can be kept: keep who changed it.
        for model in (models.Office, models.SlotTemplate, models.SlotException, models.Policy):
            auditlog.register(model)
