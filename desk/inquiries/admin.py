from __future__ import annotations

from django.contrib import admin

from desk.agencies.admin import AgencyScopedAdmin, OperatorsOnlyAdmin
from desk.core.admin import ReadOnlyOperatorsAdmin
from desk.inquiries.models import Inquiry, InquiryLog, InquiryRule, Peer


@admin.register(InquiryRule)
class InquiryRuleAdmin(AgencyScopedAdmin):
    """What an inquiry step asks, of whom, and what it shares: the agency's own services."""

    list_display = ["service", "step_key", "wait_for", "on_answer", "answer_days"]
    list_filter = ["wait_for", "on_answer"]


@admin.register(Peer)
class PeerAdmin(OperatorsOnlyAdmin):
    list_display = ["name", "key", "base_url", "is_active"]


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyOperatorsAdmin):
    list_display = ["case_reference", "from_agency", "to_agency", "peer", "state", "due_on"]
    list_filter = ["state", "delivery"]
    search_fields = ["case_reference"]


@admin.register(InquiryLog)
class InquiryLogAdmin(ReadOnlyOperatorsAdmin):
    """The append-only log: read, never changed."""

    list_display = ["created_at", "kind", "agency_name", "submission", "result"]
    list_filter = ["kind"]
