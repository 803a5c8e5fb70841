from __future__ import annotations


class ApplicationError(Exception):
    """The one error type that services raise for a refused action; `message` is Persian."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        retry_after: int | None = None,
        throttled: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # Seconds: an outside system (Shahkar, the bank) did not answer; the same call may
        # succeed later. The API answers 503 with Retry-After and keeps no idempotent replay.
        self.retry_after = retry_after
        # Seconds: one of the site's own limits (SMS codes per phone or address) was reached;
        # the API answers 429 with Retry-After, as for its own request rate.
        self.throttled = throttled
