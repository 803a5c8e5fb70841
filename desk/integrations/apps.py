from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "desk.integrations"
    verbose_name = _("اتصال سامانه‌ها")
    default_auto_field = "django.db.models.BigAutoField"
