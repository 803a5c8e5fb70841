"""Letters' deadlines when the working calendar changes: the open letters of the agencies a
change touches get their deadline again, from their registration day and the working days
they were promised (a subscriber of ``CalendarChanged``, run as a job)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from desk.agencies.models import Agency
from desk.calendars.selectors import agency_ids_in_scope, calendars_for_agencies
from desk.core.events import CalendarChanged
from desk.letters.models import OPEN_LETTER_STATUSES, Letter
from desk.lib.jalali import TEHRAN


def letters_deadlines_recompute(*, change: CalendarChanged) -> int:
    """Move the deadlines the change moves; returns how many letters changed. Running it
    twice changes nothing more."""
    agency_ids = agency_ids_in_scope(
        scope=change.scope, province=change.province, agency_id=change.agency_id
    )
    # A deadline before the changed days cannot count them; a letter registered after them
    # was given its deadline by the calendar as it is now.
    letters = Letter.objects.filter(status__in=OPEN_LETTER_STATUSES, due_on__gte=change.start)
    if agency_ids is not None:
        letters = letters.filter(agency_id__in=agency_ids)
    if change.end is not None:
        after = datetime.datetime.combine(
            change.end + datetime.timedelta(days=1), datetime.time(), tzinfo=TEHRAN
        )
        letters = letters.filter(registered_at__lt=after)
    with transaction.atomic():
        rows = list(
            letters.select_for_update().only(
                "pk", "agency_id", "registered_at", "due_on", "deadline_working_days"
            )
        )
        calendars = calendars_for_agencies(
            Agency.objects.filter(pk__in={r.agency_id for r in rows})
        )
        moved = []
        for letter in rows:
            registered_on = timezone.localtime(letter.registered_at, TEHRAN).date()
            due = calendars[letter.agency_id].add_working_days(
                registered_on, letter.deadline_working_days
            )
            if due != letter.due_on:
                letter.due_on = due
                moved.append(letter)
        Letter.objects.bulk_update(moved, ["due_on"], batch_size=500)
    return len(moved)
