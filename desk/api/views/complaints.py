"""A citizen's complaints: about a service (and so its agency), about one of their requests or
a staff member who acted on it, an objection to a refusal; their complaints with the agency's
answer, and an appeal to the oversight body — the complaint pages' forms and services
(desk/complaints): the same limits, deadlines and Persian messages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from desk.accounts.models import User
from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.permissions import IsCitizen
from desk.api.schema import LOCATION
from desk.api.views.base import PAGE_PARAMETER, ApiView, Extended, address, body, own_key, paginate
from desk.api.views.citizen import citizen
from desk.catalog.selectors import services_published
from desk.complaints import selectors, services
from desk.complaints.models import About, Complaint, Kind
from desk.submissions.models import Submission
from desk.submissions.selectors import get_submission_for_applicant

TAG = ["citizen: complaints"]
MULTIPART = "multipart/form-data"


def complaint_out(complaint: Complaint) -> dict[str, Any]:
    return s.ComplaintOut(Extended(complaint, may_appeal=complaint.may_appeal())).data


def _filed(request: Request, form: s.FormInput, **what: Any) -> Response:
    """File through ``complaint_file`` (the caller's Idempotency-Key makes the complaint's
    own key: a retry files one); 201 with the complaint."""
    data = form.validated_data
    document = data.get("document")
    filing = services.complaint_file(
        citizen=citizen(request),
        text=data["text"],
        files=[document] if document else [],
        address=address(request),
        idempotency_key=own_key(request),
        **what,
    )
    complaint = selectors.get_complaint_for_citizen(request.user, filing.complaint.tracking_code)
    response = Response(complaint_out(complaint), status=status.HTTP_201_CREATED)
    response["Location"] = reverse("api:my_complaint", args=[complaint.tracking_code])
    return response


def _staff(submission: Submission) -> tuple[list[User], dict[int, str]]:
    staff = services.staff_on_timeline(submission)
    return staff, selectors.staff_labels(submission, staff)


class MyComplaints(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        parameters=[PAGE_PARAMETER],
        tags=TAG,
        summary="My complaints and objections, newest first",
        responses={200: s.ComplaintPageOut},
    )
    def get(self, request: Request) -> Response:
        page, meta = paginate(request, selectors.complaints_of_citizen(citizen(request)))
        return Response({**meta, "results": s.ComplaintSummaryOut(page, many=True).data})

    @extend_schema(
        tags=TAG,
        summary="Complain about a service and its agency (an optional document)",
        request={MULTIPART: s.ServiceComplaintIn, "application/json": s.ServiceComplaintIn},
        parameters=[LOCATION],
        responses={201: s.ComplaintOut},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        form = s.ServiceComplaintIn(
            data=body(request),
            context={"files": request.FILES, "form": {"services": services_published()}},
        )
        form.is_valid(raise_exception=True)
        service = form.validated_data["service"]
        return _filed(request, form, kind=Kind.COMPLAINT, about=About.SERVICE, service=service)


class RequestComplaint(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="Who may be named in a complaint about my request; may I still object",
        responses={200: s.ComplaintOptionsOut},
    )
    def get(self, request: Request, code: str) -> Response:
        submission = get_submission_for_applicant(citizen(request), code)
        staff, labels = _staff(submission)
        out = {
            "staff": [{"id": u.pk, "label": labels.get(u.pk, "")} for u in staff],
            "may_object": services.may_object(submission),
            "objection_until": services.objection_deadline(submission),
        }
        return Response(s.ComplaintOptionsOut(out).data)

    @extend_schema(
        tags=TAG,
        summary="Complain about my request, or a staff member who acted on it",
        request={MULTIPART: s.RequestComplaintIn, "application/json": s.RequestComplaintIn},
        parameters=[LOCATION],
        responses={201: s.ComplaintOut},
    )
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        submission = get_submission_for_applicant(citizen(request), code)
        staff, labels = _staff(submission)
        form = s.RequestComplaintIn(
            data=body(request),
            context={"files": request.FILES, "form": {"staff": staff, "labels": labels}},
        )
        form.is_valid(raise_exception=True)
        return _filed(
            request,
            form,
            kind=Kind.COMPLAINT,
            about=form.validated_data["about"],
            submission=submission,
            staff_member=form.validated_data.get("staff_member"),
        )


class Objection(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="Object to the refusal of my request, within the agency's days",
        request={MULTIPART: s.ObjectionIn, "application/json": s.ObjectionIn},
        parameters=[LOCATION],
        responses={201: s.ComplaintOut},
    )
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        submission = get_submission_for_applicant(citizen(request), code)
        form = s.ObjectionIn(data=body(request), context={"files": request.FILES})
        form.is_valid(raise_exception=True)
        return _filed(
            request, form, kind=Kind.OBJECTION, about=About.REQUEST, submission=submission
        )


class MyComplaint(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="One of my complaints with the agency's answer and any appeal",
        responses={200: s.ComplaintOut},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(complaint_out(selectors.get_complaint_for_citizen(request.user, code)))


class Appeal(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="Appeal the agency's answer to the oversight body (within its days)",
        request=s.AppealIn,
        responses={200: s.ComplaintOut},
    )
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        complaint = selectors.get_complaint_for_citizen(request.user, code)
        form = s.AppealIn(data=body(request))
        form.is_valid(raise_exception=True)
        services.complaint_appeal(
            complaint_id=complaint.pk, citizen=citizen(request), text=form.validated_data["text"]
        )
        return Response(complaint_out(selectors.get_complaint_for_citizen(request.user, code)))
