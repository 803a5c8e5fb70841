"""Anyone: the catalog (agencies, categories, service cards with their forms) and tracking a
request by its code and the applicant's national code."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.problems import problem_response
from desk.api.views.base import ApiView, address, paginate
from desk.catalog import selectors as catalog
from desk.core import ratelimit
from desk.integrations.views import export_for, unchanged, versioned
from desk.lib.addresses import limit_scope
from desk.lib.persian import normalize
from desk.submissions import progress
from desk.submissions import selectors as submissions
from desk.submissions.models import Submission

TAG = ["public"]


class ServiceList(ApiView):
    @extend_schema(
        tags=TAG,
        summary="Search the catalog",
        parameters=[
            OpenApiParameter("q", str, description="Words of the card, in either letter form"),
            OpenApiParameter("agency", str, description="An agency's slug"),
            OpenApiParameter("page", int),
        ],
        responses={200: s.ServicePageOut},
    )
    def get(self, request: Request) -> Response:
        agency = None
        if slug := request.query_params.get("agency"):
            agency = catalog.agency_with_services(slug)
            if agency is None:
                raise Http404
        query = normalize(request.query_params.get("q", ""))[:100]
        rows, meta = paginate(request, catalog.services_search(query=query, agency=agency))
        return Response({**meta, "results": s.ServiceSummaryOut(rows, many=True).data})


class ServiceDetail(ApiView):
    @extend_schema(tags=TAG, summary="A service card with its form", responses={200: s.ServiceOut})
    def get(self, request: Request, slug: str) -> Response:
        service = catalog.service_for_public(slug)
        if service is None:
            raise Http404
        return Response(s.ServiceOut(service).data)


class AgencyList(ApiView):
    @extend_schema(tags=TAG, summary="Agencies", responses={200: s.AgencyOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(s.AgencyOut(catalog.agencies_with_counts(), many=True).data)


class CategoryList(ApiView):
    @extend_schema(tags=TAG, summary="Categories", responses={200: s.CategoryOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(s.CategoryOut(catalog.categories_with_counts(), many=True).data)


def track_out(submission: Submission, *, public_only: bool = True) -> dict[str, object]:
    """Where a request stands, as the web's tracking page and «my request» show it."""
    return {
        "tracking_code": submission.tracking_code,
        "service": submission.service,
        "agency": submission.agency,
        "status": submission.status,
        "get_status_display": submission.get_status_display(),
        "submitted_at": submission.submitted_at,
        "due_on": submission.due_on,
        "current_step": submission.current_step,
        "next_step": progress.next_step_for(submission),
        "steps_ahead": progress.steps_ahead(submission),
        "timeline": submissions.timeline_for(submission, public_only=public_only),
    }


class Track(ApiView):
    """The web's tracking page as an endpoint: its per-address limit (shared with the page)
    and one answer for an unknown code and a wrong national code."""

    @extend_schema(
        tags=TAG,
        summary="Track a request by its code and the applicant's national code",
        request=s.TrackIn,
        responses={200: s.TrackOut},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        form = s.TrackIn(data=request.data)
        form.is_valid(raise_exception=True)
        if not ratelimit.hit(
            key=f"track:{limit_scope(address(request))}",  # the web page's own counter
            limit=settings.TRACKING_LOOKUPS_PER_IP_PER_HOUR,
            window_seconds=3600,
        ):
            response = problem_response(
                "throttled", _("تعداد جست‌وجوها از حد مجاز گذشته است. یک ساعت بعد بیایید.")
            )
            response["Retry-After"] = "3600"
            return response
        submission = submissions.submission_track(**form.validated_data)
        if submission is None:
            return problem_response("not-found", _("درخواستی با این کد رهگیری و کد ملی پیدا نشد."))
        return Response(s.TrackOut(track_out(submission)).data)


class CatalogExport(ApiView):
    """The national catalog export of /catalog/export.json (desk/integrations), the same
    document, version and ETag: a client holding the version gets 304."""

    @extend_schema(
        tags=TAG,
        summary="The national catalog export: every service card, declared and measured figures",
        parameters=[
            OpenApiParameter("agency", str, description="One agency's slug"),
            OpenApiParameter(
                "If-None-Match", str, OpenApiParameter.HEADER, description="A held ETag"
            ),
        ],
        responses={
            200: s.CatalogExportOut,
            304: OpenApiResponse(description="The held version is current"),
        },
    )
    def get(self, request: Request) -> Response:
        export = export_for(request._request)
        if (same := unchanged(request._request, export)) is not None:
            return same  # type: ignore[return-value]
        response = versioned(export, Response(export.as_json()))
        assert isinstance(response, Response)
        return response
