from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontdeskConfig(AppConfig):
    name = "desk.frontdesk"
    label = "frontdesk"
    verbose_name = _("میز خدمت حضوری")
