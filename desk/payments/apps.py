from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "desk.payments"
    verbose_name = _("پرداخت‌ها")
    default_auto_field = "django.db.models.BigAutoField"
