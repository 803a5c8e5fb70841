"""A signed-in citizen: file a request (with documents), their requests, one request with its
timeline, and answering the agency's request for more — the web's services and selectors."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from desk.accounts.models import User
from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.permissions import IsCitizen
from desk.api.schema import LOCATION
from desk.api.views.base import (
    PAGE_PARAMETER,
    ApiView,
    DownloadView,
    address,
    body,
    download_schema,
    own_key,
    paginate,
    send,
)
from desk.api.views.public import track_out
from desk.catalog.forms import ApplicationForm
from desk.catalog.models import FieldKind, Service
from desk.catalog.selectors import service_for_apply
from desk.lib.persian import to_ascii_digits
from desk.submissions import selectors, services, verification
from desk.submissions.models import Attachment, Channel, Status, Submission
from desk.submissions.quotas import quota_consume

TAG = ["citizen"]

APPLICATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["service"],
    "properties": {"service": {"type": "string", "description": "نشانی کوتاه خدمت"}},
    "additionalProperties": {
        "description": "پاسخ هر فیلد فرم خدمت به نام آن؛ تاریخ شمسی 1404/01/15؛ پرونده‌ها binary",
        "oneOf": [{"type": "string"}, {"type": "string", "format": "binary"}],
    },
}


def citizen(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def answers_out(submission: Submission) -> list[dict[str, str | None]]:
    """Each answer as the receipt shows it: a file question's value is the file's name (what a
    person reads), its ``attachment`` the id to fetch it by (``files/{id}/``); None elsewhere."""
    rows = selectors.answers_for_display(submission)
    return [
        {"label": label, "value": v.original_name, "attachment": str(v.public_id)}
        if isinstance(v, Attachment)
        else {"label": label, "value": str(v), "attachment": None}
        for label, v in rows
    ]


def request_out(submission: Submission) -> dict[str, Any]:
    attachments = list(submission.attachments.all())
    return {
        **track_out(submission),
        "answers": answers_out(submission),
        "attachments": attachments,
        "can_reply": submission.status == Status.NEEDS_INFO,
    }


def _form_data(service: Service, data: Any) -> dict[str, Any]:
    """The API's answers as the web form's fields: a Jalali date ``1404/01/15`` in the three
    boxes روز / ماه / سال."""
    plain = {k: data.get(k) for k in data if not hasattr(data.get(k), "read")}
    for spec in service.form_fields.all():
        value = plain.get(spec.name)
        if spec.kind == FieldKind.DATE and isinstance(value, str):
            parts = to_ascii_digits(value).replace("-", "/").split("/")
            year, month, day = [*parts, "", "", ""][:3]
            plain.update({f"{spec.name}_0": day, f"{spec.name}_1": month, f"{spec.name}_2": year})
    return plain


def service_named(request: Request) -> Service:
    """The service an application names (``service``: its slug), if it takes requests online."""
    slug = body(request).get("service")
    service = service_for_apply(slug) if isinstance(slug, str) else None
    if service is None or not service.accepts_online:
        raise serializers.ValidationError({"service": ["این خدمت پیدا نشد یا برخط نیست."]})
    return service


def file_application(request: Request, *, applicant: User, service: Service) -> Submission:
    """The web's application path: the service's form, the national systems' check, then
    ``submission_create`` (channel api; the Idempotency-Key makes the request's own key)."""
    form = ApplicationForm(_form_data(service, body(request)), request.FILES, service=service)
    if not form.is_valid():
        raise s.form_invalid(form)
    check = verification.form_verify(service=service, applicant=applicant, answers=form.answers())
    if check.errors:
        raise serializers.ValidationError({k: [v] for k, v in check.errors.items()})
    return services.submission_create(
        service=service,
        applicant=applicant,
        answers=check.answers,
        files=form.uploads(),
        idempotency_key=own_key(request),
        address=address(request),
        filing=services.Filing(channel=Channel.API),
        verification=check.state,
    )


class MyRequests(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        parameters=[PAGE_PARAMETER],
        tags=TAG,
        summary="My requests, newest first",
        responses={200: s.RequestPageOut},
    )
    def get(self, request: Request) -> Response:
        rows: QuerySet[Submission] = selectors.submissions_of_applicant(citizen(request))
        page, meta = paginate(request, rows)
        return Response({**meta, "results": s.RequestSummaryOut(page, many=True).data})

    @extend_schema(
        tags=TAG,
        summary="File a request: the service's form answers and documents (multipart)",
        request={"multipart/form-data": APPLICATION_SCHEMA},
        parameters=[LOCATION],
        responses={201: s.RequestOut},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        user = citizen(request)
        submission = file_application(request, applicant=user, service=service_named(request))
        submission = selectors.get_submission_for_applicant(user, submission.tracking_code)
        response = Response(s.RequestOut(request_out(submission)).data, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:my_request", args=[submission.tracking_code])
        return response


class MyRequest(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG, summary="One of my requests with its timeline", responses={200: s.RequestOut}
    )
    def get(self, request: Request, code: str) -> Response:
        submission = selectors.get_submission_for_applicant(citizen(request), code)
        return Response(s.RequestOut(request_out(submission)).data)


class Reply(ApiView):
    """The web's «my request» form: the citizen sends what the agency asked for."""

    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="Answer the agency's request for more (a message and/or documents)",
        request={"multipart/form-data": s.ReplyIn, "application/json": s.ReplyIn},
        responses={200: s.RequestOut},
    )
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        user = citizen(request)
        submission = selectors.get_submission_for_applicant(user, code)
        form = s.ReplyIn(data=request.data, context={"files": request.FILES})
        form.is_valid(raise_exception=True)
        documents = form.validated_data["documents"]
        quota_consume(
            citizen_id=user.pk, address=address(request), submissions=0, uploads=len(documents)
        )
        services.submission_transition(
            submission_id=submission.pk,
            actor=user,
            action="provide_info",
            message=form.validated_data["message"],
            files=documents,
        )
        submission = selectors.get_submission_for_applicant(user, code)
        return Response(s.RequestOut(request_out(submission)).data)


class MyFile(DownloadView):
    """A document of my request, or its result: the web's download, by the access policy."""

    permission_classes = [IsCitizen]

    @download_schema(TAG, "Download a document or result of my request")
    def get(self, request: Request, code: str, file_id: uuid.UUID) -> Any:
        return request_file(request, code, file_id)


def request_file(request: Request, code: str, file_id: uuid.UUID) -> Any:
    """A document of request ``code`` that the caller may read (the applicant, or staff of
    its agency), its reading audited as on the web."""
    attachment = selectors.get_attachment_for_user(request.user, file_id)
    if attachment.submission.tracking_code != code:
        raise Http404
    services.submission_read_audit(
        user=request.user, submission=attachment.submission, attachment=attachment
    )
    return send(
        attachment.file, filename=attachment.download_name, content_type=attachment.content_type
    )
