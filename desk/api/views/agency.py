"""Agencies' systems with an API key (desk/integrations), each call within the key's scopes
and its own agency: the agency's catalog, filing a request for a citizen (channel api), a
request's status, and the inquiries other agencies sent it."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from desk.accounts.services import citizen_claim
from desk.agencies import access
from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.permissions import HasKeyScope
from desk.api.schema import LOCATION
from desk.api.views.base import PAGE_PARAMETER, ApiView, paginate
from desk.api.views.citizen import APPLICATION_SCHEMA, file_application, service_named
from desk.api.views.public import track_out
from desk.catalog import selectors as catalog
from desk.inquiries import selectors as inquiries
from desk.integrations.models import ApiKey, Scope
from desk.submissions import selectors as submissions

TAG = ["agency systems"]

ON_BEHALF_SCHEMA: dict[str, Any] = {
    **APPLICATION_SCHEMA,
    "required": ["service", "national_code", "mobile"],
    "properties": {
        **APPLICATION_SCHEMA["properties"],
        "national_code": {"type": "string", "description": "کد ملی متقاضی"},
        "mobile": {"type": "string", "description": "تلفن همراه متقاضی (از آنِ همان کد ملی)"},
    },
}


def agency_key(request: Request) -> ApiKey:
    key = request.auth
    assert isinstance(key, ApiKey)
    return key


def agency_request_out(submission: Any) -> dict[str, Any]:
    return {**track_out(submission), "channel": submission.channel}


class AgencyServices(ApiView):
    permission_classes = [HasKeyScope]
    key_scope = Scope.CATALOG_READ

    @extend_schema(
        parameters=[PAGE_PARAMETER],
        tags=TAG,
        summary="The key's agency's published services",
        responses={200: s.ServicePageOut},
    )
    def get(self, request: Request) -> Response:
        rows = catalog.services_search(agency=agency_key(request).agency)
        page, meta = paginate(request, rows)
        return Response({**meta, "results": s.ServiceSummaryOut(page, many=True).data})


class AgencyService(ApiView):
    permission_classes = [HasKeyScope]
    key_scope = Scope.CATALOG_READ

    @extend_schema(
        tags=TAG, summary="One of the agency's service cards", responses={200: s.ServiceOut}
    )
    def get(self, request: Request, slug: str) -> Response:
        service = catalog.service_for_public(slug)
        if service is None or not access.same_agency(service, agency_key(request)):
            raise Http404
        return Response(s.ServiceOut(service).data)


class OnBehalf(ApiView):
    permission_classes = [HasKeyScope]
    key_scope = Scope.REQUESTS_FILE

    @extend_schema(
        tags=TAG,
        summary="File a request for a citizen (their national code and their own mobile)",
        request={"multipart/form-data": ON_BEHALF_SCHEMA},
        parameters=[LOCATION],
        responses={201: s.AgencyRequestOut},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        key = agency_key(request)
        service = service_named(request)
        if not access.key_may_file_for(key, service):
            raise serializers.ValidationError({"service": ["این خدمت از آنِ دستگاه این کلید نیست."]})
        person = s.CodeRequestIn(data=request.data)
        person.is_valid(raise_exception=True)
        applicant = citizen_claim(**person.validated_data)
        submission = file_application(request, applicant=applicant, service=service)
        submission = submissions.get_submission_for_key(key, submission.tracking_code)
        response = Response(
            s.AgencyRequestOut(agency_request_out(submission)).data, status.HTTP_201_CREATED
        )
        response["Location"] = reverse("api:agency_request", args=[submission.tracking_code])
        return response


class AgencyRequest(ApiView):
    permission_classes = [HasKeyScope]
    key_scope = Scope.STATUS_READ

    @extend_schema(
        tags=TAG,
        summary="Where a request of the agency stands (what its applicant sees)",
        responses={200: s.AgencyRequestOut},
    )
    def get(self, request: Request, code: str) -> Response:
        submission = submissions.get_submission_for_key(agency_key(request), code)
        return Response(s.AgencyRequestOut(agency_request_out(submission)).data)


class AgencyInquiries(ApiView):
    permission_classes = [HasKeyScope]
    key_scope = Scope.INQUIRIES_RECEIVE

    @extend_schema(
        parameters=[PAGE_PARAMETER],
        tags=TAG,
        summary="Open inquiries other agencies sent to the key's agency, overdue first",
        responses={200: s.InquiryPageOut},
    )
    def get(self, request: Request) -> Response:
        page, meta = paginate(request, inquiries.inbox_for_key(agency_key(request)))
        return Response({**meta, "results": s.InquiryOut(page, many=True).data})
