"""Fast inserts for the generator: rows go to the database without the ORM's per-value
compilation (bulk_create spends most of its time there), by COPY on PostgreSQL and executemany
on SQLite. Values are converted the way Django stores them, field type by field type.

Primary keys are assigned here, so that child rows can point at parents without a round trip;
`reset_sequences` moves the databases' counters past them at the end.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

_next_pk: dict[type[models.Model], int] = {}


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    kind = field.get_internal_type()
    sqlite = connection.vendor == "sqlite"
    if kind == "JSONField":
        return lambda v: json.dumps(v, ensure_ascii=False)
    if sqlite and kind == "DateTimeField":
        return lambda v: None if v is None else str(v.astimezone(datetime.UTC).replace(tzinfo=None))
    if sqlite and kind == "UUIDField":
        return lambda v: None if v is None else uuid.UUID(str(v)).hex
    if sqlite and kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    return lambda v: v


def _reserve(model: type[models.Model], count: int) -> int:
    """The first of `count` primary keys taken for `model`'s next rows."""
    if model not in _next_pk:
        last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        _next_pk[model] = (last or 0) + 1
    first = _next_pk[model]
    _next_pk[model] += count
    return first


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert `objs` (unsaved instances of `model`) and give each its primary key."""
    if not objs:
        return
    first = _reserve(model, len(objs))
    for offset, obj in enumerate(objs):
        obj.pk = first + offset
    fields = list(model._meta.concrete_fields)
    convert = [_converter(f) for f in fields]
    insert_rows(
        model,
        (
            tuple(c(getattr(obj, f.attname)) for f, c in zip(fields, convert, strict=True))
            for obj in objs
        ),
    )


class RowMaker:
    """Rows of `model` that differ from `template` (an unsaved instance with the values shared
    by every row) only in the fields `varying` (attnames): built as tuples, without a model
    instance per row, for millions of rows (the peer's tickets). Call it with the varying
    values in that order; the primary key is drawn as by `insert`, and returned with the row."""

    def __init__(
        self, model: type[models.Model], template: models.Model, varying: Sequence[str]
    ) -> None:
        self.model = model
        fields = list(model._meta.concrete_fields)
        self.base = [_converter(f)(getattr(template, f.attname)) for f in fields]
        by_name = {f.attname: i for i, f in enumerate(fields)}
        self.slots = [(by_name[name], _converter(fields[by_name[name]])) for name in varying]
        self.pk_slot = by_name[model._meta.pk.attname]

    def __call__(self, *values: Any) -> tuple[int, tuple[Any, ...]]:
        row = self.base.copy()
        for (slot, convert), value in zip(self.slots, values, strict=True):
            row[slot] = convert(value)
        pk = row[self.pk_slot] = _reserve(self.model, 1)
        return pk, tuple(row)


def insert_rows(model: type[models.Model], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert rows of `model` given as tuples of stored values in its concrete fields' order
    (primary key included)."""
    fields = list(model._meta.concrete_fields)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))


def reset_sequences(models_used: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_used))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    _next_pk.clear()
