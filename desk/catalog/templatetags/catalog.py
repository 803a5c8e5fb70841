"""The catalog's lists of services (search, agency, category) written in one pass: a search
page of twenty results rendered through the template engine resolved and escaped some two
hundred variables and reversed twenty URLs."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from desk.catalog.models import Service
from desk.catalog.selectors import ServiceRow
from desk.core.templatetags.layout import url_with_slug
from desk.lib.persian import to_persian_digits

register = template.Library()

_RESULT = (
    '<a class="list-group-item list-group-item-action py-3" href="{}">\n'
    '        <div class="fw-semibold">{}</div>\n'
    '        <div class="small text-muted">{} · {} · مهلت {} روز کاری</div>\n'
    '        <div class="small">{}</div>\n'
    "      </a>\n"
)


@register.simple_tag
def service_results(services: Iterable[ServiceRow | Service]) -> SafeString:
    """The results of ``catalog/_results.html``, one link per service; rows of the search's
    query or services loaded with their agency and category. Escaped as ``{{ }}`` would."""
    rows = (s if isinstance(s, ServiceRow) else ServiceRow.of(s) for s in services)
    # Plain text escaped as Django's escape() does (html.escape, quotes too), without
    # format_html's lazy-string checks on every one of the six values of every row.
    return mark_safe(
        "".join(
            _RESULT.format(
                escape(url_with_slug("catalog:service_detail", row.slug)),
                escape(row.title),
                escape(row.agency_name),
                escape(row.category_name),
                to_persian_digits(row.duration_working_days),
                escape(row.summary),
            )
            for row in rows
        )
    )
