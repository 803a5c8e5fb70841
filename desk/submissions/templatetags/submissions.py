"""Template filters for requests, for pages that list many of them (the staff inbox)."""

from __future__ import annotations

import functools

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from desk.submissions.models import EventKind, Status, TimelineEvent

register = template.Library()

_STATUS_LABELS = dict(Status.choices)  # lazy labels: translated when rendered
_EVENT_LABELS = dict(EventKind.choices)


@register.filter
def request_status(status: str) -> SafeString:
    """The request's status as a coloured badge. A filter, not an include: an inbox page shows
    seventy of them, and an include with ``get_status_display`` cost more than the row."""
    label = _STATUS_LABELS.get(status, status)
    return format_html('<span class="badge status-{}">{}</span>', status, label)


@register.filter
def staff_request_url(tracking_code: str) -> str:
    """``{% url 'submissions:staff_request' code %}`` for list rows: the URL is resolved once per
    script prefix, not once per row (a hundred reversals were a tenth of the inbox's time)."""
    return _staff_request_url_template(get_script_prefix()).replace(_PLACEHOLDER, tracking_code)


# Digits, so that the <digits:code> converter takes it; longer than any code, so never a code.
_PLACEHOLDER = "9" * 24


@functools.lru_cache(maxsize=8)
def _staff_request_url_template(script_prefix: str) -> str:
    return reverse("submissions:staff_request", args=[_PLACEHOLDER])


@register.filter
def event_title(event: TimelineEvent) -> str:
    """What a timeline entry is called: the step's own words for a step change, else the kind.
    (``get_kind_display`` hashes its argument on every call; a timeline shows a dozen.)"""
    if event.kind == EventKind.STEP_CHANGED and event.label:
        return event.label
    return str(_EVENT_LABELS.get(event.kind, event.kind))


_FILE_KINDS = {"application/pdf": "PDF", "image/jpeg": "تصویر JPEG", "image/png": "تصویر PNG"}


@register.filter
def file_kind(content_type: str) -> str:
    """A file's kind as people call it («PDF», «تصویر JPEG»), not its MIME type."""
    return _FILE_KINDS.get(content_type, "پرونده")
