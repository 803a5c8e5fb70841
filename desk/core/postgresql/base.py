"""Django's PostgreSQL backend, with a health check that sends no query.

With `CONN_HEALTH_CHECKS`, Django checks a kept connection at the start of every request by
sending `SELECT 1`: a round trip and a statement for the database server on every request.
A connection that the server closed (a restart, an idle timeout, a terminated backend) has
something to read on its socket while idle: the server's FATAL message or the end of the
stream. So the check here asks the socket, without waiting: readable while idle, or closed or
broken, and the connection is replaced before the request uses it — the same guarantee for the
cases `SELECT 1` catches, for one system call.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _w, _x = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
