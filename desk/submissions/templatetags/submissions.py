"""Template filters for requests, for pages that list many of them (the staff inbox)."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

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


# The staff inbox writes its rows in one pass: a template loop resolved a dozen variables a
# row (lookups, escaping), a third of the page's time. The rows come worked out from
# selectors.inbox_page; here they only meet their markup.
_INBOX_ROW = (
    '<tr{}><td><a href="{}"><bdi class="tracking-code" dir="ltr">{}</bdi></a></td>'
    "<td>{}</td><td>{}</td><td>{}</td><td>{}{}</td>"
    '<td><span class="badge status-{}">{}</span>{}</td><td>{}</td></tr>'
)
_OVERDUE_ROW = mark_safe(' class="overdue table-danger"')
_LIST_ITEM = '<li><a href="{}"><bdi class="tracking-code" dir="ltr">{}</bdi></a> — {}{}</li>'


@functools.lru_cache(maxsize=512)
def _deadline_note(overdue: bool, days: str) -> SafeString:
    if overdue:
        return format_html(
            ' <span class="badge bg-danger">گذشته</span> <span class="small">({} روز)</span>', days
        )
    return format_html(' <span class="small text-muted">({} روز مانده)</span>', days)


def _note(badge: tuple[str, str] | None) -> SafeString | str:
    return format_html(' <span class="badge {}">{}</span>', *badge) if badge else ""


@register.simple_tag
def inbox_rows(rows: list[Any], payment_badges: dict[int, str]) -> SafeString:
    """The inbox table's rows (``selectors.InboxRow``), with each request's payment badge."""
    return format_html_join(
        "\n",
        _INBOX_ROW,
        (
            (
                _OVERDUE_ROW if row.overdue else "",
                row.url,
                row.code,
                row.service,
                row.applicant,
                row.submitted,
                row.deadline,
                _deadline_note(row.overdue, row.days),
                row.status,
                row.status_label,
                _note(row.badge),
                payment_badges.get(row.pk, ""),
            )
            for row in rows
        ),
    )


@register.simple_tag
def request_items(rows: list[Any], with_status: bool = False) -> SafeString:
    """The ``<li>`` of the inbox's short lists (``selectors.ListRow``)."""
    return format_html_join(
        "\n",
        _LIST_ITEM,
        (
            (
                row.url,
                row.code,
                row.service,
                format_html(
                    ' — <span class="badge status-{}">{}</span>', row.status, row.status_label
                )
                if with_status
                else "",
            )
            for row in rows
        ),
    )


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
