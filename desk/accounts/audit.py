"""Sign-in events: the one call site through which staff sign-in reports what happened.

The hash-chained audit log (issue 11, `ops`) is not in the tree yet; until it is, every event
goes to the `desk.accounts.sign_in` logger. When it lands, only `record_sign_in_event` changes.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

logger = logging.getLogger("desk.accounts.sign_in")


class SignInEvent(StrEnum):
    SIGNED_IN = "sign_in.password_ok"
    FAILED = "sign_in.failed"
    ACCOUNT_LOCKED = "sign_in.account_locked"
    ADDRESS_BLOCKED = "sign_in.address_blocked"
    TWO_FACTOR_VERIFIED = "sign_in.two_factor_ok"
    TWO_FACTOR_FAILED = "sign_in.two_factor_failed"
    RECOVERY_CODE_USED = "sign_in.recovery_code_used"
    TWO_FACTOR_ENROLLED = "two_factor.enrolled"
    RECOVERY_CODES_REGENERATED = "two_factor.recovery_codes_regenerated"
    TWO_FACTOR_RESET = "two_factor.reset"
    SESSION_TIMED_OUT = "session.timed_out"
    SESSIONS_ENDED = "session.ended_on_deactivation"


def record_sign_in_event(
    event: SignInEvent,
    *,
    username: str,
    user_id: int | None = None,
    ip: str | None = None,
    **details: Any,
) -> None:
    """Record one sign-in event (never the password or the code typed)."""
    logger.info(
        "%s username=%s user_id=%s ip=%s %s",
        event.value,
        username,
        user_id,
        ip,
        " ".join(f"{key}={value}" for key, value in sorted(details.items())),
        extra={"event": event.value, "username": username, "user_id": user_id, "ip": ip},
    )
