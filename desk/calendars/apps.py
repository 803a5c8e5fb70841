from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "desk.calendars"
    label = "calendars"
    verbose_name = _("تقویم کاری")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from desk.calendars import models

        # A changed calendar moves deadlines the law holds agencies to: keep who changed what.
        for model in (
            models.WeeklyDaysOff,
            models.OfficeHours,
            models.Closure,
            models.HolidayOverride,
        ):
            auditlog.register(model)
