"""The OpenAPI document's shared parts: problem responses on every operation, the
``Idempotency-Key`` header on every POST, and the two security schemes."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

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


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


# Every operation may answer these (authentication, throttling, content negotiation).
_ALWAYS = {
    "401": "not-authenticated",
    "403": "forbidden",
    "404": "not-found",
    "406": "not-acceptable",
    "429": "throttled",
}
_WITH_BODY = {"400": "invalid-input", "415": "unsupported-media-type", "413": "too-large"}
_POST = {"409": "in-progress", "422": "idempotency-key-reused / refused"}


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        extra = dict(_ALWAYS)
        extra["400"] = "invalid-input"  # query parameters too
        if self.method in ("POST", "PUT", "PATCH"):
            extra.update(_WITH_BODY)
            extra.update(_POST)
        for code, slug in extra.items():
            responses.setdefault(code, _problem(slug))
        self.registry.register_on_missing(self.resolve_serializer(ProblemSerializer, "response"))
        return responses

    def get_operation_id(self) -> str:
        """The view's name and the method: ``ServiceDetail`` GET → ``service_detail_get``."""
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(self.view).__name__).lower()
        return f"{name}_{self.method.lower()}"

    def get_override_parameters(self) -> list[Any]:
        from drf_spectacular.utils import OpenApiParameter

        params = list(super().get_override_parameters())
        if self.method == "POST":
            params.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "A key the client makes (a UUID): a retry with the same key and body "
                        "gets the first answer; another body 422; while the first runs 409. "
                        "Kept 24 hours."
                    ),
                )
            )
        return params


def problem_titles() -> dict[str, str]:
    return {p.type: str(p.title) for p in PROBLEMS.values()}


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "desk.api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "mzt_… from /api/v1/auth/"}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "desk.api.authentication.ApiKeyAuthentication"
    name = "agencyKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "«ApiKey mzk_…»: an agency's key with its scopes",
        }
