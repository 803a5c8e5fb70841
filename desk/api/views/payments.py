"""A citizen pays a fee: the request's bills, starting a payment (→ the bank's page, opened in
a browser), and the payment's state once the bank sends the browser back (desk/payments)."""

from __future__ import annotations

import uuid

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.permissions import IsCitizen
from desk.api.views.base import ApiView, body
from desk.api.views.citizen import citizen
from desk.payments import selectors, services

TAG = ["citizen: payments"]


class Charges(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="What my request owes and has paid",
        responses={200: s.ChargeOut(many=True)},
    )
    def get(self, request: Request, code: str) -> Response:
        submission = selectors.submission_for_applicant(request.user, code)
        if submission is None:
            raise Http404
        return Response(s.ChargeOut(selectors.charges_of(submission), many=True).data)


class Choose(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="Choose one of a fee's options (needs_choice) before paying it",
        request=s.ChooseIn,
        responses={200: s.ChargeOut},
    )
    @idempotent
    def post(self, request: Request, charge_id: uuid.UUID) -> Response:
        charge = selectors.charge_for_applicant(request.user, str(charge_id))
        if charge is None:
            raise Http404
        form = s.ChooseIn(data=body(request))
        form.is_valid(raise_exception=True)
        chosen = services.charge_choose(
            charge_id=charge.pk, user=citizen(request), option=form.validated_data["option"]
        )
        return Response(s.ChargeOut(chosen).data)


class Pay(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="Start paying a bill: the bank's page to open",
        request=None,
        responses={201: s.PaymentStartOut},
    )
    @idempotent
    def post(self, request: Request, charge_id: uuid.UUID) -> Response:
        if selectors.charge_for_applicant(request.user, str(charge_id)) is None:
            raise Http404
        payment, target = services.payment_start(
            charge_public_id=str(charge_id), user=citizen(request)
        )
        body = {
            "payment": payment,
            "redirect": {"url": target.url, "method": target.method, "form_fields": target.fields},
        }
        return Response(s.PaymentStartOut(body).data, status=status.HTTP_201_CREATED)


class PaymentDetail(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(tags=TAG, summary="A payment's state", responses={200: s.PaymentOut})
    def get(self, request: Request, payment_id: uuid.UUID) -> Response:
        payment = selectors.payment_for_viewer(request.user, str(payment_id))
        if payment is None:
            raise Http404
        return Response(s.PaymentOut(payment).data)
