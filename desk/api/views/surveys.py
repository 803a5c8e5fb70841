"""A citizen rates the service of an ended request: the same invitation and ``response_save``
as the survey link texted to them (desk/surveys)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.permissions import IsCitizen
from desk.api.views.base import ApiView
from desk.api.views.citizen import citizen
from desk.submissions.selectors import get_submission_for_applicant
from desk.surveys import selectors, services
from desk.surveys.models import Channel, Invitation

TAG = ["citizen: surveys"]


def _invitation(request: Request, code: str) -> Invitation:
    submission = get_submission_for_applicant(citizen(request), code)
    invitation = selectors.invitation_of(submission)
    if invitation is None:
        raise Http404
    return invitation


def survey_out(invitation: Invitation) -> dict[str, object]:
    response = getattr(invitation, "response", None)
    return {
        "open": services.invitation_open(invitation),
        "questions": list(invitation.form_version.questions.all()),
        "answers": services.answers_of(response) if response else {},
    }


class Survey(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(tags=TAG, summary="The survey of my ended request", responses={200: s.SurveyOut})
    def get(self, request: Request, code: str) -> Response:
        return Response(s.SurveyOut(survey_out(_invitation(request, code))).data)

    @extend_schema(
        tags=TAG,
        summary="Answer (or, within the days allowed, change) the survey",
        request=s.SurveyIn,
        responses={200: s.SurveyOut},
    )
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        invitation = _invitation(request, code)
        form = s.SurveyIn(data=request.data)
        form.is_valid(raise_exception=True)
        services.response_save(
            token=invitation.token, answers=form.validated_data["answers"], channel=Channel.API
        )
        return Response(s.SurveyOut(survey_out(_invitation(request, code))).data)
