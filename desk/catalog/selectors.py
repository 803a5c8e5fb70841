from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, NamedTuple

from django.db import connection, connections
from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _

from desk.agencies.models import Agency
from desk.catalog.models import Category, FieldKind, FormField, RequiredDocument, Service
from desk.core.cache import AGENCIES_GENERATION, generation_cached
from desk.lib.persian import search_key, to_persian_digits

# Bumped by every write of a service card, its children or its category (the admin classes in
# catalog/admin.py, where cards are edited) and of an agency (agencies/admin.py): a card is
# cached with its agency, and sharing the agencies' generation lets the agencies app forget
# cards without knowing the catalog.
SERVICES_GENERATION = AGENCIES_GENERATION


def services_published() -> QuerySet[Service]:
    return Service.objects.filter(is_published=True, agency__is_active=True).select_related(
        "agency", "category"
    )


def services_search(
    *, query: str = "", agency: Agency | None = None, category: Category | None = None
) -> QuerySet[Service]:
    """Published services whose card contains every word of `query`, in either letter form."""
    qs = services_published()
    if agency is not None:
        qs = qs.filter(agency=agency)
    if category is not None:
        qs = qs.filter(category=category)
    match, words = _terms(search_key(query).split(), connections[qs.db].vendor)
    return _with_terms(qs, match, words).order_by("title", "pk")


# The trigram indexes (catalog/migrations/0006_search_index.py) know words of 3 characters
# or more; a shorter one has no trigram to look up.
TRIGRAM = 3
_NUL = "\0"
_FTS_IDS = "SELECT rowid FROM catalog_service_fts WHERE catalog_service_fts MATCH %s"


def _terms(words: Sequence[str], vendor: str) -> tuple[str | None, tuple[str, ...]]:
    """The search's words as (SQLite's FTS5 expression of those its index finds, or None; the
    words tested on the search key itself). On SQLite the index finds the services that
    contain the trigrams of each word of 3 characters or more (``trigram`` tokenizer); the
    words themselves, and those shorter than 3, are then tested on the services it found
    (``instr``). Elsewhere every word is tested on the key (PostgreSQL: ``LIKE``, which its
    ``pg_trgm`` index serves)."""
    if vendor != "sqlite":
        return None, tuple(words)
    indexed = [w for w in words if len(w) >= TRIGRAM and _NUL not in w]
    tested = tuple(w for w in words if len(w) > TRIGRAM or w not in indexed)
    if not indexed:
        return None, tested
    # Each trigram a string in quotes (its quotes doubled): no operator, no prefix syntax.
    match = " AND ".join(
        '"' + t.replace('"', '""') + '"' for w in indexed for t in _covering_trigrams(w)
    )
    return match, tested


def _covering_trigrams(word: str) -> list[str]:
    """Trigrams of ``word`` that cover it without overlapping but for the last one:
    «انشعاب» → «انش», «عاب». The index looks them up as separate terms, not as the phrase
    of all the word's trigrams, whose positions FTS5 compares (about 0.3 M instructions of
    a search finding 110 services at 2,000); ``instr`` then tests the word itself."""
    starts = [*range(0, len(word) - TRIGRAM + 1, TRIGRAM)]
    if starts[-1] != len(word) - TRIGRAM:
        starts.append(len(word) - TRIGRAM)
    return [word[i : i + TRIGRAM] for i in starts]


def _with_terms(
    qs: QuerySet[Service], match: str | None, words: Iterable[str]
) -> QuerySet[Service]:
    """Services whose search key contains every word (``_terms``). Both sides are search keys
    (casefolded), so a plain substring test. SQLite: the FTS index's matches, then ``instr``
    for the short words (``LIKE '%…%'``, case-insensitive and escaped, was a sixth of a
    search's instructions there). PostgreSQL: ``LIKE``, which the trigram index serves
    (``strpos`` no index does)."""
    if match is not None:
        qs = qs.filter(pk__in=RawSQL(_FTS_IDS, (match,)))
    postgres = connections[qs.db].vendor == "postgresql"
    if postgres and any(_NUL in word for word in words):
        return qs.none()  # PostgreSQL's text holds no NUL (and refuses one sent): no key has it
    for word in words:
        if postgres:
            qs = qs.filter(search_text__contains=word)
        else:
            qs = qs.filter(GreaterThan(StrIndex("search_text", Value(word)), 0))
    return qs


class ServiceRow(NamedTuple):
    """What a search result shows (catalog/_results.html), not the card's long texts: a row
    of the search's one query, no model instances."""

    slug: str
    title: str
    summary: str
    duration_working_days: int
    agency_name: str
    category_name: str

    @classmethod
    def of(cls, service: Service) -> ServiceRow:
        """The row of a service loaded with its agency and category."""
        return cls(
            service.slug,
            service.title,
            service.summary,
            service.duration_working_days,
            service.agency.name,
            service.category.name,
        )


# Pages further on than this go through the ORM: the page's statement (``_PAGE``) is sent
# only for the pages people read.
SEARCH_COMPILED_PAGES = 5

# The page and the count of all matches from the matching services' ids and titles, found
# once (a CTE used twice is materialised once, by SQLite and by PostgreSQL), the page's
# columns read for its rows only. A window ``COUNT(*)`` over the wide rows (the ORM's query)
# had the database copy every match, its summary and names, into a store and out again, then
# sort them all: on SQLite about 0.9 M instructions of a search finding 110 services at
# 2,000; on PostgreSQL 0.37–0.39 ms of the server's CPU a search against 0.24–0.27 ms for
# this statement (docs/benchmarks.md). The same services in the same order as
# ``services_search``.
_PAGE = """
WITH matched AS (
    SELECT s.id, s.title FROM {matches}{service} s INNER JOIN {agency} a ON a.id = s.agency_id
    WHERE a.is_active AND s.is_published{conditions}
), page AS (
    SELECT id, title FROM matched ORDER BY title, id LIMIT %s OFFSET %s
)
SELECT s.slug, s.title, s.summary, s.duration_working_days, a.name, c.name,
    (SELECT COUNT(*) FROM matched)
FROM page
INNER JOIN {service} s ON s.id = page.id
INNER JOIN {agency} a ON a.id = s.agency_id
INNER JOIN {category} c ON c.id = s.category_id
ORDER BY page.title, page.id
"""


@cache
def _page_sql(vendor: str, indexed: bool, words: int, short: int = 0) -> str:
    """``_PAGE`` for a search of ``words`` words tested on the key, and ``short`` more.
    SQLite: the FTS index's matches joined when ``indexed`` (not ``IN`` its query: no list of
    their ids built to look the services up from, about 0.13 M instructions of a search
    finding 110 services), the words tested with ``instr``. PostgreSQL: ``LIKE``, which its
    trigram index serves, and ``strpos`` for the ``short`` words, of fewer than 3 letters: the
    index has no trigram of theirs to look up and would read all of itself (a one-letter
    search: 6–7 ms of the server against 3 ms for ``strpos`` over the table, at 2,000
    services). One text per shape, so that the statement is prepared once per connection."""
    matches = "catalog_service_fts f INNER JOIN " if indexed else ""
    conditions = [" AND s.id = f.rowid AND f.catalog_service_fts MATCH %s"] if indexed else []
    if vendor == "sqlite":
        conditions += [" AND instr(s.search_text, %s) > 0"] * (words + short)
    else:
        conditions += [" AND s.search_text LIKE %s"] * words
        conditions += [" AND strpos(s.search_text, %s) > 0"] * short
    return _PAGE.format(
        matches=matches,
        service=Service._meta.db_table,
        agency=Agency._meta.db_table,
        category=Category._meta.db_table,
        conditions="".join(conditions),
    )


def _search_rows(match: str | None, words: tuple[str, ...], offset: int, limit: int) -> list[Any]:
    vendor = connection.vendor
    if vendor == "sqlite":
        sql = _page_sql(vendor, match is not None, len(words))
        params = [*(() if match is None else (match,)), *words, limit, offset]
    else:  # ``LIKE '%…%'`` with its wildcards taken as text, as ``contains``; then the short
        prep = connection.ops.prep_for_like_query
        indexed = [f"%{prep(word)}%" for word in words if len(word) >= TRIGRAM]
        short = [word for word in words if len(word) < TRIGRAM]
        sql = _page_sql(vendor, False, len(indexed), len(short))
        params = [*indexed, *short, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def services_search_page(
    *, query: str, number: int, per_page: int
) -> tuple[list[ServiceRow], int] | None:
    """Page ``number`` of ``services_search(query=query)`` and the count of all its services,
    in one query (``_PAGE``); None when the page is past the last one or too far on
    (``SEARCH_COMPILED_PAGES``): then the paginator of ``services_search`` decides.
    ``query``: as ``normalize`` returns it (the view normalises it once)."""
    if not 1 <= number <= SEARCH_COMPILED_PAGES:
        return None
    match, words = _terms(search_key(query, normalized=True).split(), connection.vendor)
    if connection.vendor != "sqlite" and any(_NUL in word for word in words):
        return None if number > 1 else ([], 0)  # as in ``_with_terms``
    rows = _search_rows(match, words, (number - 1) * per_page, per_page)
    if not rows:
        return None if number > 1 else ([], 0)
    return [ServiceRow(*row[:-1]) for row in rows], int(rows[0][-1])


def service_for_public(slug: str) -> Service | None:
    return (
        services_published()
        .prefetch_related("steps", "documents", "regulations", "faqs", "form_fields")
        .filter(slug=slug)
        .first()
    )


def service_for_apply(slug: str) -> Service | None:
    """What the application form needs: the card's documents and form, not its FAQ or laws.

    Every submission reads it, and cards change rarely: cached per slug, with the agency,
    category, documents and form fields it carries, until the next write
    (``SERVICES_GENERATION``), and kept in the process as well (``shared``): the same object
    for every request of this process until then, **read only** (an application's views and
    services read the card; nothing sets an attribute on it or on what it carries).
    """
    return generation_cached(
        key=f"catalog:service-for-apply:{slug}",
        generation=SERVICES_GENERATION,
        shared=True,
        build=lambda: (
            services_published()
            .prefetch_related("documents", "form_fields")
            .filter(slug=slug)
            .first()
        ),
    )


def agency_service_choices(agency_id: int) -> list[tuple[int, str]]:
    """Every service of an agency (published or not: staff still work on requests of a card
    taken down) as (id, title), by title: a staff page's list to choose from. Cached until
    the next write of a card (``SERVICES_GENERATION``), kept in the process, read only."""
    return generation_cached(
        key=f"catalog:agency-service-choices:{agency_id}",
        generation=SERVICES_GENERATION,
        shared=True,
        build=lambda: list(
            Service.objects.filter(agency_id=agency_id)
            .order_by("title", "pk")
            .values_list("pk", "title")
        ),
    )


def agencies_with_counts() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).annotate(
        service_count=Count("services", filter=Q(services__is_published=True))
    )


def categories_with_counts() -> QuerySet[Category]:
    return Category.objects.annotate(
        service_count=Count(
            "services",
            filter=Q(services__is_published=True, services__agency__is_active=True),
        )
    ).filter(service_count__gt=0)


def agency_with_services(slug: str) -> Agency | None:
    return (
        Agency.objects.filter(slug=slug, is_active=True)
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.filter(is_published=True).select_related("category"),
                to_attr="published_services",
            )
        )
        .first()
    )


def documents_mismatch(
    service: Service,
    documents: Iterable[RequiredDocument] | None = None,
    fields: Iterable[FormField] | None = None,
) -> str | None:
    """What is wrong when the documents a service card lists and the upload fields of its form
    do not match one for one (as many, as many of them required); None when they do. The
    citizen reads the list on the card and then finds a box for each document on the form.
    ``documents`` and ``fields``: rows not saved yet (the admin's preview)."""
    documents = list(service.documents.all() if documents is None else documents)
    fields = service.form_fields.all() if fields is None else fields
    uploads = [f for f in fields if f.kind == FieldKind.FILE]
    required_documents = sum(1 for d in documents if d.is_required)
    required_uploads = sum(1 for f in uploads if f.required)
    if len(documents) == len(uploads) and required_documents == required_uploads:
        return None
    return _(
        "مدارک کارت خدمت و جاهای بارگذاری فرم یکی نیستند: کارت خدمت %(documents)s مدرک "
        "(%(required_documents)s الزامی) نام می‌برد و فرم %(uploads)s جای بارگذاری "
        "(%(required_uploads)s الزامی) دارد. برای هر مدرک یک فیلد «پرونده (بارگذاری)» بگذارید، "
        "با همان الزامی یا اختیاری بودن، یا فهرست مدارک را درست کنید."
    ) % {
        "documents": to_persian_digits(len(documents)),
        "required_documents": to_persian_digits(required_documents),
        "uploads": to_persian_digits(len(uploads)),
        "required_uploads": to_persian_digits(required_uploads),
    }
