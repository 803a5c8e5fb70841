"""The OpenAPI document's shared parts: problem responses on every operation (with
``Retry-After`` where one is sent), the ``Idempotency-Key`` header where the view is
``@idempotent``, the ``Location`` header of a creation, and the security schemes, each
operation naming only the credentials its view's permissions let through."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.views import APIView

from desk.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from desk.api.idempotency import MAX_KEY_LENGTH, is_idempotent
from desk.api.models import TokenKind
from desk.api.permissions import HasKeyScope
from desk.api.problems import PROBLEM_CONTENT_TYPE, PROBLEMS, TYPE_PREFIX


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text=f"Stable: {TYPE_PREFIX}<slug> (docs/api.md)")
    title = serializers.CharField(help_text="Persian, for people")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="Persian, about this occurrence")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per input field (invalid-input, refused)",
    )


# Sent with every 429 (the API's rate, the site's own limits: desk/api/problems.py) and every
# 503 (an outage, desk/core/outage.py; an outside system that did not answer).
RETRY_AFTER = {
    "description": "Seconds to wait before calling again",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}

# On a replay of an ``@idempotent`` call (desk/api/idempotency.py): the first answer again.
REPLAYED = {
    "description": "`true` when this is the first answer again, for a retry with the same key",
    "required": False,
    "schema": {"type": "string", "enum": ["true"]},
}
# With every 401 (DRF asks the first authentication class): which credential to send.
WWW_AUTHENTICATE = {
    "description": "The credential the operation takes (`Bearer` or `ApiKey`)",
    "required": False,
    "schema": {"type": "string"},
}

# The ``Location`` of what a 201 made: in ``parameters`` of the views that set it.
LOCATION = OpenApiParameter(
    "Location",
    str,
    OpenApiParameter.HEADER,
    response=[201],
    required=True,
    description="The path of what was made (GET it there)",
)


def _problem(slugs: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": slugs,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if slugs in ("throttled", "unavailable"):
        response["headers"] = {"Retry-After": RETRY_AFTER}
    return response


# Every operation may answer these (authentication, throttling, content negotiation, an
# outage).
_ALWAYS = {
    "401": "not-authenticated",
    "403": "forbidden",
    "404": "not-found",
    "406": "not-acceptable",
    "429": "throttled",
    "503": "unavailable",
}
_WITH_BODY = {
    "400": "invalid-input",
    "415": "unsupported-media-type",
    "413": "too-large",
    "422": "refused",
}
_IDEMPOTENT = {"409": "in-progress", "422": "idempotency-key-reused / refused"}


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        extra = dict(_ALWAYS)
        extra["400"] = "invalid-input"  # query parameters too
        if self.method in ("POST", "PUT", "PATCH"):
            extra.update(_WITH_BODY)
        if self._idempotent():
            extra.update(_IDEMPOTENT)
        for code, slug in extra.items():
            responses.setdefault(code, _problem(slug))
        responses["401"] = {**responses["401"], "headers": {"WWW-Authenticate": WWW_AUTHENTICATE}}
        if self._idempotent():
            for code, response in responses.items():
                if code.startswith("2") and isinstance(response, dict):
                    headers = response.setdefault("headers", {})
                    headers["Idempotent-Replayed"] = REPLAYED
        self.registry.register_on_missing(self.resolve_serializer(ProblemSerializer, "response"))
        return responses

    def _idempotent(self) -> bool:
        return is_idempotent(getattr(self.view, self.method.lower(), None))

    def get_operation_id(self) -> str:
        """The view's name and the method: ``ServiceDetail`` GET → ``service_detail_get``."""
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(self.view).__name__).lower()
        return f"{name}_{self.method.lower()}"

    def get_override_parameters(self) -> list[Any]:
        params = list(super().get_override_parameters())
        if self._idempotent():
            params.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
                    OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "A key the client makes (a UUID): a retry with the same key and body "
                        "gets the first answer; another body 422; while the first runs 409. "
                        "Kept 24 hours. Printable characters, at most "
                        f"{MAX_KEY_LENGTH}: another is 400."
                    ),
                )
            )
        return params


def problem_titles() -> dict[str, str]:
    return {p.type: str(p.title) for p in PROBLEMS.values()}


# One scheme per kind of token, so that an operation names the kind its permission lets through
# (both are «Authorization: Bearer mzt_…»).
TOKEN_SCHEMES = {TokenKind.CITIZEN: "citizenToken", TokenKind.STAFF: "staffToken"}
KEY_SCHEME = "agencyKey"


def _passes(permission: object) -> frozenset[str] | None:
    """The schemes whose credential can pass ``permission``; None: any caller, or none."""
    if isinstance(permission, AllowAny):
        return None
    if isinstance(permission, HasKeyScope):
        return frozenset({KEY_SCHEME})
    kind = getattr(permission, "token_kind", None)
    if kind is not None:
        return frozenset({TOKEN_SCHEMES[kind]})
    if isinstance(permission, IsAuthenticated):
        # A key's caller is the anonymous user (ApiKeyAuthentication): a person's token only.
        return frozenset(TOKEN_SCHEMES.values())
    raise ImproperlyConfigured(
        f"desk/api/schema.py cannot tell which credentials pass {type(permission).__name__}"
    )


def accepted_schemes(view: APIView) -> frozenset[str] | None:
    """The schemes whose credential passes every permission of ``view``; None when the view
    lets anyone in (a credential is then optional, and checked when sent)."""
    accepted: frozenset[str] | None = None
    for permission in view.get_permissions():
        passes = _passes(permission)
        if passes is not None:
            accepted = passes if accepted is None else accepted & passes
    return accepted


def _requirements(names: list[str], auto_schema: Any) -> list[dict[str, list[str]]]:
    accepted = accepted_schemes(auto_schema.view)
    return [{name: []} for name in names if accepted is None or name in accepted]


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "desk.api.authentication.BearerTokenAuthentication"
    name = [TOKEN_SCHEMES[TokenKind.CITIZEN], TOKEN_SCHEMES[TokenKind.STAFF]]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "A citizen's mzt_… from POST /api/v1/auth/token/ (SMS code)",
            },
            {
                "type": "http",
                "scheme": "bearer",
                "description": "A staff member's mzt_… from POST /api/v1/staff/auth/token/",
            },
        ]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[str]]]:
        assert isinstance(self.name, list)
        return _requirements(self.name, auto_schema)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "desk.api.authentication.ApiKeyAuthentication"
    name = KEY_SCHEME

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "«ApiKey mzk_…»: an agency's key with its scopes",
        }

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[str]]]:
        return _requirements([KEY_SCHEME], auto_schema)
