"""Who may call what, asked of the one access policy (desk/agencies/access.py)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from desk.agencies import access
from desk.api.models import ApiToken, TokenKind


def _token(request: Request, kind: TokenKind) -> bool:
    auth = request.auth
    return isinstance(auth, ApiToken) and auth.kind == kind


# ``token_kind``: the one kind of token that passes (the OpenAPI document's security scheme
# of the view's operations, desk/api/schema.py).
class IsCitizen(BasePermission):
    """A citizen's token (an SMS sign-in): their own requests, bookings, complaints…"""

    token_kind = TokenKind.CITIZEN

    def has_permission(self, request: Request, view: Any) -> bool:
        return _token(request, self.token_kind) and access.may_apply(request.user)


class IsStaff(BasePermission):
    """A staff member's token (password and second factor): their agency's work."""

    token_kind = TokenKind.STAFF

    def has_permission(self, request: Request, view: Any) -> bool:
        return _token(request, self.token_kind) and access.staff_for_user(request.user) is not None


class HasKeyScope(BasePermission):
    """An agency key holding the view's ``key_scope``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.key_has_scope(request.auth, view.key_scope)
