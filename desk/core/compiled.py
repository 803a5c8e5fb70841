"""Queries compiled once per process, for the busiest public pages.

The ORM turns a queryset into SQL on every evaluation: resolving the filters, the joins of
``select_related``, the columns of ``only``, the ordering. On a page that sends two small
queries that costs more than the queries themselves (issue 19: half of the tracking lookup's
instructions were the ORM compiling the same two statements again). A ``CompiledQuery``
builds its queryset once per database connection with placeholder arguments, keeps the SQL,
the positions of its arguments and what the ORM needs to build model instances (converters,
the columns of each model, ``select_related`` populators), and then only executes it. The
same SQL text every time also lets PostgreSQL's prepared statements (``DB_PREPARED_STATEMENTS``)
reuse their plans.

Arguments are the values of exact and comparison filters (``tracking_code=...``,
``pk__gt=...``; ``str``, ``int``, ``datetime.date`` or an aware ``datetime.datetime``), or of
``contains``, ``icontains``, ``startswith``, ``endswith`` filters (escaped for ``LIKE`` as the
ORM does).
A query whose shape depends on its arguments (the number of words of a search) is compiled
per shape: ``CompiledQuery`` takes a ``shape`` key beside the arguments.

Queries are counted by ``assertNumQueries``, logged with ``DEBUG`` and wrapped by
``execute_wrapper`` as any other, through Django's cursor wrapper; one kept for the connection
while nothing logs its queries, not a new one for each (``_fetch_rows``).
"""

from __future__ import annotations

import datetime
import inspect
import re
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, Model, Q, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.lookups import Lookup
from django.db.models.query import get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.dispatch import receiver

M = TypeVar("M", bound=Model)

# Placeholder arguments: never sent to a database, only found again in the compiled params.
_STR_MARK = "@@compiled-argument-{}@@"
_INT_MARK = -2_147_000_000  # within a 32-bit integer column
_DATE_MARK = datetime.date(1, 1, 1)  # no request, deadline or cursor is of the year 1
_DATETIME_MARK = datetime.datetime(1, 1, 3, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int, str | None], ...]  # (param position, argument, LIKE pattern)
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]
    init_list: tuple[str, ...]
    model_slice: slice
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]
    connection_id: int
    build: Callable[[Sequence[Any]], Any] | None  # the model's instance from its columns
    related: tuple[tuple[Any, Callable[[Sequence[Any]], Any] | None], ...]  # (populator, build)


class CompiledQuery(Generic[M]):
    """``build(*arguments)`` returns the queryset; ``kinds`` says each argument's type
    (``str``, ``int``, ``datetime.date`` or an aware ``datetime.datetime``: the placeholder
    must pass the field's own preparation)."""

    def __init__(
        self,
        build: Callable[..., QuerySet[M, Any]],
        kinds: Sequence[type],
        *,
        using: str = "",
        generic_plan: bool = False,
    ) -> None:
        self.build = build
        self.kinds = tuple(kinds)
        self.using = using or DEFAULT_DB_ALIAS
        # PostgreSQL with prepared statements: run under the statement's generic plan
        # (``_execute_generic``), for a statement whose custom plans cost more to make than
        # to run and that PostgreSQL would otherwise plan again on every execution.
        self.generic_plan = generic_plan
        self._plans = threading.local()
        _ALL.append(self)

    def _marks(self) -> list[Any]:
        return [
            _STR_MARK.format(i)
            if kind is str
            else _DATETIME_MARK + datetime.timedelta(seconds=i)
            if kind is datetime.datetime
            else _DATE_MARK + datetime.timedelta(days=i)
            if kind is datetime.date
            else _INT_MARK - i
            for i, kind in enumerate(self.kinds)
        ]

    def _adapt(self, connection: Any, argument: int, value: Any) -> Any:
        # A date or a moment reaches the parameters as the backend stores it (SQLite: text).
        kind = self.kinds[argument]
        if kind is datetime.date:
            return connection.ops.adapt_datefield_value(value)
        if kind is datetime.datetime:
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def _plan(self, shape: Hashable, connection: Any = None) -> _Plan:
        connection = connection or connections[self.using]
        plans: dict[Hashable, _Plan] = getattr(self._plans, "by_shape", None) or {}
        self._plans.by_shape = plans
        plan = plans.get(shape)
        if plan is not None and plan.connection_id == id(connection):
            return plan
        marks = self._marks()
        queryset = self.build(*marks, *(() if shape is None else (shape,)))
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        slots: list[tuple[int, int, str | None]] = []
        sent = [self._adapt(connection, i, mark) for i, mark in enumerate(marks)]
        for position, value in enumerate(params):
            for argument, mark in enumerate(marks):
                if value == mark or value == sent[argument]:
                    slots.append((position, argument, None))
                elif isinstance(value, str) and isinstance(mark, str) and mark in value:
                    slots.append((position, argument, value))
        found = {argument for _p, argument, _l in slots}
        if found != set(range(len(marks))):
            raise ValueError(f"{self.build}: not every argument is a parameter of the query")
        select, klass_info = compiler.select, compiler.klass_info
        if cast(Any, queryset)._fields is not None:
            klass_info = None  # values_list: the ORM still describes the model's columns
        columns = [s[0] for s in select[0 : compiler.col_count]]
        converters = compiler.get_converters(columns)
        # A ``values_list`` query builds no model: its rows are only converted (``rows``).
        fields = klass_info["select_fields"] if klass_info else [0, -1]
        populators = (
            tuple(get_related_populators(klass_info, select, self.using))  # type: ignore[call-arg]
            if klass_info
            else ()
        )
        init_list = tuple(f[0].target.attname for f in select[fields[0] : fields[-1] + 1])
        plan = _Plan(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            converters=tuple((pos, tuple(c), e) for pos, (c, e) in converters.items()),
            init_list=init_list,
            model_slice=slice(fields[0], fields[-1] + 1),
            populators=populators,
            annotations=tuple(compiler.annotation_col_map.items()),
            connection_id=id(connection),
            build=_builder(klass_info["model"], self.using, init_list) if klass_info else None,
            related=tuple(
                (p, _builder(p.model_cls, p.db, tuple(p.init_list)))
                if not p.reorder_for_init and not p.related_populators
                else (p, None)
                for p in populators
            ),
        )
        plans[shape] = plan
        if klass_info:
            self.model = klass_info["model"]
        return plan

    def _execute(
        self, plan: _Plan, arguments: Sequence[Any], connection: Any = None
    ) -> list[list[Any]]:
        """The query's rows for these arguments, each value converted as the ORM would."""
        connection = connection or connections[self.using]
        params = list(plan.params)
        for position, argument, pattern in plan.slots:
            value = self._adapt(connection, argument, arguments[argument])
            if pattern is not None:
                mark = _STR_MARK.format(argument)
                value = pattern.replace(mark, connection.ops.prep_for_like_query(value))
            params[position] = value
        raw_rows = _fetch_rows(connection, plan.sql, params, generic=self.generic_plan)
        rows: list[list[Any]] = []
        for raw in raw_rows:
            row = list(raw)
            for pos, convs, expression in plan.converters:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
            rows.append(row)
        return rows

    def rows(self, *arguments: Any, shape: Hashable = None) -> list[list[Any]]:
        """The converted rows of a ``values_list`` query (no model instances built: a page
        that only shows a few columns of a few rows need not pay for them)."""
        connection = connections[self.using]
        return self._execute(self._plan(shape, connection), arguments, connection)

    def fetch(self, *arguments: Any, shape: Hashable = None) -> list[M]:
        """The model instances the query returns for these arguments."""
        connection = connections[self.using]  # looked up once (an asgiref Local each time)
        plan = self._plan(shape, connection)
        objects: list[M] = []
        model, db, init_list = self.model, self.using, plan.init_list
        # Built as ``from_db`` builds them, without its per-row matching of the columns to
        # the model's fields and ``__init__``'s walk over every field (``_builder``), when
        # nothing listens to a model's initialisation.
        fast = not (pre_init.receivers or post_init.receivers)
        build = plan.build if fast else None
        for row in self._execute(plan, arguments, connection):
            values = row[plan.model_slice]
            obj = build(values) if build else model.from_db(db, init_list, values)
            for populator, build_related in plan.related:
                if fast and build_related is not None:
                    _populate(populator, build_related, row, obj)
                else:
                    populator.populate(row, obj)
            for name, pos in plan.annotations:
                setattr(obj, name, row[pos])
            objects.append(obj)
        return objects

    def first(self, *arguments: Any, shape: Hashable = None) -> M | None:
        found = self.fetch(*arguments, shape=shape)
        return found[0] if found else None


_ALL: list[CompiledQuery[Any]] = []

# PostgreSQL's setting for the generic plan, and back to the session's own (RESET: the role's
# or database's default, "auto" unless an operator set one).
_GENERIC = "SET plan_cache_mode = force_generic_plan"
_RESET = "RESET plan_cache_mode"


def prepares_statements(connection: Any) -> bool:
    """Whether ``connection`` prepares its statements on the server (PostgreSQL with
    DB_PREPARED_STATEMENTS): only then has a statement a plan cache, and a generic plan."""
    return (
        connection.vendor == "postgresql"
        and connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None
    )


def _fetch_rows(connection: Any, sql: str, params: list[Any], *, generic: bool) -> list[Any]:
    """The rows of ``sql``: on a new cursor while the connection's queries are logged
    (``DEBUG``, ``assertNumQueries``: Django's debug wrapper), else on the cursor kept for the
    connection (``_kept_cursor``), after what ``connection.cursor()`` does before handing one
    out: the health check, the connection, the thread check. Django's ``CursorWrapper`` does
    the rest as for any query (the broken-transaction check, ``execute_wrapper``s, errors)."""
    if connection.queries_logged:
        with connection.cursor() as cursor:
            _send(connection, cursor, sql, params, generic)
            return cast(list[Any], cursor.fetchall())
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = _kept_cursor(connection)
    _send(connection, cursor, sql, params, generic)
    return cast(list[Any], cursor.fetchall())


def _send(connection: Any, cursor: Any, sql: str, params: Sequence[Any], generic: bool) -> None:
    if generic and prepares_statements(connection):
        _execute_generic(connection, cursor, sql, params)
    else:
        cursor.execute(sql, params)


def _kept_cursor(connection: Any) -> Any:
    """Django's ``CursorWrapper`` around the backend's cursor (``create_cursor``: psycopg's,
    or SQLite's with Django's placeholders), shared by compiled queries on this connection
    until it is replaced: a new backend cursor and wrapper for every query (``connection.
    cursor()``) cost more than the lookup's statement on the client (issue 19: ≈ 60 µs of
    180 on PostgreSQL). Each execution fetches all its rows, so nothing is left open on it
    between queries."""
    raw = connection.connection
    kept: tuple[Any, Any] | None = getattr(connection, "_compiled_cursor", None)
    if kept is None or kept[0] is not raw:
        with connection.wrap_database_errors:
            kept = (raw, connection.make_cursor(connection.create_cursor()))
        connection._compiled_cursor = kept
    return kept[1]


def _execute_generic(connection: Any, cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """``sql`` executed under its prepared statement's generic plan, in one round trip.

    With ``plan_cache_mode = auto`` PostgreSQL plans a prepared statement for its parameters
    five times, then keeps the generic plan only if its estimated cost is no higher than
    theirs. For the staff inbox's statements it never is (the generic plan cannot know the
    agency's rows as the custom one does), so PostgreSQL planned them again on every
    execution: 2 ms of planning for 1 ms of execution at 1,000,000 requests
    (docs/benchmarks.md). Here the setting is changed for this statement only: ``SET``, the
    statement, ``RESET``, sent together in psycopg's pipeline mode and answered in one round
    trip. They run in one implicit transaction (or the caller's), so if the statement fails
    the ``SET`` is rolled back with it and the connection keeps its own setting. ``SET`` and
    ``RESET`` go on the psycopg connection, not through Django's cursor: they are counted as
    the one query they travel with."""
    raw = connection.connection
    with connection.wrap_database_errors, raw.pipeline():
        raw.execute(_GENERIC)
        cursor.execute(sql, params)
        raw.execute(_RESET)


_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)


def _builder(model: type[Model], db: str, init_list: tuple[str, ...]) -> Any:
    """What ``model.from_db(db, init_list, values)`` returns, built without ``__init__``: a
    bare instance, its state, its columns' values in its ``__dict__`` (where ``__init__``'s
    ``setattr`` puts them). Only for a model that keeps Django's ``__init__`` and ``from_db``
    and whose loaded columns are plain attributes (no descriptor that transforms a value set);
    else None (``from_db``). The caller checks that no ``pre_init``/``post_init`` receiver
    is connected."""
    if model.__init__ is not Model.__init__ or model.from_db.__func__ is not _FROM_DB:  # type: ignore[attr-defined]
        return None
    if any(
        type(inspect.getattr_static(model, name, None)) not in _PLAIN_ATTRIBUTES
        for name in init_list
    ):
        return None
    new, state_class = model.__new__, ModelState

    def build(values: Sequence[Any]) -> Any:
        obj = new(model)
        state = obj._state = state_class()
        state.adding = False
        state.db = db
        obj.__dict__.update(zip(init_list, values, strict=True))
        return obj

    return build


_FROM_DB = Model.from_db.__func__  # type: ignore[attr-defined]


def _populate(
    populator: Any, build: Callable[[Sequence[Any]], Any], row: Any, from_obj: Any
) -> None:
    # RelatedPopulator.populate for a populator without reordering or nested relations, with
    # the instance built by ``_builder``.
    values = row[populator.cols_start : populator.cols_end]
    obj = None if values[populator.pk_idx] is None else build(values)
    populator.local_setter(from_obj, obj)
    if obj is not None:
        populator.remote_setter(obj, from_obj)


_CONSTANT = re.compile(r"^[A-Za-z0-9_]+$")


def constant_in(field: str, values: Sequence[str]) -> Q:
    """``field IN ('a', 'b')`` with the values written into the SQL, not sent as parameters:
    for a filter on fixed choices (a status) that a partial index's condition names. A
    prepared statement's generic plan cannot use a partial index whose condition depends on a
    parameter, so PostgreSQL planned such a query again on every execution (its custom plan);
    with constants the generic plan uses the index and the statement is planned once per
    connection. Only plain identifiers (``[A-Za-z0-9_]``) are accepted."""
    for value in values:
        if not _CONSTANT.match(str(value)):
            raise ValueError(f"not a plain constant: {value!r}")
    return Q(_ConstantIn(F(field), tuple(str(value) for value in values)))


class _ConstantIn(Lookup):
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, params = self.process_lhs(compiler, connection)
        constants = ", ".join(f"'{value}'" for value in self.rhs)
        return f"{lhs} IN ({constants})", tuple(params)


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    if setting in ("DATABASES", "INSTALLED_APPS"):
        for query in _ALL:
            query._plans = threading.local()
    if setting in ("DATABASES", "TIME_ZONE", "USE_TZ"):
        # A kept cursor was made for the connection's time zone (``create_cursor``).
        for connection in connections.all(initialized_only=True):
            connection.__dict__.pop("_compiled_cursor", None)
