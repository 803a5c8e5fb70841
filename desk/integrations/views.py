"""The national catalog export, public: /catalog/export.json and /catalog/export.csv,
``?agency=<slug>`` for one agency (docs/integrations.md). The API's /api/v1/catalog/export/
answers with the same export through ``export_for``, ``unchanged`` and ``versioned``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from desk.agencies.models import Agency
from desk.integrations.export import CatalogExport, catalog_export


def export_for(request: HttpRequest) -> CatalogExport:
    slug = request.GET.get("agency", "").strip()
    agency = None
    if slug:
        agency = Agency.objects.filter(slug=slug, is_active=True).first()
        if agency is None:
            raise Http404
    return catalog_export(agency)


def versioned(export: CatalogExport, response: HttpResponse) -> HttpResponse:
    response["ETag"] = f'"{export.version}"'
    response["X-Export-Version"] = export.version
    patch_cache_control(response, public=True, max_age=300)
    return response


def unchanged(request: HttpRequest, export: CatalogExport) -> HttpResponse | None:
    """304 when the caller holds this version (If-None-Match), with the same headers."""
    tags = [
        t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")
    ]
    if f'"{export.version}"' in tags:
        return versioned(export, HttpResponse(status=304))
    return None


@require_safe
def export_json(request: HttpRequest) -> HttpResponse:
    export = export_for(request)
    if (same := unchanged(request, export)) is not None:
        return same
    response = JsonResponse(export.as_json(), json_dumps_params={"ensure_ascii": False})
    return versioned(export, response)


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    export = export_for(request)
    if (same := unchanged(request, export)) is not None:
        return same
    response = HttpResponse(export.as_csv(), content_type="text/csv; charset=utf-8")
    name = f"catalog-{export.agency or 'all'}-{export.version[:8]}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return versioned(export, response)
