from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from desk.api.idempotency import HEADER
from desk.api.throttling import principal_key
from desk.core.http import client_ip
from desk.core.uploads import document_response
from desk.lib.persian import is_ascii_number

PAGE_SIZE = 20


class FileRenderer(BaseRenderer):
    """Downloads: the view streams the file itself; a problem on the way is still JSON."""

    media_type = "application/octet-stream"
    format = "bin"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return JSONRenderer().render(data)


FILE_RENDERERS = [JSONRenderer, FileRenderer]


class ApiView(APIView):
    """Every API view: problem details, throttles and the two credentials (settings)."""

    permission_classes = [AllowAny]


class DownloadView(ApiView):
    """A file found through the access policy by the subclass's ``get``, sent by ``send``."""

    renderer_classes = FILE_RENDERERS


def download_schema(tags: list[str], summary: str) -> Callable[[Any], Any]:
    return extend_schema(
        tags=tags,
        summary=summary,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )


def send(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """The web's download (desk.core.uploads): the stored bytes under a name of our making."""
    return document_response(file.open("rb"), filename=filename, content_type=content_type)


class Extended:
    """An object read by an output serializer, with what the view adds beside its fields."""

    def __init__(self, obj: Any, **extra: Any) -> None:
        self._obj, self._extra = obj, extra

    def __getattr__(self, name: str) -> Any:
        if name in self._extra:
            return self._extra[name]
        return getattr(self._obj, name)


# The key a service keeps for an idempotent creation: the same Idempotency-Key of the same
# caller always makes the same key (the service then gives back what the first call made).
KEY_NAMESPACE = uuid.UUID("5f8c1d0e-3c1b-4c8e-9a57-6f0d0f7f2a18")


def own_key(request: Request) -> uuid.UUID:
    key = request.headers.get(HEADER)
    return uuid.uuid5(KEY_NAMESPACE, f"{principal_key(request)}:{key}") if key else uuid.uuid4()


def body(request: Request) -> Any:
    """The call's fields (a JSON object or a form); anything else (a list, null) is refused."""
    data = request.data
    if not hasattr(data, "get"):
        raise serializers.ValidationError({"non_field_errors": [_("بدنه باید یک شیء JSON باشد.")]})
    return data


def address(request: Request) -> str:
    return client_ip(request._request) or "unknown"


PAGE_PARAMETER = OpenApiParameter(
    "page", int, description="Page from 1; a page past the last is empty (see count, pages)"
)


def paginate(request: Request, rows: Any, per_page: int = PAGE_SIZE) -> tuple[Any, dict[str, int]]:
    """One page of ``rows`` (``?page=`` from 1, PAGE_SIZE rows) and its numbers. A page past
    the last is empty (a client that pages until no results stops there); a page that is not
    a whole number from 1 is refused."""
    raw = request.query_params.get("page") or "1"
    if not (is_ascii_number(raw) and 0 < int(raw) < 10**6):
        raise serializers.ValidationError({"page": [_("شماره صفحه را با رقم و از ۱ بنویسید.")]})
    paginator = Paginator(rows, per_page)
    number = int(raw)
    meta = {"count": paginator.count, "page": number, "pages": paginator.num_pages}
    if number > paginator.num_pages:
        return [], meta
    return list(paginator.page(number).object_list), meta
