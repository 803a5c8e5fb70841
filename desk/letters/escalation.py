"""Escalation of letters past their deadline: flagged once, noted, the agency's managers texted."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.agencies.models import Role, Staff
from desk.letters.models import OPEN_LETTER_STATUSES, Letter, LetterNote, NoteKind
from desk.lib.jalali import format_date, today_tehran
from desk.notifications.services import message_queue


def escalate_overdue_letters(*, today: date | None = None) -> int:
    """Escalate every open letter past its deadline, once. Safe to run often."""
    today = today or today_tehran()
    due = Letter.objects.filter(
        status__in=OPEN_LETTER_STATUSES, escalated_at__isnull=True, due_on__lt=today
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if _escalate(pk, today))


@transaction.atomic
def _escalate(letter_id: int, today: date) -> bool:
    letter = (
        Letter.objects.select_for_update(of=("self",)).select_related("agency").get(pk=letter_id)
    )
    # Checked again under the lock: another worker, or a reply, may have come first.
    if letter.escalated_at is not None or not letter.is_open or letter.due_on >= today:
        return False
    letter.escalated_at = timezone.now()
    letter.save(update_fields=["escalated_at"])
    LetterNote.objects.create(
        letter=letter,
        kind=NoteKind.ESCALATED,
        message=_("مهلت پاسخ در %(due)s گذشت.") % {"due": format_date(letter.due_on)},
        is_public=False,
    )
    for manager in Staff.objects.filter(
        agency_id=letter.agency_id, role=Role.MANAGER, is_active=True
    ).select_related("user"):
        if manager.user.mobile:
            message_queue(
                to=manager.user.mobile,
                body=_("نامه %(number)s («%(subject)s») از مهلت پاسخ گذشته است.")
                % {"number": letter.number, "subject": letter.subject},
                kind="letter_escalation",
                reference=letter.tracking_code,
                agency_id=letter.agency_id,
            )
    return True
