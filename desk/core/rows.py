"""A new row written as ``Model.save()`` writes it, without the ORM's compiler.

Saving a new instance compiles its INSERT again every time: the fields' columns, the
placeholders, the RETURNING clause. On «send» (desk/submissions/services.py) that was a fifth
of the request's instructions for three rows. ``row_insert`` writes the same statement from
the model's fields: each value through the field's own ``pre_save`` (defaults, ``auto_now``,
a file stored) and ``get_db_prep_save``, the id read back by ``RETURNING`` (or the last
insert id), the instance then marked saved. It is only the fast way for a plain model: one
table, an auto-incremented id, Django's own ``save``, and nothing listening to its
``pre_save``/``post_save`` signals; any other model is saved by ``save(force_insert=True)``.
Statements still go through the cursor wrapper (counted by ``assertNumQueries``).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router, transaction
from django.db.models import AutoField, Model
from django.db.models.signals import post_save, pre_save

_SAVE, _SAVE_BASE = Model.save, Model.save_base


def row_insert(obj: Model) -> None:
    """INSERT the new instance `obj` and set its id, as ``obj.save(force_insert=True)``."""
    model = type(obj)
    meta = model._meta
    if (
        model.save is not _SAVE
        or model.save_base is not _SAVE_BASE
        or meta.parents
        or not isinstance(meta.pk, AutoField)
        or obj.pk is not None
        or meta.db_returning_fields != [meta.pk]
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
    ):
        obj.save(force_insert=True)
        return
    insert_row(obj, router.db_for_write(model, instance=obj))


def insert_row(obj: Model, using: str) -> None:
    """The INSERT itself, for a caller that vouches for the model: no eligibility check (a
    model whose own ``save`` only refuses changes, as the audit entry's: desk/audit)."""
    meta = type(obj)._meta
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    connection = connections[using]
    quote = connection.ops.quote_name
    fields: list[Any] = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    values: list[Any] = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    columns = ", ".join(quote(f.column) for f in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    )
    returning = connection.features.can_return_columns_from_insert
    if returning:
        suffix, _params = connection.ops.return_insert_columns([meta.pk])  # type: ignore[attr-defined]
        sql = f"{sql} {suffix}"
    ops: Any = connection.ops
    with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returning:
            pk = cursor.fetchone()[0]
        else:
            pk = ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    setattr(obj, meta.pk.attname, pk)
    obj._state.db = using
    obj._state.adding = False
