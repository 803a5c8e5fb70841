"""``{% issued_documents submission as documents %}``: lets ``delivery/_documents.html`` be
included in any request page without that page's view knowing about delivery."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from desk.delivery.models import IssuedDocument
from desk.delivery.selectors import documents_of
from desk.lib import verification_codes as codes
from desk.lib.persian import to_persian_digits
from desk.submissions.models import Submission

register = template.Library()


@register.simple_tag
def issued_documents(submission: Submission) -> list[IssuedDocument]:
    return list(documents_of(submission))


@register.filter
def verification_code(value: str) -> str:
    """A verification code in Persian digits, grouped in fours, left to right."""
    return format_html(
        '<bdi class="tracking-code" dir="ltr">{}</bdi>',
        to_persian_digits(codes.format_code(value)),
    )
