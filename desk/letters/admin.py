from __future__ import annotations

from django.contrib import admin

from desk.agencies.admin import AgencyScopedAdmin
from desk.letters.models import Register


@admin.register(Register)
class RegisterAdmin(AgencyScopedAdmin):
    """The secretariat's number formats and letter deadline, one row per agency."""

    list_display = ["agency", "incoming_format", "outgoing_format", "deadline_working_days"]
