from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "desk.surveys"
    verbose_name = _("نظرسنجی")
    default_auto_field = "django.db.models.BigAutoField"
