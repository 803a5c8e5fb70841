from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from desk.core.http import client_ip

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


def body(request: Request) -> Any:
    """The call's fields (a JSON object or a form); anything else (a list, null) is refused."""
    data = request.data
    if not hasattr(data, "get"):
        raise serializers.ValidationError({"non_field_errors": [_("بدنه باید یک شیء JSON باشد.")]})
    return data


def address(request: Request) -> str:
    return client_ip(request._request) or "unknown"


def paginate(request: Request, rows: Any, per_page: int = PAGE_SIZE) -> tuple[Any, dict[str, int]]:
    """One page of ``rows`` (``?page=``, out-of-range pages give the last), and its numbers."""
    page = Paginator(rows, per_page).get_page(request.query_params.get("page"))
    meta = {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }
    return list(page.object_list), meta
