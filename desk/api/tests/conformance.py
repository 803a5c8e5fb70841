"""Checks of real answers against the OpenAPI document (/api/v1/schema/): what an integrator
builds against must be what the API sends."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from desk.api.idempotency import HEADER as IDEMPOTENCY_HEADER

# Headers the API sends on some answers only: each one sent must be in the document there.
DOCUMENTED_HEADERS = ("Location", "Retry-After")
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
DOCUMENT_URI = "urn:mizkhedmat:openapi"


@functools.cache
def api_document() -> dict[str, Any]:
    """The document as /api/v1/schema/?format=json serves it."""
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    document: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(schema))
    return document


@functools.cache
def _loaded() -> Any:
    return schemathesis.openapi.from_dict(api_document())


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) of every operation of the document."""
    return [
        (path, method.upper(), operation)
        for path, item in api_document()["paths"].items()
        for method, operation in item.items()
    ]


def operation_path(response: Any) -> str:
    """The document's path of the route that answered: ``<digits:code>`` → ``{code}``."""
    route = response.resolver_match.route
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def documented_headers(path: str, method: str, status: int) -> dict[str, Any]:
    operation = api_document()["paths"][path][method.lower()]
    headers: dict[str, Any] = operation["responses"][str(status)].get("headers", {})
    return headers


def takes_idempotency_key(operation: dict[str, Any]) -> bool:
    return any(
        p["in"] == "header" and p["name"] == IDEMPOTENCY_HEADER
        for p in operation.get("parameters", [])
    )


def assert_documented(response: Any) -> None:
    """``response`` (the test client's) is an answer its operation documents: the status, the
    content type, the headers (required ones sent; each of DOCUMENTED_HEADERS sent is listed)
    and the body against the response's schema."""
    request = response.wsgi_request
    path, method = operation_path(response), request.method
    documented = documented_headers(path, method, response.status_code)
    for name in DOCUMENTED_HEADERS:
        if response.has_header(name):
            assert name in documented, (
                f"{method} {path} {response.status_code} sends {name}, not in the document"
            )
    sent = requests.Request(method, f"http://testserver{request.get_full_path()}").prepare()
    answer = schemathesis.Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.items()},
        content=b"" if response.streaming else response.content,
        request=sent,
        elapsed=0.0,
        verify=True,
    )
    parameters = {name: str(value) for name, value in response.resolver_match.kwargs.items()}
    operation = _loaded()[path][method]
    operation.Case(path_parameters=parameters).validate_response(answer, checks=CHECKS)


def validator(component: str) -> Draft202012Validator:
    """A JSON Schema validator of one of the document's components (``SurveyOut``…)."""
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, DRAFT202012.create_resource(api_document())
    )
    return Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#/components/schemas/{component}"}, registry=registry
    )
