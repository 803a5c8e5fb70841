from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "desk.evaluation"
    verbose_name = _("ارزیابی دستگاه‌ها")
    default_auto_field = "django.db.models.BigAutoField"
