"""The database refuses to change adapter-call rows: UPDATE on SQLite and PostgreSQL, DELETE too
on PostgreSQL (as for the audit log: SQLite's test flush deletes rows, PostgreSQL truncates)."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION registries_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'adapter call log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registries_adaptercall_append_only
    BEFORE UPDATE OR DELETE ON registries_adaptercall
    FOR EACH ROW EXECUTE FUNCTION registries_refuse_change()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS registries_adaptercall_append_only ON registries_adaptercall",
    "DROP FUNCTION IF EXISTS registries_refuse_change()",
]
SQLITE_UP = [
    """CREATE TRIGGER registries_adaptercall_append_only BEFORE UPDATE ON registries_adaptercall
    BEGIN
        SELECT RAISE(ABORT, 'adapter call log is append-only: UPDATE refused');
    END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS registries_adaptercall_append_only"]


def _run(schema_editor: BaseDatabaseSchemaEditor, postgres: list[str], sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": postgres, "sqlite": sqlite}.get(vendor, []):
        schema_editor.execute(statement, params=None)


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, POSTGRES_UP, SQLITE_UP)


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("registries", "0001_adapter_call_log")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
