from __future__ import annotations

import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "desk.delivery"
    label = "delivery"
    verbose_name = _("تحویل الکترونیکی نتیجه")

    def ready(self) -> None:
        # WeasyPrint and fontTools log every rendering step at INFO; keep the log for what
        # matters, unless LOGGING already chose a level for them.
        for name in ("weasyprint", "weasyprint.progress", "fontTools"):
            logger = logging.getLogger(name)
            if logger.level == logging.NOTSET:
                logger.setLevel(logging.WARNING)
