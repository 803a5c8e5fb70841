from __future__ import annotations


class ApplicationError(Exception):
    """The one error type that services raise for a refused action; `message` is Persian."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
