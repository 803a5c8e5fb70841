"""Staff with a token: the inbox, a request with the actions its current step allows them,
taking an action, assignment — the web's selectors and services (desk/submissions)."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from desk.accounts.models import User
from desk.agencies.access import require_staff
from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.permissions import IsStaff
from desk.api.views.base import PAGE_PARAMETER, ApiView, DownloadView, download_schema, paginate
from desk.api.views.citizen import answers_out, request_file
from desk.core.errors import ApplicationError
from desk.submissions import selectors, services
from desk.submissions.models import Submission, TimelineEvent

TAG = ["staff"]


def staff_user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def event_out(event: TimelineEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "label": event.label,
        "message": event.message,
        "status_after": event.status_after,
        "created_at": event.created_at,
        "is_public": event.is_public,
        "actor": str(event.actor) if event.actor_id else None,
    }


def staff_request_out(submission: Submission, user: User) -> dict[str, Any]:
    actions = services.staff_actions_for(submission, user)
    return {
        "submission": submission,
        **{f: getattr(submission, f) for f in _COPIED},
        "get_status_display": submission.get_status_display(),
        "service": submission.service,
        "current_step": submission.current_step,
        "department": submission.department,
        "assigned_to_id": submission.assigned_to_id,
        "answers": answers_out(submission),
        "attachments": list(submission.attachments.all()),
        "timeline": [event_out(e) for e in selectors.timeline_for(submission, public_only=False)],
        "actions": [
            {**a.__dict__, "needs_confirmation": a.rejects or a.completes} for a in actions
        ],
    }


_COPIED = (
    "tracking_code",
    "status",
    "applicant_name",
    "applicant_national_code",
    "channel",
    "submitted_at",
    "due_on",
    "step_due_on",
    "held",
)


class Inbox(ApiView):
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[PAGE_PARAMETER],
        tags=TAG,
        summary="The inbox: what my roles and departments can act on, overdue first",
        responses={200: s.InboxPageOut},
    )
    def get(self, request: Request) -> Response:
        staff = require_staff(request.user)
        page, meta = paginate(request, selectors.inbox_for_staff(staff), per_page=50)
        return Response({**meta, "results": s.InboxRowOut(page, many=True).data})


class Colleagues(ApiView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAG,
        summary="The active staff of my agency: the ids a manager assigns a request to",
        responses={200: s.ColleagueOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        staff = require_staff(request.user)
        rows = selectors.colleagues_of(staff)
        return Response(s.ColleagueOut(rows, many=True).data)


class StaffRequest(ApiView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAG,
        summary="A request of my agency, with the actions its step allows me",
        responses={200: s.StaffRequestOut},
    )
    def get(self, request: Request, code: str) -> Response:
        submission = selectors.get_submission_for_staff(request.user, code)
        services.submission_read_audit(user=request.user, submission=submission)
        return Response(s.StaffRequestOut(staff_request_out(submission, staff_user(request))).data)


class StaffAct(ApiView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAG,
        summary="Take one of the actions the request's step allows me",
        request={"multipart/form-data": s.StaffActionIn, "application/json": s.StaffActionIn},
        responses={200: s.StaffRequestOut},
    )
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        user = staff_user(request)
        submission = selectors.get_submission_for_staff(user, code)
        form = s.StaffActionIn(data=request.data, context={"files": request.FILES})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        choice = next(
            (a for a in services.staff_actions_for(submission, user) if a.name == data["action"]),
            None,
        )
        # Irreversible on the web after a confirmation page or tick: here, ``confirmed``.
        if choice is not None and (choice.rejects or choice.completes) and not data["confirmed"]:
            raise ApplicationError(
                _("این اقدام درخواست را به پایان می‌رساند؛ با confirmed=true تأیید کنید."),
                field="confirmed",
            )
        submission = services.submission_transition(
            submission_id=submission.pk,
            actor=user,
            action=data["action"],
            message=data["message"],
            files=data["documents"],
        )
        submission = selectors.get_submission_for_staff(user, code)
        return Response(s.StaffRequestOut(staff_request_out(submission, user)).data)


class StaffAssign(ApiView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=TAG,
        summary="Give the request to one colleague, or back to the step's team (null)",
        request=s.AssignIn,
        responses={200: s.StaffRequestOut},
    )
    @idempotent
    def post(self, request: Request, code: str) -> Response:
        user = staff_user(request)
        submission = selectors.get_submission_for_staff(user, code)
        staff = require_staff(user)
        form = s.AssignIn(data=request.data, context={"form": {"agency_id": staff.agency_id}})
        form.is_valid(raise_exception=True)
        services.submission_assign(
            submission_id=submission.pk, actor=user, assignee=form.validated_data["assignee"]
        )
        submission = selectors.get_submission_for_staff(user, code)
        return Response(s.StaffRequestOut(staff_request_out(submission, user)).data)


class StaffFile(DownloadView):
    permission_classes = [IsStaff]

    @download_schema(TAG, "Download a document of a request of my agency")
    def get(self, request: Request, code: str, file_id: uuid.UUID) -> Any:
        return request_file(request, code, file_id)
