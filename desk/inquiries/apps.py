from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "desk.inquiries"
    verbose_name = _("استعلام‌ها")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The one access policy learns of inquiries' grants here, not by importing this app.
        from desk.agencies import access
        from desk.inquiries.grants import GRANTS

        access.grant_provider_register(GRANTS)
