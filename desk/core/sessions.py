# mypy: disable-error-code="attr-defined"
# (django-stubs do not declare the private attributes of Django's session stores used here.)
"""Sessions kept in the database and read through Redis, surviving a Redis outage.

Django's ``cached_db`` store writes every session to the database and reads it from the cache
first, so a Redis restart loses nothing. Its cache calls are not all guarded, though (filling
the cache after a miss, ``exists``, ``delete``): a Redis error there was a 500. Here every cache
call falls back to the database, with three deliberate choices:

- A copy in Redis lives at most ``SESSION_CACHE_SECONDS`` (5 minutes by default). A write that
  failed to reach Redis during an outage can leave an older copy there; it is served for at most
  that long once Redis is back.
- Signing out (``flush``) fails closed: the copy in Redis is deleted first, and if Redis cannot
  be reached the error stands (the 503 page asks to try again), so a session never outlives its
  sign-out in the cache.
- Rotating the key at sign-in deletes the old anonymous session softly: an old copy of it in
  Redis is harmless (nobody holds its cookie any more).

Both stores (this one, and ``DatabaseStore`` for ``SESSION_BACKEND=db``:
desk/core/sessions_db.py) read and write the session's row with two statements written once
(the SELECT compiled once by desk/core/compiled.py, the UPDATE written here), not through the
ORM: a session is read on every signed-in request and written on most posts, and the ORM
compiled the same SELECT and UPDATE each time, the UPDATE inside a transaction of its own
(``atomic``: on SQLite a ``BEGIN IMMEDIATE`` and a commit around one statement, which is
atomic by itself). Same rows, same expiry check, same errors (an UPDATE that finds no row is
Django's ``UpdateError``: the session was ended meanwhile).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DjangoDBStore
from django.db import connections, router
from django.db.models import QuerySet
from django.utils import timezone

from desk.core.compiled import CompiledQuery
from desk.core.outage import warn_degraded

logger = logging.getLogger(__name__)


class _Row(NamedTuple):
    """What the stores read of a session's row (a Session instance for Django's)."""

    session_data: str
    expire_date: datetime


def _session_row(key: str, now: datetime) -> QuerySet[Any, Any]:
    from django.contrib.sessions.models import Session  # the app is loaded by then

    return Session.objects.filter(session_key=key, expire_date__gt=now).values_list(
        "session_data", "expire_date"
    )


# Django's SELECT of a live session, compiled once (desk/core/compiled.py).
_SESSION = CompiledQuery(_session_row, (str, datetime))


class DatabaseStore(DjangoDBStore):
    """Django's database store with its two busy statements written once (module docstring).
    Creating, deleting and ``exists`` stay Django's."""

    # Signed as Django's stores sign (their class is named SessionStore): the sessions already
    # in the database stay readable, and readable by Django's own store again.
    key_salt = "django.contrib.sessions.SessionStore"

    def _get_session_from_db(self) -> _Row | None:
        found = _SESSION.rows(self.session_key or "", timezone.now())
        if not found:
            self._session_key = None
            return None
        data, expire_date = found[0]
        return _Row(data, expire_date)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or must_create:
            super().save(must_create)  # a new row: Django's INSERT (and its CreateError)
            return
        model = self.model
        connection = connections[router.db_for_write(model)]
        quote = connection.ops.quote_name
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {quote('session_data')} = %s, "
            f"{quote('expire_date')} = %s WHERE {quote('session_key')} = %s"
        )
        data = self.encode(self._get_session())
        expire_date = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
        with connection.cursor() as cursor:
            cursor.execute(sql, [data, expire_date, self.session_key])
            updated = cursor.rowcount
        if updated != 1:
            raise UpdateError  # as Django's forced update that found no row


class SessionStore(CachedDBStore, DatabaseStore):
    def _cache_seconds(self, expiry_age: int) -> int:
        return max(1, min(expiry_age, getattr(settings, "SESSION_CACHE_SECONDS", 300)))

    def _cache_set(self, data: dict[str, Any], expiry_age: int) -> None:
        try:
            self._cache.set(self.cache_key, data, self._cache_seconds(expiry_age))
        except Exception:  # the cache is a copy: the database holds the session
            warn_degraded(
                logger, "session cache unavailable; the session is read from the database"
            )

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            data = None
        if data is not None:
            loaded: dict[str, Any] = data
            return loaded
        row = self._get_session_from_db()
        if row is None:
            return {}
        decoded: dict[str, Any] = self.decode(row.session_data)
        self._cache_set(decoded, self.get_expiry_age(expiry=row.expire_date))
        return decoded

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            pass
        return bool(super(CachedDBStore, self).exists(session_key))

    def save(self, must_create: bool = False) -> None:
        super(CachedDBStore, self).save(must_create)
        self._cache_set(self._session, self.get_expiry_age())

    def delete(self, session_key: str | None = None) -> None:
        super(CachedDBStore, self).delete(session_key)
        key = session_key or self.session_key
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            warn_degraded(logger, "session cache unavailable; an old copy expires by itself")

    def flush(self) -> None:
        """Sign-out: the cached copy goes first, or nothing does (see the module docstring)."""
        if self.session_key is not None:
            self._cache.delete(self.cache_key_prefix + self.session_key)
        super().flush()
