"""Who is calling: a person's bearer token (citizen or staff), or an agency's API key."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from desk.api.services import api_token_authenticate
from desk.integrations.services import api_key_authenticate


def _credential(request: Request, scheme: str) -> str | None:
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() != scheme.lower().encode():
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(_("سرآیند Authorization درست نیست."))
    try:
        return parts[1].decode()
    except UnicodeDecodeError as exc:
        raise exceptions.AuthenticationFailed(_("توکن درست نیست.")) from exc


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer mzt_…``: a token from /api/v1/auth/ (citizens) or
    /api/v1/staff/auth/ (staff)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        raw = _credential(request, "Bearer")
        if raw is None:
            return None
        token = api_token_authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("توکن نامعتبر، منقضی یا باطل شده است."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: ApiKey mzk_…``: an agency's key (desk/integrations), with its scopes.
    ``request.user`` stays anonymous: a key is an agency's system, not a person."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        raw = _credential(request, "ApiKey")
        if raw is None:
            return None
        key = api_key_authenticate(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("کلید نامعتبر یا باطل شده است."))
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        return 'ApiKey realm="api"'
