"""The database itself refuses to change audit entries: UPDATE on both SQLite and PostgreSQL,
DELETE too on PostgreSQL (SQLite's test flush deletes rows, PostgreSQL's truncates them)."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_chain_keep BEFORE DELETE ON audit_auditchain
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_chain_keep ON audit_auditchain",
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]
SQLITE_UP = [
    """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_auditentry
    BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only: UPDATE on audit_auditentry refused');
    END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_entry_append_only"]


def _run(schema_editor: BaseDatabaseSchemaEditor, postgres: list[str], sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": postgres, "sqlite": sqlite}.get(vendor, []):
        schema_editor.execute(statement, params=None)


def create_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, POSTGRES_UP, SQLITE_UP)


def drop_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_log")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
