from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "desk.complaints"
    verbose_name = _("شکایت‌ها")
    default_auto_field = "django.db.models.BigAutoField"
