"""Sign-in events: the one call site through which staff sign-in reports what happened, into the
hash-chained audit log (desk/audit, docs/audit.md).

Django's auth signals already record every sign-in, sign-out and wrong password
(desk/audit/receivers.py); this records what only the staff door knows: refusals the password
check did not see, locks, shut-out addresses, two-factor steps, timeouts and deactivations.

Each event goes to the chain of the person's agency (the national chain for people of no agency
and for usernames that do not exist). Neither the password nor a code typed is ever recorded.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist

from desk.audit.services import audit_record

if TYPE_CHECKING:
    from desk.accounts.models import User


class SignInEvent(StrEnum):
    REFUSED = "auth.sign_in_refused"
    ACCOUNT_LOCKED = "auth.locked"
    ADDRESS_BLOCKED = "auth.address_blocked"
    TWO_FACTOR_VERIFIED = "auth.two_factor_ok"
    TWO_FACTOR_FAILED = "auth.two_factor_failed"
    RECOVERY_CODE_USED = "auth.recovery_code_used"
    TWO_FACTOR_ENROLLED = "auth.two_factor_enrolled"
    RECOVERY_CODES_REGENERATED = "auth.recovery_codes_regenerated"
    TWO_FACTOR_RESET = "auth.two_factor_reset"
    SESSION_TIMED_OUT = "auth.session_timed_out"
    SESSIONS_ENDED = "auth.sessions_ended"


# Events done by the person themself; the others happen to an account (a failed guess, a lock,
# an operator's reset), so the entry has no actor.
_BY_THE_PERSON = frozenset(
    {
        SignInEvent.TWO_FACTOR_VERIFIED,
        SignInEvent.RECOVERY_CODE_USED,
        SignInEvent.TWO_FACTOR_ENROLLED,
        SignInEvent.RECOVERY_CODES_REGENERATED,
    }
)


def record_sign_in_event(
    event: SignInEvent,
    *,
    username: str,
    user: User | None = None,
    ip: str | None = None,
    **details: Any,
) -> None:
    """Append one sign-in event to the audit log (in its own transaction if none is open)."""
    audit_record(
        action=event.value,
        agency_id=_agency_id(user),
        actor=user if event in _BY_THE_PERSON else None,
        target=user,
        object_type="" if user is not None else "accounts.user",
        object_id="" if user is not None else username,
        details={"username": username, "ip": ip or "", **details},
    )


def _agency_id(user: User | None) -> int | None:
    if user is None:
        return None
    try:
        return int(user.staff.agency_id)
    except ObjectDoesNotExist:
        return None
