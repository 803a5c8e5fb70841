"""The SQLite backend that converts each statement's placeholders once (desk/core/sqlite3)."""

from __future__ import annotations

from unittest import skipUnless

from django.db import connection, connections
from django.test import TestCase

from desk.core.sqlite3 import base


@skipUnless(connection.vendor == "sqlite", "the SQLite backend")
class SQLiteBackendTests(TestCase):
    def test_it_is_the_backend_in_use(self) -> None:
        self.assertIsInstance(connections["default"], base.DatabaseWrapper)

    def test_it_answers_as_django_does_with_placeholders_and_percent_signs(self) -> None:
        sql = "SELECT %s, '100%%', %s || '%%s'"
        with connection.cursor() as cursor:
            for _ in range(2):  # converted, then kept
                cursor.execute(sql, [1, "a"])
                self.assertEqual(cursor.fetchone(), (1, "100%", "a%s"))
        self.assertEqual(base._converted(sql), "SELECT ?, '100%', ? || '%s'")

    def test_it_converts_a_statement_once(self) -> None:
        sql = "SELECT %s + 0 AS once"
        base._converted.cache_clear()
        with connection.cursor() as cursor:
            for n in range(3):
                cursor.execute(sql, [n])
        info = base._converted.cache_info()
        self.assertEqual((info.misses, info.hits), (1, 2))

    def test_it_keeps_no_long_statement(self) -> None:
        sql = "SELECT %s -- " + "x" * 9000
        base._converted.cache_clear()
        with connection.cursor() as cursor:
            cursor.execute(sql, [7])
            self.assertEqual(cursor.fetchone()[0], 7)
        self.assertEqual(base._converted.cache_info().currsize, 0)

    def test_it_takes_named_parameters_as_django_does(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT %(a)s, %(b)s", {"a": 1, "b": 2})
            self.assertEqual(cursor.fetchone(), (1, 2))
