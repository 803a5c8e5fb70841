"""A citizen's letters to an agency: writing one with documents (registered in the agency's
register, channel ``api``), their letters, one letter with its notes and replies, and the
files of both — the letter pages' form, selectors and services (desk/letters)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from desk.agencies import access
from desk.agencies.models import Agency
from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.permissions import IsCitizen
from desk.api.schema import LOCATION
from desk.api.views.base import (
    PAGE_PARAMETER,
    ApiView,
    DownloadView,
    Extended,
    address,
    body,
    download_schema,
    own_key,
    paginate,
    send,
)
from desk.api.views.citizen import citizen
from desk.letters import selectors, services
from desk.letters.models import Channel, Letter
from desk.submissions.models import Submission

TAG = ["citizen: letters"]


def letter_out(letter: Letter) -> dict[str, Any]:
    extended = Extended(
        letter,
        attachments=selectors.attachments_of(letter),
        replies=selectors.replies_of(letter),
        notes=selectors.notes_of(letter, public_only=True),
    )
    return s.LetterOut(extended).data


class MyLetters(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        parameters=[PAGE_PARAMETER],
        tags=TAG,
        summary="My letters, newest first",
        responses={200: s.LetterPageOut},
    )
    def get(self, request: Request) -> Response:
        page, meta = paginate(request, selectors.letters_of_citizen(citizen(request)))
        return Response({**meta, "results": s.LetterSummaryOut(page, many=True).data})

    @extend_schema(
        tags=TAG,
        summary="Write a letter to an agency, with documents (multipart)",
        request={"multipart/form-data": s.LetterIn, "application/json": s.LetterIn},
        parameters=[LOCATION],
        responses={201: s.LetterOut},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        user = citizen(request)
        if not access.may_write_letter(user):
            raise PermissionDenied
        choices = {
            "agencies": Agency.objects.filter(is_active=True),
            "requests": Submission.objects.filter(applicant_id=user.pk),
        }
        form = s.LetterIn(data=body(request), context={"files": request.FILES, "form": choices})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        letter = services.letter_create(
            agency=data["agency"],
            citizen=user,
            registered_by=user,
            subject=data["subject"],
            body=data["body"],
            about=data["about"],
            files=data["documents"],
            idempotency_key=own_key(request),
            address=address(request),
            online=Channel.API,
        )
        letter = selectors.get_letter_for_citizen(user, letter.tracking_code)
        response = Response(letter_out(letter), status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:my_letter", args=[letter.tracking_code])
        return response


class MyLetter(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        summary="One of my letters with its progress and the agency's replies",
        responses={200: s.LetterOut},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(letter_out(selectors.get_letter_for_citizen(citizen(request), code)))


def _require_writer(request: Request, letter: Letter, code: str) -> None:
    """A file of letter ``code`` that the caller wrote (its agency's staff read it elsewhere)."""
    if letter.tracking_code != code or not access.is_letter_writer(request.user, letter):
        raise Http404


class LetterFile(DownloadView):
    permission_classes = [IsCitizen]

    @download_schema(TAG, "Download a document sent with my letter")
    def get(self, request: Request, code: str, file_id: uuid.UUID) -> Any:
        found = selectors.get_attachment_for_user(request.user, file_id)
        _require_writer(request, found.letter, code)
        return send(found.file, filename=found.download_name, content_type=found.content_type)


class LetterReplyFile(DownloadView):
    permission_classes = [IsCitizen]

    @download_schema(TAG, "Download the agency's reply to my letter (signed PDF)")
    def get(self, request: Request, code: str, reply_id: uuid.UUID) -> Any:
        reply = selectors.get_reply_for_user(request.user, reply_id)
        _require_writer(request, reply.letter, code)
        reply = services.reply_render(reply)
        services.reply_record_download(reply=reply, actor=citizen(request))
        return send(reply.file, filename=reply.filename, content_type="application/pdf")
