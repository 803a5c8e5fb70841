"""The catalog's lists of services (search, agency, category) written in one pass: a search
page of twenty results rendered through the template engine resolved and escaped some two
hundred variables and reversed twenty URLs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from html import escape
from itertools import chain
from operator import itemgetter
from urllib.parse import quote

from django import template
from django.core.paginator import Page
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from desk.catalog.models import Service
from desk.catalog.selectors import ServiceRow
from desk.core.templatetags.layout import _SLUG_PLACEHOLDER, _url_template, url_once
from desk.lib.persian import to_persian_digits

register = template.Library()

# A result's markup around its values: its URL's slug, title, agency, category, days, summary.
_RESULT = (
    '<a class="list-group-item list-group-item-action py-3" href="{before}',
    '{after}">\n        <div class="fw-semibold">',
    '</div>\n        <div class="small text-muted">',
    # «،» between them, not «·»: after Persian digits (an agency «منطقه ۶») a «·» reads as
    # one more zero (۰).
    "، ",
    "، مهلت ",
    ' روز کاری</div>\n        <div class="small">',
    "</div>\n      </a>\n",
)
# What a result shows of its row (ServiceRow), in the order of the values it escapes.
_SHOWN = itemgetter(0, 1, 4, 5, 2)  # slug, title, agency_name, category_name, summary
_DAYS = itemgetter(3)
# Days in Persian digits, written once per process for each number of days.
_persian_number = lru_cache(maxsize=512)(to_persian_digits)


@lru_cache(maxsize=64)
def _results_markup(count: int, script_prefix: str) -> tuple[str, ...]:
    """The markup of ``count`` results as the pieces between their values: result ``i``'s
    six values go at ``12 i + 1``, ``12 i + 3`` … ``12 i + 11``; its URL (the text around the
    slug, escaped) resolved once per process. A join of the pieces and values, not a format
    string, which Python reads character by character on every call."""
    url = escape(_url_template("catalog:service_detail", _SLUG_PLACEHOLDER, script_prefix))
    before, _, after = url.partition(_SLUG_PLACEHOLDER)
    head, *between, tail = _RESULT
    first = head.replace("{before}", before)
    between[0] = between[0].replace("{after}", after)
    pieces: list[str] = []
    for i in range(count):
        pieces += (tail + first if i else first, "")
        for text in between:
            pieces += (text, "")
    return (*pieces, tail)


@register.simple_tag
def service_results(services: Iterable[ServiceRow | Service]) -> SafeString:
    """The results of ``catalog/_results.html``, one link per service; rows of the search's
    query or services loaded with their agency and category. Escaped as ``{{ }}`` would."""
    rows = [s if isinstance(s, ServiceRow) else ServiceRow.of(s) for s in services]
    if not rows:
        return mark_safe("")
    # Plain text escaped as Django's escape() does (html.escape, quotes too) in one pass: the
    # values joined by a character none of them has, escaped once and split (escape() is five
    # replaces over each value: 500 calls for a page of twenty results); the days written in
    # Persian digits once per number; then every value put in its place among the markup's pieces.
    values = escape("\x00".join(chain.from_iterable(map(_SHOWN, rows)))).split("\x00")
    if len(values) != 5 * len(rows):  # a value with that character: one by one
        values = [escape(v) for r in rows for v in _SHOWN(r)]
    markup = [*_results_markup(len(rows), get_script_prefix())]
    markup[1::12] = values[0::5]  # slug
    markup[3::12] = values[1::5]  # title
    markup[5::12] = values[2::5]  # agency
    markup[7::12] = values[3::5]  # category
    markup[9::12] = map(_persian_number, map(_DAYS, rows))
    markup[11::12] = values[4::5]  # summary
    return mark_safe("".join(markup))


# The search page's form and results (catalog/_search.html, catalog/_results.html and
# includes/pager.html) written in one pass for the list view; the templates stay what the
# home page, agencies and categories include, and the tests compare the two.
_FORM = (
    '<form class="mb-3" role="search" method="get" action="{0}">\n'
    '  <label class="form-label fw-semibold" for="q">جست‌وجوی خدمت</label>\n'
    '  <div class="input-group input-group-lg">\n'
    '    <input class="form-control big-search" type="search" id="q" name="q" value="{1}"\n'
    '           placeholder="مثلاً پروانه ساختمان، انشعاب گاز، شناسنامه"\n'
    '           hx-get="{0}" hx-trigger="input changed delay:400ms, search"\n'
    '           hx-target="#results" hx-swap="outerHTML" hx-push-url="true" autocomplete="off">\n'
    '    <button class="btn btn-primary" type="submit">جست‌وجو</button>\n'
    "  </div>\n"
    "</form>\n"
)
_FOUND = '<p class="text-muted">{} خدمت برای «{}» پیدا شد.</p>'
_NOTHING = (
    '<div class="alert alert-warning">خدمتی{} پیدا نشد. واژه دیگری را امتحان کنید یا '
    '<a class="alert-link" href="{}">فهرست دستگاه‌ها</a> را ببینید.</div>'
)
_RESULTS = (
    '\n<div id="results">\n  {}\n  <div class="list-group">\n    \n      {}\n    \n  </div>\n'
    "  {}\n</div>\n"
)
_PAGER = (
    '\n<nav aria-label="صفحه‌ها" class="my-3">\n'
    '  <ul class="pagination pagination-sm flex-wrap">\n'
    "    {}\n"
    '    <li class="page-item disabled"><span class="page-link">صفحه {} از {}</span></li>\n'
    "    {}\n"
    "  </ul>\n"
    "</nav>\n\n"
)
_PAGE_LINK = '<li class="page-item"><a class="page-link" href="?{}page={}">{}</a></li>'


def search_form(query: str) -> str:
    """``catalog/_search.html`` for ``query``."""
    return _FORM.format(escape(url_once("catalog:service_list")), escape(query))


def search_results(query: str, page: Page[ServiceRow] | Page[Service], total: int) -> str:
    """``catalog/_results.html`` for a page of the search (``total``: the paginator's count)."""
    services: Sequence[ServiceRow | Service] = page.object_list  # type: ignore[assignment]
    found = ""
    if len(services):
        listing: str = service_results(services)
        if query:
            found = _FOUND.format(to_persian_digits(total or len(services)), escape(query))
    else:
        # Nothing found: the notice names the words, with no count of none before them.
        for_query = f" برای «{escape(query)}»" if query else ""
        listing = _NOTHING.format(for_query, escape(url_once("catalog:home")))
    pager = ""
    if page.has_other_pages():
        q = f"q={quote(query)}&amp;" if query else ""
        pager = _PAGER.format(
            _PAGE_LINK.format(q, page.previous_page_number(), "قبلی")
            if page.has_previous()
            else "",
            to_persian_digits(page.number),
            to_persian_digits(page.paginator.num_pages),
            _PAGE_LINK.format(q, page.next_page_number(), "بعدی") if page.has_next() else "",
        )
    return _RESULTS.format(found, listing, pager)
