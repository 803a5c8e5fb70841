"""``{% letters_of user as letters %}`` and ``{% letter_of_request submission as letter %}``:
let the requests' pages (my requests, the staff request page) show letters without their
views, in the app below, knowing about letters."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from desk.letters.models import Letter, LetterStatus
from desk.letters.selectors import letters_of_citizen
from desk.submissions.models import Submission

register = template.Library()

_STATUS_LABELS = dict(LetterStatus.choices)


@register.simple_tag
def letters_of(user: object) -> list[Letter]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(letters_of_citizen(user))  # type: ignore[arg-type]


@register.simple_tag
def letter_of_request(submission: Submission) -> Letter | None:
    """The letter a request was opened from, if any."""
    return Letter.objects.filter(submission_id=submission.pk).first()


@register.filter
def letter_status(status: str) -> SafeString:
    label = _STATUS_LABELS.get(status, status)
    return format_html('<span class="badge letter-status-{}">{}</span>', status, label)


@register.filter
def letter_number(number: str) -> SafeString:
    """A register number as typed in its format (``۱۴۰۵/۱۲۳۴/و``), kept left to right."""
    return format_html('<bdi class="letter-number" dir="ltr">{}</bdi>', number)
