"""What staff are told before an action whose consequences reach another app's records.

A request moved out of its step withdraws the step's unanswered inquiries (desk/inquiries):
the staff member should know before the click, not after. This module names no other app:
an app that has something to say registers a provider (``leave_warning_provider_register``,
from its ``AppConfig.ready``), as grants reach the access policy.
"""

from __future__ import annotations

from typing import Protocol

from desk.submissions.models import Submission


class LeaveWarningProvider(Protocol):
    def leave_warnings(self, *, submission: Submission, action: str) -> list[str]:
        """Persian sentences on what taking ``action`` now does to this app's records of the
        request; none when it does nothing worth confirming."""
        ...


_PROVIDERS: list[LeaveWarningProvider] = []


def leave_warning_provider_register(provider: LeaveWarningProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def leave_warnings(submission: Submission, action: str) -> list[str]:
    return [
        text
        for provider in _PROVIDERS
        for text in provider.leave_warnings(submission=submission, action=action)
    ]
