"""Escalation of overdue steps: flag, tell the agency's managers, apply the agency's rule."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.agencies import access
from desk.agencies.models import Role, Staff
from desk.lib.jalali import format_date, today_tehran
from desk.lib.persian import to_persian_digits
from desk.notifications.services import message_queue
from desk.submissions.models import EventKind, Status, Submission, TimelineEvent
from desk.submissions.services import submission_event_audit
from desk.workflow.models import EscalationRule


def escalate_overdue_steps(*, today: date | None = None) -> int:
    """Escalate every running step past its deadline, once per step. Safe to run often."""
    today = today or today_tehran()
    due = Submission.objects.filter(
        status__in=(Status.SUBMITTED, Status.IN_REVIEW),
        paused_at__isnull=True,
        escalated_at__isnull=True,
        step_due_on__lt=today,
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if _escalate(pk, today))


@transaction.atomic
def _escalate(submission_id: int, today: date) -> bool:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("agency", "current_step", "service")
        .get(pk=submission_id)
    )
    # Checked again under the lock: another worker may have escalated it, or staff moved it.
    if (
        submission.escalated_at is not None
        or submission.paused_at is not None
        or submission.step_due_on is None
        or submission.step_due_on >= today
        or submission.status not in (Status.SUBMITTED, Status.IN_REVIEW)
    ):
        return False
    submission.escalated_at = timezone.now()
    note = _("مهلت مرحله «%(step)s» در %(due)s گذشت.") % {
        "step": submission.current_step.staff_label if submission.current_step else "",
        "due": format_date(submission.step_due_on),
    }
    note += _reassign_by_rule(submission)
    submission.save(update_fields=["escalated_at", "assigned_to"])
    event = TimelineEvent.objects.create(
        submission=submission,
        kind=EventKind.ESCALATED,
        status_after=submission.status,
        actor=None,
        message=note,
        step=submission.current_step,
        is_public=False,
    )
    submission_event_audit(submission=submission, event=event, actor=None)
    _text_managers(submission)
    return True


def _reassign_by_rule(submission: Submission) -> str:
    """Hand the request to the person the agency's rule names, if they may receive it; the
    sentence for the timeline note ("" when nobody is named)."""
    rule = EscalationRule.objects.filter(agency_id=submission.agency_id).select_related(
        "reassign_to__user"
    )
    reassign = next(
        (r.reassign_to for r in rule if r.reassign_to and r.reassign_to.is_active), None
    )
    if reassign is None or not access.can_receive_submission(reassign.user, submission):
        return ""
    submission.assigned_to = reassign.user
    return " " + _("طبق قاعده دستگاه به %(name)s واگذار شد.") % {
        "name": reassign.user.get_full_name() or reassign.user.username
    }


def _text_managers(submission: Submission) -> None:
    for manager in Staff.objects.filter(
        agency_id=submission.agency_id, role=Role.MANAGER, is_active=True
    ).select_related("user"):
        if manager.user.mobile:
            message_queue(
                to=manager.user.mobile,
                body=_("درخواست %(code)s (%(service)s) از مهلت مرحله گذشته است.")
                % {
                    "code": to_persian_digits(submission.tracking_code),
                    "service": submission.service.title,
                },
                kind="escalation",
                reference=submission.tracking_code,
            )
