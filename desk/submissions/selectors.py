"""Reads of requests, each scoped to who is asking. Views never fetch a request any other way."""

from __future__ import annotations

import functools
import itertools
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, NamedTuple, overload

from django.core.signals import setting_changed
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.dispatch import receiver
from django.http import Http404
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Role, Staff
from desk.catalog.models import FieldKind, FormField
from desk.core.compiled import CompiledQuery, constant_in
from desk.lib import tracking
from desk.lib.jalali import format_date, today_tehran
from desk.lib.persian import is_ascii_number, to_persian_digits
from desk.lib.validators import display_mobile
from desk.submissions import proofs
from desk.submissions.models import (
    INBOX_DEADLINE,
    INBOX_STATUSES,
    INBOX_WAITING,
    OPEN_STATUSES,
    Attachment,
    AttachmentKind,
    Channel,
    EventKind,
    Status,
    Submission,
    TimelineEvent,
)
from desk.submissions.progress import SIDE_KINDS
from desk.workflow.models import Action, Step
from desk.workflow.selectors import inbox_filter, routed_branches, routed_to, staff_positions

TRACK_COLUMNS = (
    "tracking_code",
    "applicant_id",
    "status",
    "submitted_at",
    "due_on",
    "service__title",
    "agency__name",
    "current_step__citizen_label",
    "current_step__kind",
    "current_step__version",
    "step_due_on",
    "service__slug",
    "service__fee_amount",
)
# The staff lists show a few columns of thousands of rows; a service card's text is long.
LIST_COLUMNS = ("tracking_code", "status", "service__title")
INBOX_COLUMNS = (
    *LIST_COLUMNS,
    "applicant_name",
    "applicant_national_code",
    "submitted_at",
    "due_on",
    "step_due_on",
    "verification",
    "held",
)


def colleagues_of(staff: Staff) -> list[dict[str, object]]:
    """The active staff of ``staff``'s agency with an active account (id, name, role): whom a
    manager assigns a request to (``AssignForm`` accepts these ids)."""
    rows = (
        Staff.objects.filter(agency_id=staff.agency_id, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return [
        {"id": row.user_id, "name": row.user.get_full_name() or row.user.username, "role": row.role}
        for row in rows
    ]


def inbox_for_staff(staff: Staff) -> QuerySet[Submission]:
    """What the staff member's roles and departments can act on, in the inbox's order: the
    earliest deadline first (so every overdue request comes before the others), then id."""
    return (
        Submission.objects.filter(inbox_filter(staff), INBOX_WAITING)
        .select_related("service")
        .only(*INBOX_COLUMNS)
        .alias(deadline=INBOX_DEADLINE)
        .order_by("deadline", "pk")
    )


INBOX_PAGE_SIZE = 50
_CURSOR = re.compile(r"^(\d{4})-(\d{2})-(\d{2})_(\d{1,18})$")
# Identity and verification notes beside the status: (css class, label).
_HELD_BADGE = ("text-bg-warning", "نگه‌داشته: هویت تأییدنشده")
_VERIFICATION_BADGES = {
    "awaiting": ("text-bg-warning", "در انتظار استعلام"),
    "mismatch": ("text-bg-danger", "مغایرت استعلام"),
    "deceased": ("text-bg-danger", "ثبت احوال: متقاضی درگذشته"),
}
_STATUS_LABELS = dict(Status.choices)  # lazy labels: translated when read


@functools.lru_cache(maxsize=8)
def _status_labels_in(language: str | None) -> dict[str, str]:
    # Reading a lazy label translates it: a gettext each, whose look-up of the active language
    # (an asgiref Local) cost more than the rest of an inbox row (120 rows a page). A page asks
    # the language once and reads the labels translated once per process and language.
    return {status: str(label) for status, label in _STATUS_LABELS.items()}


class InboxRow(NamedTuple):
    """One row of the staff inbox, everything the page shows already worked out. (A named
    tuple: built in one call, where a frozen dataclass set each of its fields through
    ``object.__setattr__``, 120 rows a page with the short lists.)"""

    pk: int
    tracking_code: str
    code: str  # grouped, Persian digits
    url: str
    service: str
    applicant: str
    submitted: str  # Jalali, Persian digits
    deadline: str
    overdue: bool
    days: str  # days left (or past the deadline), Persian digits
    status: str
    status_label: str
    badge: tuple[str, str] | None


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    count: int  # all the requests waiting in this inbox
    first: int  # 1-based position of the first row
    next_cursor: str | None


def parse_inbox_cursor(text: str | None) -> tuple[date, int] | None:
    """``2026-11-28_1234`` (the last row's deadline and id) from a "next page" link; anything
    else is the first page."""
    match = _CURSOR.match(text or "")
    if match is None:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day, int(match[4])


def inbox_page(staff: Staff, *, after: str | None = None, start: int = 1) -> InboxPage:
    """A page of the staff inbox after the cursor ``after`` (keyset pagination: no OFFSET, a
    page costs the same wherever it is), with the rows ready to show: no per-row work left to
    the template and no per-row query.

    The first page carries the count of the whole queue on its rows (one query); a later page
    asks for the count apart. Both queries are compiled once per process and shape of the
    filter (manager or not, number of positions): the ORM builds them again only for a new
    shape, and PostgreSQL sees the same statement every time (prepared statements)."""
    agency_id = access.submissions_agency_for(staff.user)
    if agency_id is None:
        return InboxPage(rows=[], count=0, first=1, next_cursor=None)
    manager = staff.role == Role.MANAGER
    positions = [] if manager else staff_positions(staff)
    routing = () if manager else (staff.user_id, staff.role, *itertools.chain(*positions))
    size = len(positions)
    cursor = parse_inbox_cursor(after)
    if cursor is None:
        found = _inbox_compiled(manager, size, "first").rows(agency_id, *routing)
        count = found[0][_TOTAL] if found else 0
        start = 1
    else:
        found = _inbox_compiled(manager, size, "after").rows(agency_id, *routing, *cursor)
        counted = _inbox_compiled(manager, size, "count").rows(agency_id, *routing)
        count = counted[0][0] if counted else 0
    return _inbox_page_of(found, count, start)


def _inbox_page_of(found: Sequence[Sequence[Any]], count: int, start: int) -> InboxPage:
    """A page of 50 of ``found`` (up to 51 rows of ``_ROW_COLUMNS``: a 51st means more)."""
    more = len(found) > INBOX_PAGE_SIZE
    found = found[:INBOX_PAGE_SIZE]
    next_cursor = None
    if more:
        last = found[-1]
        next_cursor = f"{last[_DEADLINE].isoformat()}_{last[0]}"
    return InboxPage(
        rows=_inbox_rows(found),
        count=count,
        first=max(start, 1),
        next_cursor=next_cursor,
    )


InboxOnly = Literal["", "overdue", "mine"]


def inbox_search(
    staff: Staff,
    *,
    text: str = "",
    service_id: int | None = None,
    only: InboxOnly = "",
    after: str | None = None,
    start: int = 1,
) -> InboxPage:
    """A page of the staff member's inbox narrowed down: ``text`` finds a request by its
    tracking code or the applicant's national code (digits, any script, dashes allowed) or by
    part of the applicant's name; ``service_id`` one service; ``only`` the overdue ones or
    those assigned to this staff member. The same queue, order and keyset pages as
    ``inbox_page``, which serves the unfiltered inbox with its compiled queries; a search is
    rarer and its filters cut the queue down, so it goes through the ORM as written."""
    agency_id = access.submissions_agency_for(staff.user)
    if agency_id is None:
        return InboxPage(rows=[], count=0, first=1, next_cursor=None)
    queue = Submission.objects.filter(inbox_filter(staff), INBOX_WAITING).alias(
        deadline=INBOX_DEADLINE
    )
    if service_id is not None:
        queue = queue.filter(service_id=service_id)
    if only == "overdue":
        queue = queue.filter(deadline__lt=today_tehran())
    elif only == "mine":
        queue = queue.filter(assigned_to_id=staff.user_id)
    text = text.strip()
    if text:
        digits = tracking.normalize(text)
        if is_ascii_number(digits):
            queue = queue.filter(Q(tracking_code=digits) | Q(applicant_national_code=digits))
        else:
            queue = queue.filter(applicant_name__icontains=text)
    count = queue.count()
    rows = queue.annotate(deadline_on=INBOX_DEADLINE)
    cursor = parse_inbox_cursor(after)
    if cursor is None:
        start = 1
    else:
        day, pk = cursor
        rows = rows.filter(Q(deadline__gt=day) | Q(deadline=day, pk__gt=pk))
    found = list(rows.order_by("deadline", "pk").values_list(*_ROW_COLUMNS)[: INBOX_PAGE_SIZE + 1])
    return _inbox_page_of(found, count, start)


_ROW_COLUMNS = (
    "pk",
    "tracking_code",
    "service__title",
    "applicant_name",
    "applicant_national_code",
    "submitted_at",
    "deadline_on",
    "status",
    "verification",
    "held",
)
_DEADLINE = _ROW_COLUMNS.index("deadline_on")
_TOTAL = len(_ROW_COLUMNS)  # the first page's rows end with the count of the whole queue


# INBOX_WAITING with its statuses written into the SQL: the inbox's partial indexes are
# named by that condition, which PostgreSQL's generic plan of a prepared statement can only
# use when it is a constant (core.compiled.constant_in).
_WAITING = constant_in("status", INBOX_STATUSES)


def _inbox_query(agency_id: int, *arguments: Any) -> QuerySet[Submission, Any]:
    """The inbox query of ``inbox_page`` for one shape (the last argument): ``first`` (the
    first 51 rows, each with the count of all), ``after`` (51 rows after a cursor: its
    deadline and id are the last two arguments) or ``count``. ``arguments`` before the
    shape: nothing for a manager, else the staff member's user id, role, and department id
    and role of each position."""
    *values, (manager, size, kind) = arguments
    where = Q(agency_id=agency_id)
    routing: dict[str, Any] = {}
    if not manager:
        user_id, role, *rest = values
        positions = [(rest[2 * i], rest[2 * i + 1]) for i in range(size)]
        routing = {"user_id": user_id, "agency_id": agency_id, "role": role, "positions": positions}
        where &= routed_to(**routing)
    queue = Submission.objects.filter(where, _WAITING)
    if routing and not connection.features.supports_slicing_ordering_in_compound:
        # SQLite: the queue counted as the rows of its branches, each read from its own
        # partial index (6.5 -> 0.04 ms at 1,000,000 requests), not the OR tested on every
        # waiting request of the agency; the IN keeps a row of two branches once. PostgreSQL
        # reads the OR by a BitmapOr over the same indexes (1.5 ms; its union took 4.4).
        queue = Submission.objects.filter(pk__in=_union_all(_inbox_branches(agency_id, routing)))
    # One group, the agency: COUNT(*) … GROUP BY agency_id (no row when the queue is empty).
    count = queue.order_by().values("agency_id").annotate(n=Count("pk")).values_list("n")
    if kind == "count":
        return count
    after = Q()
    if kind == "after":
        day, pk = values[-2:]
        # `deadline >= day` bounds the index range; the OR only skips that day's earlier ids.
        after = (Q(deadline__gt=day) | Q(deadline=day, pk__gt=pk)) & Q(deadline__gte=day)
    if routing:
        heads = _union_all(_inbox_branches(agency_id, routing, after))
        queue = Submission.objects.filter(pk__in=heads)
        after = Q()  # each branch's first rows are already after the cursor
    rows = queue.alias(deadline=INBOX_DEADLINE).annotate(deadline_on=INBOX_DEADLINE).filter(after)
    columns: tuple[str, ...] = _ROW_COLUMNS
    if kind != "after":
        # The count as a subquery that runs once (not a window over the whole queue, which
        # would read every row of a manager's queue before the first 51).
        rows = rows.annotate(total=Subquery(count))
        columns = (*columns, "total")
    return rows.order_by("deadline", "pk").values_list(*columns)[: INBOX_PAGE_SIZE + 1]


def _inbox_branches(
    agency_id: int, routing: dict[str, Any], after: Q | None = None
) -> list[QuerySet[Submission, Any]]:
    """The ids of the waiting requests of each branch of the staff member's routing
    (workflow.selectors.routed_branches); given ``after`` (the cursor's condition, empty on
    the first page), only each branch's first 51 after it in the inbox's order: the ids of a
    page's rows and of a few more. The page is the first 51 of their union in that order:
    exactly the first 51 of the whole queue, since each of those is among its own branch's
    first 51.

    Each branch reads its rows from its own partial index (assignee; department or none, with
    the agency), where the whole OR read the agency's index in order and filtered it: on
    PostgreSQL 1,475 rows for an expert's first 51 (the planner expected 557 of the queue to
    match, 59 do), 1,836 buffers, 690 this way; on SQLite 5.3 -> 0.12 ms at 1,000,000
    requests (docs/benchmarks.md)."""
    branches = []
    for branch in routed_branches(**routing):
        rows = Submission.objects.filter(branch, _WAITING, agency_id=agency_id)
        if after is not None:
            rows = (
                rows.alias(deadline=INBOX_DEADLINE)
                .filter(after)
                .order_by("deadline", "pk")[: INBOX_PAGE_SIZE + 1]
            )
        branches.append(rows.values("pk"))
    return branches


def _union_all(parts: list[QuerySet[Submission, Any]]) -> QuerySet[Submission, Any] | RawSQL:
    """``parts`` as one UNION ALL, for ``pk__in``. SQLite refuses an ORDER BY or LIMIT on a
    compound statement's members unless each is wrapped as ``SELECT * FROM (…)``, which the
    ORM will not write (it refuses sliced members there): written here around each part's
    SQL."""
    if connection.features.supports_slicing_ordering_in_compound:
        return parts[0].union(*parts[1:], all=True)
    sqls, params = zip(*(part.query.sql_with_params() for part in parts), strict=True)
    union = " UNION ALL ".join(f"SELECT * FROM ({sql})" for sql in sqls)
    return RawSQL(union, [param for each in params for param in each])


_INBOX_QUERIES: dict[tuple[bool, int, str], CompiledQuery[Submission]] = {}


def _inbox_compiled(manager: bool, size: int, kind: str) -> CompiledQuery[Submission]:
    shape = (manager, size, kind)
    compiled = _INBOX_QUERIES.get(shape)
    if compiled is None:
        kinds: list[type] = [int] + ([] if manager else [int, str] + [int, str] * size)
        if kind == "after":
            kinds += [date, int]
        # Under the generic plan on PostgreSQL: planned for its parameters, the page's
        # statement took 2 ms to plan for each execution of 1 ms (docs/benchmarks.md).
        compiled = CompiledQuery(
            lambda *marks: _inbox_query(*marks, shape), kinds, generic_plan=True
        )
        _INBOX_QUERIES[shape] = compiled
    return compiled


def _inbox_rows(found: Sequence[Sequence[Any]]) -> list[InboxRow]:
    today = today_tehran()
    url = _staff_request_prefix()
    labels = _status_labels_in(get_language())
    rows = []
    for (
        pk,
        code,
        service,
        name,
        national_code,
        submitted_at,
        deadline,
        status,
        check,
        held,
        *_total,
    ) in found:
        days = (deadline - today).days
        rows.append(
            InboxRow(
                pk=pk,
                tracking_code=code,
                code=to_persian_digits(tracking.format_code(code)),
                url=f"{url}{code}/",
                service=service,
                applicant=to_persian_digits(name or national_code),
                submitted=format_date(submitted_at),
                deadline=format_date(deadline),
                overdue=days < 0,
                days=to_persian_digits(abs(days)),
                status=status,
                status_label=labels.get(status, status),
                badge=_HELD_BADGE if held else _VERIFICATION_BADGES.get(check),
            )
        )
    return rows


class ListRow(NamedTuple):
    """A request in the inbox's short lists (waiting for the citizen, recently closed)."""

    pk: int
    tracking_code: str
    code: str  # grouped, Persian digits
    url: str
    service: str
    status: str
    status_label: str


def waiting_for_citizen(user: object, limit: int = 50) -> list[ListRow]:
    """The oldest requests of the viewer's agency waiting for the citizen (asked for more)."""
    agency_id = access.submissions_agency_for(user)
    return (
        [] if agency_id is None else _list_rows(_WAITING_FOR_CITIZEN.rows(agency_id, shape=limit))
    )


def recently_closed(user: object, limit: int = 20) -> list[ListRow]:
    """The viewer's agency's requests completed or rejected last, newest first."""
    agency_id = access.submissions_agency_for(user)
    return [] if agency_id is None else _list_rows(_RECENTLY_CLOSED.rows(agency_id, shape=limit))


_LIST_ROW_COLUMNS = ("pk", "tracking_code", "service__title", "status")


def _waiting_for_citizen_query(agency_id: int, limit: int) -> QuerySet[Submission, Any]:
    return (
        Submission.objects.filter(constant_in("status", [Status.NEEDS_INFO]), agency_id=agency_id)
        .order_by("submitted_at")
        .values_list(*_LIST_ROW_COLUMNS)[:limit]
    )


def _recently_closed_query(agency_id: int, limit: int) -> QuerySet[Submission, Any]:
    # closed_at is set exactly when a request is completed or rejected; filtering on it (not on
    # the two statuses) lets the partial index serve the newest first without a sort.
    return (
        Submission.objects.filter(agency_id=agency_id, closed_at__isnull=False)
        .order_by("-closed_at")
        .values_list(*_LIST_ROW_COLUMNS)[:limit]
    )


# The agency comes from the access policy (access.submissions_agency_for, the agency of
# submissions_visible_to); the limit is the shape (a LIMIT is written into the SQL, not sent
# as a parameter).
_WAITING_FOR_CITIZEN = CompiledQuery(_waiting_for_citizen_query, (int,))
_RECENTLY_CLOSED = CompiledQuery(_recently_closed_query, (int,))


def _list_rows(found: Iterable[Sequence[Any]]) -> list[ListRow]:
    url = _staff_request_prefix()
    labels = _status_labels_in(get_language())
    return [
        ListRow(
            pk=pk,
            tracking_code=code,
            code=to_persian_digits(tracking.format_code(code)),
            url=f"{url}{code}/",
            service=service,
            status=status,
            status_label=labels.get(status, status),
        )
        for pk, code, service, status in found
    ]


def _staff_request_prefix() -> str:
    """``/requests/staff/`` (under the script prefix): a row's page is this plus its code."""
    return _staff_request_prefix_at(get_script_prefix())


@functools.cache
def _staff_request_prefix_at(script_prefix: str) -> str:
    # Resolved once per process and script prefix: the inbox asked three times a page.
    return reverse("submissions:staff_request", args=["0"])[: -len("0/")]


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _staff_request_prefix_at.cache_clear()


def get_submission_for_staff(user: object, tracking_code: str) -> Submission:
    """The request if `user` is staff of its agency; 404 otherwise, so that its existence leaks
    nothing to other agencies."""
    submission = (
        Submission.objects.select_related(
            "service",
            "agency",
            "applicant",
            "current_step",
            "department",
            "assigned_to",
            "filed_by",
        )
        .filter(access.submissions_visible_to(user), tracking_code=tracking_code)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def get_submission_for_key(key: object, tracking_code: str) -> Submission:
    """A request of the agency whose API key asks (desk/api); 404 for any other agency's."""
    submission = (
        Submission.objects.select_related("service", "agency", "current_step")
        .filter(access.key_rows(key), tracking_code=tracking_code)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def get_submission_for_applicant(user: User, tracking_code: str) -> Submission:
    submission = (
        Submission.objects.select_related("service", "agency", "current_step")
        .filter(tracking_code=tracking_code, applicant_id=user.pk)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def submission_by_key(user: User, idempotency_key: str) -> Submission | None:
    """The applicant's request filed with this form key, if it has been filed already."""
    return (
        Submission.objects.filter(applicant_id=user.pk, idempotency_key=idempotency_key)
        .only("tracking_code")
        .first()
    )


def submissions_of_applicant(user: User) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(applicant_id=user.pk)
        .select_related("service", "agency")
        .order_by("-submitted_at")
    )


# PostgreSQL: the request's public timeline comes with the request's query, as a JSON array of
# [kind, label, message, created_at, status_after] oldest first (``public_events`` reads it):
# one statement instead of two (a second execute through Django's cursor wrapper and psycopg
# cost more than decoding the few events). SQLite (3.40) has no ORDER BY inside an aggregate:
# there the timeline stays its own query.
_PG_TIMELINE = (
    "SELECT json_agg(json_build_array(e.kind, e.label, e.message, e.created_at, e.status_after)"
    " ORDER BY e.created_at, e.id)::text"
    f' FROM "{TimelineEvent._meta.db_table}" e'
    f' WHERE e.submission_id = "{Submission._meta.db_table}"."id" AND e.is_public'
)


# PostgreSQL: for an open request, its workflow version's ways out along with the request
# (``progress.steps_ahead`` reads them: [source, target, target's citizen label], in the
# actions' order, the side branches left out as ``progress._main_exits`` leaves them), rather
# than a second round trip to the cache for the version's map (and a query to fill it).
# "workflow_step" is the request's current step, joined by the query (select_related).
_PG_MAIN_EXITS = (
    f'CASE WHEN "{Submission._meta.db_table}"."status" IN'
    f" ({', '.join(repr(str(s)) for s in OPEN_STATUSES)}) THEN ("
    "SELECT json_agg(json_build_array(a.source_id, a.target_id, t.citizen_label)"
    ' ORDER BY a."order", a.id)::text'
    f' FROM "{Action._meta.db_table}" a'
    f' JOIN "{Step._meta.db_table}" s ON s.id = a.source_id'
    f' JOIN "{Step._meta.db_table}" t ON t.id = a.target_id'
    f' WHERE s.version_id = "{Step._meta.db_table}"."version_id"'
    f" AND t.kind NOT IN ({', '.join(repr(str(k)) for k in SIDE_KINDS)})) END"
)


# PostgreSQL: the request's result files counted and the first one's columns in one look at
# its attachments ([count, public_id, content_type, size], NULL when it has none; the count is
# taken before the LIMIT), where four subqueries looked four times.
_PG_RESULTS = (
    "SELECT json_build_array(count(*) OVER (), a.public_id, a.content_type, a.size)::text"
    f' FROM "{Attachment._meta.db_table}" a'
    f' WHERE a.submission_id = "{Submission._meta.db_table}"."id"'
    f" AND a.kind = '{AttachmentKind.RESULT.value}'"
    " ORDER BY a.uploaded_at, a.id LIMIT 1"
)


def _issued_documents() -> Any:
    """The issued documents' model (``Submission.issued_documents``), by the relation."""
    return Submission._meta.get_field("issued_documents").related_model


def _track_query(code: str, national_code: str) -> QuerySet[Submission]:
    # The busiest public page: only the columns it shows (a service card's text is long), and
    # whether there is anything to download, so that a request without results or issued
    # documents costs no query for either; and a completed request's result file, as in life
    # it has one (more than one: the list is asked, ``result_files``).
    results = Attachment.objects.filter(submission=OuterRef("pk"), kind=AttachmentKind.RESULT)
    first = results.order_by("uploaded_at", "pk")
    brought: dict[str, Any] = (
        {
            "result_first": RawSQL(_PG_RESULTS, (), output_field=TextField()),
            "public_timeline": RawSQL(_PG_TIMELINE, (), output_field=TextField()),
            "main_exits": RawSQL(_PG_MAIN_EXITS, (), output_field=TextField()),
        }
        if connection.vendor == "postgresql"
        else {
            "result_count": Coalesce(
                Subquery(
                    results.order_by().values("submission").annotate(n=Count("pk")).values("n")
                ),
                0,
            ),
            "result_public_id": Subquery(first.values("public_id")[:1]),
            "result_content_type": Subquery(first.values("content_type")[:1]),
            "result_size": Subquery(first.values("size")[:1]),
        }
    )
    return (
        Submission.objects.select_related("service", "agency", "current_step")
        .only(*TRACK_COLUMNS)
        .annotate(
            # By the relation's name (the delivery app sits above this one): its rows looked
            # up by their request, not joined to the request's table again.
            has_documents=Exists(
                _issued_documents()._default_manager.filter(submission=OuterRef("pk"))
            ),
            **brought,
        )
        .filter(tracking_code=code, applicant_national_code=national_code)
        .order_by()[:1]  # the code is unique: no ordering, no second row
    )


_TRACK = CompiledQuery(_track_query, (str, str))


def submission_track(*, code: str, national_code: str) -> Submission | None:
    """Public lookup: the code and the applicant's national code must both match. The request
    carries ``result_count`` with the first result file's ``result_*`` columns and
    ``has_documents`` (anything to download)."""
    if not (len(code) == tracking.LENGTH and code.isascii() and code.isdigit()):
        code = tracking.normalize(code)  # as typed (most codes come as stored: no need)
    if not tracking.is_valid(code):
        return None
    found = _TRACK.first(code, national_code)
    first: str | bool | None = getattr(found, "result_first", False)
    if first is not False:  # PostgreSQL: the result files in one column (_PG_RESULTS)
        assert first is None or isinstance(first, str)
        count, public_id, content_type, size = json.loads(first) if first else (0, "", "", 0)
        found.result_count = count  # type: ignore[union-attr]
        found.result_public_id = uuid.UUID(public_id) if public_id else None  # type: ignore[union-attr]
        found.result_content_type = content_type  # type: ignore[union-attr]
        found.result_size = size  # type: ignore[union-attr]
    return found


def downloads_of(submission: Submission) -> tuple[bool, bool]:
    """Whether a request found by ``submission_track`` has result files, issued documents."""
    return (
        getattr(submission, "result_count", 1) > 0,
        bool(getattr(submission, "has_documents", True)),
    )


def get_attachment_for_user(user: object, public_id: uuid.UUID, *, proof: str = "") -> Attachment:
    """An attachment for whoever may see it (``access.can_view_attachment``), or a result file
    for the bearer of the lookup's download ``proof`` (``proofs``); 404 for anyone else, so
    that its existence leaks nothing. A link's refused proof raises ``proofs.ProofRefused``."""
    attachment = Attachment.objects.select_related("submission").filter(public_id=public_id).first()
    if attachment is not None and access.can_view_attachment(user, attachment):
        return attachment
    if proof:  # only a result file opens to the bearer (access.can_view_attachment)
        return proofs.bearer_opens(
            proof, attachment, lambda a, ids: access.can_view_attachment(user, a, tracked_ids=ids)
        )
    raise Http404


class ResultFile(NamedTuple):
    """A result file as the lookup lists it (its download link, kind and size)."""

    public_id: uuid.UUID
    content_type: str
    size: int


def _result_files_query(submission_id: int) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        submission_id=submission_id, kind=AttachmentKind.RESULT
    ).values_list("public_id", "content_type", "size")  # type: ignore[return-value]


_RESULT_FILES = CompiledQuery(_result_files_query, (int,))


def result_files(submission: Submission) -> list[ResultFile]:
    """The files the agency attached as the result of a request, in the order attached. A
    request found by ``submission_track`` with one result file (most completed requests)
    brought it along: no query."""
    if getattr(submission, "result_count", None) == 1:
        brought = (submission.result_public_id, submission.result_content_type)  # type: ignore[attr-defined]
        return [ResultFile(*brought, submission.result_size)]  # type: ignore[attr-defined]
    return [ResultFile(*row) for row in _RESULT_FILES.rows(submission.pk)]


class PublicEvent(NamedTuple):
    """A timeline event as the citizen reads it (the lookup, «my request», the API's tracking);
    a tuple, not a model instance: they show a few columns of a few rows."""

    kind: str
    label: str
    message: str
    created_at: datetime
    is_public: bool
    status_after: str


def _public_events_query(submission_id: int) -> QuerySet[TimelineEvent]:
    return TimelineEvent.objects.filter(submission_id=submission_id, is_public=True).values_list(
        *PublicEvent._fields
    )


_PUBLIC_EVENTS = CompiledQuery(_public_events_query, (int,))


def public_events(submission: Submission) -> list[PublicEvent]:
    """The events of the request meant for the citizen, oldest first, as tuples. A request
    found by ``submission_track`` on PostgreSQL brought them along (``public_timeline``): no
    query."""
    brought: str | bool | None = getattr(submission, "public_timeline", False)
    if brought is not False:
        assert brought is None or isinstance(brought, str)
        return [
            PublicEvent(kind, label, message, datetime.fromisoformat(at), True, status_after)
            for kind, label, message, at, status_after in (json.loads(brought) if brought else ())
        ]
    return [PublicEvent(*row) for row in _PUBLIC_EVENTS.rows(submission.pk)]


@overload
def timeline_for(
    submission: Submission, *, public_only: Literal[True] = True
) -> list[PublicEvent]: ...
@overload
def timeline_for(submission: Submission, *, public_only: Literal[False]) -> list[TimelineEvent]: ...
@overload
def timeline_for(
    submission: Submission, *, public_only: bool
) -> list[PublicEvent] | list[TimelineEvent]: ...
def timeline_for(
    submission: Submission, *, public_only: bool = True
) -> list[PublicEvent] | list[TimelineEvent]:
    """The request's events; citizens see only those meant for them (and not who acted), as
    ``public_events`` tuples; staff every event with its actor and step."""
    if public_only:
        return public_events(submission)
    return list(submission.events.select_related("actor", "step"))


def decision_note(events: Sequence[PublicEvent | TimelineEvent]) -> str:
    """What staff wrote to the citizen with the decision (the last closing event's message),
    shown beside the result or the rejection rather than at the bottom of the timeline."""
    closing = [e for e in events if e.kind in (EventKind.COMPLETED, EventKind.REJECTED)]
    return closing[-1].message if closing else ""


def answers_for_display(submission: Submission) -> list[tuple[str, object]]:
    """The form answers as (label, value) for people: Jalali dates, yes/no, attachments."""
    attachments = {str(a.public_id): a for a in submission.attachments.all()}
    rows: list[tuple[str, object]] = []
    for field in submission.service.form_fields.all():
        value = submission.data.get(field.name)
        if value in (None, ""):
            continue
        shown = (
            attachments.get(value) if field.kind == FieldKind.FILE else answer_text(field, value)
        )
        rows.append((field.label, shown))
    return rows


def answer_text(field: FormField, value: object) -> str:
    """One stored answer as a person reads it: a Jalali date, «بله»/«خیر», a mobile as 09…"""
    if field.kind == FieldKind.DATE:
        return format_date(date.fromisoformat(str(value)))
    if field.kind == FieldKind.YES_NO:
        return "بله" if value == "yes" else "خیر"
    if field.kind == FieldKind.MOBILE:
        return display_mobile(str(value))
    return str(value)


def submissions_of_citizen_for_staff(user: object, national_code: str) -> list[Submission]:
    """A citizen's requests that ``user`` may open (their own agency's only), newest first,
    with their issued documents: the desk's look-up by national code (desk/frontdesk)."""
    return list(
        Submission.objects.filter(
            access.submissions_visible_to(user), applicant_national_code=national_code
        )
        .select_related("service", "current_step")
        .prefetch_related("issued_documents")
        .order_by("-submitted_at")[:50]
    )


def counts_by_channel(agency_id: int, *, since: date | None = None) -> dict[str, int]:
    """How an agency's requests came in (web, desk, phone, api), for oversight reports: every
    channel listed, zero included."""
    rows = Submission.objects.filter(agency_id=agency_id)
    if since is not None:
        rows = rows.filter(submitted_at__date__gte=since)
    counted = dict(rows.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    return {channel: counted.get(channel, 0) for channel in Channel.values}
