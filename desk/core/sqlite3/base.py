"""Django's SQLite backend, with each statement's placeholders converted once.

Django's SQLite cursor turns the ``%s`` placeholders of a statement into SQLite's ``?`` with a
regular expression (a look-behind tried at every character) on every execution: 48 µs for the
tracking lookup's statement of 2,200 characters, more than SQLite takes to answer it. A
process sends the same few statements again and again (compiled queries above all), so the
converted text is kept per statement, for statements of ordinary length (a bulk insert's is
long and seldom the same twice).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.backends.sqlite3 import base

_LONGEST_KEPT = 8192  # characters


def _convert(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


_converted = functools.lru_cache(maxsize=512)(_convert)


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is not None:  # "pyformat" style: as Django does
            converted: str = super().convert_query(query, param_names=param_names)
            return converted
        return _converted(query) if len(query) <= _LONGEST_KEPT else _convert(query)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: str | None = None) -> SQLiteCursorWrapper:
        return self.connection.cursor(factory=SQLiteCursorWrapper)
