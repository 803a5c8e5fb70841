"""A word index for the catalog search (issue 19): the search tested every word against every
published service's search key (``instr``/``strpos``), which grew with the catalog.

SQLite: an FTS5 table with the ``trigram`` tokenizer over ``catalog_service.search_text``
(external content: the text stays in catalog_service, the index keeps only trigrams), kept in
step by triggers, so that every path that writes the key (``Service.save``, ``bulk_create`` in
desk/benchdata, raw updates) updates it. ``case_sensitive 1``: both sides are casefolded search
keys already (desk/lib/persian.search_key), the match is then the exact substring test of
``instr``. Words of fewer than 3 characters have no trigram: desk/catalog/selectors.py tests
those with ``instr``.

A later migration that makes SQLite rebuild catalog_service (an AlterField, a RemoveField…:
Django copies the table and drops the old one) drops these triggers with it: run
``create_sqlite`` below again after it (the catalog search tests fail otherwise).

PostgreSQL: a ``pg_trgm`` GIN index on the search key, which serves ``LIKE '%…%'``
(selectors.py sends LIKE there, not ``strpos``, which no index serves). ``CREATE EXTENSION``
needs a role allowed to create it (pg_trgm is a trusted extension: the database's owner may);
README.md, «Deployment». Reversing drops the index, not the extension.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE_UP = [
    """CREATE VIRTUAL TABLE catalog_service_fts USING fts5(
        search_text, content='catalog_service', content_rowid='id',
        tokenize='trigram case_sensitive 1'
    )""",
    """CREATE TRIGGER catalog_service_fts_insert AFTER INSERT ON catalog_service BEGIN
        INSERT INTO catalog_service_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER catalog_service_fts_delete AFTER DELETE ON catalog_service BEGIN
        INSERT INTO catalog_service_fts(catalog_service_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER catalog_service_fts_update AFTER UPDATE OF id, search_text
    ON catalog_service BEGIN
        INSERT INTO catalog_service_fts(catalog_service_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO catalog_service_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    # The services already there.
    "INSERT INTO catalog_service_fts(catalog_service_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS catalog_service_fts_update",
    "DROP TRIGGER IF EXISTS catalog_service_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_service_fts_insert",
    "DROP TABLE IF EXISTS catalog_service_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS catalog_service_search_trgm
    ON catalog_service USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)""",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS catalog_service_search_trgm"]


def _run(schema_editor: BaseDatabaseSchemaEditor, postgres: list[str], sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": postgres, "sqlite": sqlite}.get(vendor, []):
        schema_editor.execute(statement, params=None)


def create_sqlite(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The FTS table and its triggers (again, after a migration that rebuilt the table)."""
    _run(schema_editor, [], SQLITE_DOWN + SQLITE_UP)


def create_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, POSTGRES_UP, SQLITE_UP)


def drop_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_unpaid_expiry_and_deceased_rule")]

    operations = [migrations.RunPython(create_index, drop_index)]
