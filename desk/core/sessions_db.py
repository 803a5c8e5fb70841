"""``SESSION_BACKEND=db``: sessions in the database alone, read and written by the statements
of desk/core/sessions.py (``DatabaseStore``)."""

from desk.core.sessions import DatabaseStore as SessionStore

__all__ = ["SessionStore"]
