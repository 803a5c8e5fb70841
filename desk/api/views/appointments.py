"""A citizen's visits: the free slots of a service at an office within the booking window,
booking one (for a request or not), their bookings, and cancelling — the booking page's
selectors and services (desk/appointments): the 3-working-day promise, the no-show limit,
one open booking per service and the slot's lock against double booking."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.permissions import IsCitizen
from desk.api.problems import PROBLEM_CONTENT_TYPE, problem_response
from desk.api.schema import LOCATION
from desk.api.views.base import PAGE_PARAMETER, ApiView, body, paginate
from desk.api.views.citizen import citizen
from desk.appointments import selectors, services
from desk.appointments.models import Office
from desk.appointments.services import SlotFullError
from desk.catalog.models import Service
from desk.catalog.selectors import service_for_public
from desk.core.errors import ApplicationError
from desk.submissions.models import Submission
from desk.submissions.selectors import get_submission_for_applicant

TAG = ["citizen: appointments"]


def _bookable(slug: str) -> tuple[Service, list[Office]]:
    """A published service with offices that take bookings for it (the booking page's 404)."""
    service = service_for_public(slug)
    offices = list(selectors.offices_for_service(service)) if service is not None else []
    if service is None or not offices:
        raise Http404
    return service, offices


def _office(offices: list[Office], office_id: int | None) -> Office:
    if office_id is None:
        return offices[0]
    found = next((o for o in offices if o.pk == office_id), None)
    if found is None:
        raise serializers.ValidationError({"office": [_("این دفتر این خدمت را ارائه نمی‌کند.")]})
    return found


def _for_request(request: Request, code: str | None) -> Submission | None:
    """The citizen's own request the visit is for (another's: not found)."""
    return get_submission_for_applicant(citizen(request), code) if code else None


def _slot_problem(exc: SlotFullError) -> Response:
    return problem_response(
        "refused", exc.message, alternatives=s.SlotOut(exc.alternatives, many=True).data
    )


class Slots(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="The earliest free slots of a service at one of its offices",
        parameters=[
            OpenApiParameter("office", int, description="شناسه دفتر؛ پیش‌فرض: نخستین"),
            OpenApiParameter("request", str, description="کد رهگیری درخواستی که نوبت برای آن است"),
        ],
        responses={200: s.SlotsOut},
    )
    def get(self, request: Request, slug: str) -> Response:
        query = s.SlotsQueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        service, offices = _bookable(slug)
        office = _office(offices, query.validated_data.get("office"))
        submission = _for_request(request, query.validated_data.get("request"))
        offer = selectors.offer_for(
            office=office, service=service, requested_on=selectors.requested_on(submission)
        )
        if not offer.slots:  # as on the booking page: a citizen was offered nothing
            services.breach_record_unserved(
                office=office, service=service, citizen=citizen(request), offer=offer
            )
        out = {"service": service, "office": office, "offices": offices, "offer": offer}
        return Response(s.SlotsOut(out).data)


class MyAppointments(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        parameters=[PAGE_PARAMETER],
        tags=TAG,
        summary="My bookings, latest visit first",
        responses={200: s.AppointmentPageOut},
    )
    def get(self, request: Request) -> Response:
        page, meta = paginate(request, selectors.appointments_of_citizen(citizen(request)))
        return Response({**meta, "results": s.AppointmentOut(page, many=True).data})

    @extend_schema(
        tags=TAG,
        summary="Book a free slot (one open booking per service)",
        request=s.BookIn,
        parameters=[LOCATION],
        responses={201: s.AppointmentOut, (422, PROBLEM_CONTENT_TYPE): s.SlotProblemOut},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        form = s.BookIn(data=body(request))
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = citizen(request)
        service, offices = _bookable(data["service"])
        office = _office(offices, data["office"])
        submission = _for_request(request, data["request"])
        try:
            appointment = services.appointment_book(
                citizen=user,
                office=office,
                service=service,
                slot_start=data["slot"],
                created_by=user,
                submission=submission,
            )
        except SlotFullError as exc:
            return _slot_problem(exc)
        appointment = selectors.get_appointment_for_citizen(user, appointment.booking_code)
        response = Response(s.AppointmentOut(appointment).data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:my_appointment", args=[appointment.booking_code])
        return response


class MyAppointment(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(tags=TAG, summary="One of my bookings", responses={200: s.AppointmentOut})
    def get(self, request: Request, code: str) -> Response:
        appointment = selectors.get_appointment_for_citizen(citizen(request), code)
        return Response(s.AppointmentOut(appointment).data)


class CancelAppointment(ApiView):
    """The web's «are you sure?» page: here ``confirmed=true``."""

    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="Cancel my booking (irreversible: confirmed=true); the place is freed",
        request=s.ConfirmIn,
        responses={200: s.AppointmentOut},
    )
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        user = citizen(request)
        appointment = selectors.get_appointment_for_citizen(user, code)
        form = s.ConfirmIn(data=body(request))
        form.is_valid(raise_exception=True)
        if not form.validated_data["confirmed"]:
            raise ApplicationError(
                _(
                    "لغو نوبت برگشت‌پذیر نیست و جای آن به دیگری داده می‌شود؛"
                    " با confirmed=true تأیید کنید."
                ),
                field="confirmed",
            )
        services.appointment_cancel(appointment_id=appointment.pk, actor=user)
        appointment = selectors.get_appointment_for_citizen(user, code)
        return Response(s.AppointmentOut(appointment).data)
