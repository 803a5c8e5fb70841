"""Agencies' API keys (desk/integrations) as the API sees them: an agency and its scopes."""

from __future__ import annotations

from typing import Protocol


class AgencyKey(Protocol):
    """What the API needs of an authenticated key."""

    pk: int
    agency_id: int

    def has_scope(self, scope: str) -> bool: ...


def api_key_authenticate(raw: str) -> AgencyKey | None:
    """The live key ``raw`` names; None when unknown or revoked. (Until desk/integrations
    lands its keys, no key is known.)"""
    return None
