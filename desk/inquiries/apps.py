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
        # The staff's action form warns before a request leaves a step with inquiries open.
        from desk.inquiries.selectors import OPEN_INQUIRIES_WARNING
        from desk.submissions.warnings import leave_warning_provider_register

        leave_warning_provider_register(OPEN_INQUIRIES_WARNING)
