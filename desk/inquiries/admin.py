from __future__ import annotations

import datetime
from typing import Any

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from desk.agencies.admin import AgencyScopedAdmin, OperatorsOnlyAdmin
from desk.core.admin import ReadOnlyOperatorsAdmin, label_with_key, titled_filter
from desk.inquiries.models import Inquiry, InquiryLog, InquiryRule, Peer
from desk.submissions.models import Submission
from desk.workflow.models import Step

_choices = admin.ChoicesFieldListFilter


@admin.register(InquiryRule)
class InquiryRuleAdmin(AgencyScopedAdmin):
    """What an inquiry step asks, of whom, and what it shares: the agency's own services."""

    list_display = ["service", "step", "wait_for", "on_answer", "answer_days"]
    list_filter = ["wait_for", "on_answer"]
    list_select_related = ["service"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # The step's name in the service's newest workflow version, in the same query.
        steps = Step.objects.filter(
            version__workflow__service=OuterRef("service"), key=OuterRef("step_key")
        ).order_by("-version__number")
        label = Subquery(steps.values("staff_label")[:1])
        return super().get_queryset(request).annotate(step_label=label)

    @admin.display(description=_("مرحله استعلام"), ordering="step_key")
    def step(self, rule: Any) -> SafeString:
        return label_with_key(rule.step_label or "—", rule.step_key)


@admin.register(Peer)
class PeerAdmin(OperatorsOnlyAdmin):
    list_display = ["name", "key", "base_url", "is_active"]


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyOperatorsAdmin):
    """Its columns and filters are named here in Persian: the model's fields have no
    ``verbose_name`` (nor have the log's, below)."""

    list_display = ["case", "asker", "answerer", "peer_name", "state_name", "due"]
    list_filter = [
        ("state", titled_filter(_choices, _("وضعیت"))),
        ("delivery", titled_filter(_choices, _("رسیدن به سامانه همتا"))),
    ]
    list_select_related = ["from_agency", "to_agency", "peer"]
    search_fields = ["case_reference"]

    @admin.display(description=_("کد پیگیری درخواست"), ordering="case_reference")
    def case(self, inquiry: Inquiry) -> str:
        return inquiry.case_reference

    @admin.display(description=_("دستگاه پرسنده"), ordering="from_agency__name")
    def asker(self, inquiry: Inquiry) -> str:
        return inquiry.asker_name

    @admin.display(description=_("دستگاه پاسخ‌دهنده"), ordering="to_agency__name")
    def answerer(self, inquiry: Inquiry) -> str:
        return inquiry.target_name

    @admin.display(description=_("سامانه همتا"), ordering="peer__name")
    def peer_name(self, inquiry: Inquiry) -> Peer | None:
        return inquiry.peer

    @admin.display(description=_("وضعیت"), ordering="state")
    def state_name(self, inquiry: Inquiry) -> str:
        return inquiry.get_state_display()

    @admin.display(description=_("مهلت پاسخ"), ordering="due_on")
    def due(self, inquiry: Inquiry) -> datetime.date:
        return inquiry.due_on


@admin.register(InquiryLog)
class InquiryLogAdmin(ReadOnlyOperatorsAdmin):
    """The append-only log: read, never changed."""

    list_display = ["at", "kind_name", "agency_shown", "tracking_code", "outcome"]
    list_filter = [("kind", titled_filter(_choices, _("رویداد")))]
    list_select_related = ["submission"]

    @admin.display(description=_("زمان"), ordering="created_at")
    def at(self, entry: InquiryLog) -> datetime.datetime:
        return entry.created_at

    @admin.display(description=_("رویداد"), ordering="kind")
    def kind_name(self, entry: InquiryLog) -> str:
        return entry.get_kind_display()

    @admin.display(description=_("دستگاه"), ordering="agency_name")
    def agency_shown(self, entry: InquiryLog) -> str:
        return entry.agency_name

    @admin.display(description=_("درخواست"), ordering="submission")
    def tracking_code(self, entry: InquiryLog) -> Submission | None:
        return entry.submission

    @admin.display(description=_("نتیجه"), ordering="result")
    def outcome(self, entry: InquiryLog) -> str:
        return entry.result
