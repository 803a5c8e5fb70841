from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from desk.agencies.admin import AgencyScopedAdmin
from desk.complaints.models import ComplaintPolicy


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(AgencyScopedAdmin):
    """An agency's complaint deadlines in working days; complaints themselves are handled on
    the staff pages, never edited here."""

    list_display = ["agency", "answer_days", "objection_days", "appeal_days"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
