"""Reads of requests, each scoped to who is asking. Views never fetch a request any other way."""

from __future__ import annotations

import uuid
from datetime import date

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Staff
from desk.catalog.models import FieldKind, FormField
from desk.lib import tracking
from desk.lib.jalali import format_date, today_tehran
from desk.lib.validators import display_mobile
from desk.submissions.models import (
    Attachment,
    AttachmentKind,
    Channel,
    EventKind,
    Status,
    Submission,
    TimelineEvent,
)
from desk.workflow.selectors import inbox_filter

INBOX_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)
# Session key: the requests this browser proved (tracking code + national code) this session.
TRACKED_SESSION_KEY = "tracked_submissions"
TRACK_COLUMNS = (
    "tracking_code",
    "applicant_id",
    "status",
    "submitted_at",
    "due_on",
    "service__title",
    "agency__name",
    "current_step__citizen_label",
    "current_step__kind",
    "current_step__version",
    "step_due_on",
    "service__slug",
    "service__fee_amount",
)
# The staff lists show a few columns of thousands of rows; a service card's text is long.
LIST_COLUMNS = ("tracking_code", "status", "service__title")
INBOX_COLUMNS = (
    *LIST_COLUMNS,
    "applicant_name",
    "applicant_national_code",
    "submitted_at",
    "due_on",
    "step_due_on",
    "verification",
    "held",
)
PUBLIC_EVENT_COLUMNS = (
    "submission_id",
    "kind",
    "status_after",
    "actor_id",
    "message",
    "label",
    "is_public",
    "created_at",
)


def inbox_for_staff(staff: Staff) -> QuerySet[Submission]:
    """What the staff member's roles and departments can act on: overdue first (the request
    or its current step), then oldest."""
    today = today_tehran()
    return (
        Submission.objects.filter(inbox_filter(staff), status__in=INBOX_STATUSES)
        .select_related("service")
        .only(*INBOX_COLUMNS)
        .annotate(
            overdue_rank=Case(
                When(Q(due_on__lt=today) | Q(step_due_on__lt=today), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("overdue_rank", "submitted_at", "pk")
    )


def waiting_for_citizen(user: object, limit: int = 50) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(access.submissions_visible_to(user), status=Status.NEEDS_INFO)
        .select_related("service")
        .only(*LIST_COLUMNS)
        .order_by("submitted_at")[:limit]
    )


def recently_closed(user: object, limit: int = 20) -> QuerySet[Submission]:
    # closed_at is set exactly when a request is completed or rejected; filtering on it (not on
    # the two statuses) lets the partial index serve the newest first without a sort.
    return (
        Submission.objects.filter(access.submissions_visible_to(user), closed_at__isnull=False)
        .select_related("service")
        .only(*LIST_COLUMNS)
        .order_by("-closed_at")[:limit]
    )


def get_submission_for_staff(user: object, tracking_code: str) -> Submission:
    """The request if `user` is staff of its agency; 404 otherwise, so that its existence leaks
    nothing to other agencies."""
    submission = (
        Submission.objects.select_related(
            "service",
            "agency",
            "applicant",
            "current_step",
            "department",
            "assigned_to",
            "filed_by",
        )
        .filter(access.submissions_visible_to(user), tracking_code=tracking_code)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def get_submission_for_key(key: object, tracking_code: str) -> Submission:
    """A request of the agency whose API key asks (desk/api); 404 for any other agency's."""
    submission = (
        Submission.objects.select_related("service", "agency", "current_step")
        .filter(access.key_rows(key), tracking_code=tracking_code)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def get_submission_for_applicant(user: User, tracking_code: str) -> Submission:
    submission = (
        Submission.objects.select_related("service", "agency", "current_step")
        .filter(tracking_code=tracking_code, applicant_id=user.pk)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def submission_by_key(user: User, idempotency_key: str) -> Submission | None:
    """The applicant's request filed with this form key, if it has been filed already."""
    return (
        Submission.objects.filter(applicant_id=user.pk, idempotency_key=idempotency_key)
        .only("tracking_code")
        .first()
    )


def submissions_of_applicant(user: User) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(applicant_id=user.pk)
        .select_related("service", "agency")
        .order_by("-submitted_at")
    )


def submission_track(*, code: str, national_code: str) -> Submission | None:
    """Public lookup: the code and the applicant's national code must both match."""
    code = tracking.normalize(code)
    if not tracking.is_valid(code):
        return None
    # The busiest public page: only the columns it shows (a service card's text is long).
    try:
        return (
            Submission.objects.select_related("service", "agency", "current_step")
            .only(*TRACK_COLUMNS)
            .get(tracking_code=code, applicant_national_code=national_code)
        )
    except Submission.DoesNotExist:  # the code is unique: no ordering, no second row
        return None


def get_attachment_for_user(
    user: object, public_id: uuid.UUID, tracked_ids: list[int]
) -> Attachment:
    """An attachment for whoever may see it (``access.can_view_attachment``); 404 for anyone
    else, so that its existence leaks nothing."""
    attachment = Attachment.objects.select_related("submission").filter(public_id=public_id).first()
    if attachment is None or not access.can_view_attachment(
        user, attachment, tracked_ids=tracked_ids
    ):
        raise Http404
    return attachment


def result_files(submission: Submission) -> list[Attachment]:
    """The files the agency attached as the result of a request."""
    return list(submission.attachments.filter(kind=AttachmentKind.RESULT))


def timeline_for(submission: Submission, *, public_only: bool = True) -> list[TimelineEvent]:
    """The request's events; citizens see only those meant for them (and not who acted)."""
    if public_only:
        return list(submission.events.filter(is_public=True).only(*PUBLIC_EVENT_COLUMNS))
    return list(submission.events.select_related("actor", "step"))


def decision_note(events: list[TimelineEvent]) -> str:
    """What staff wrote to the citizen with the decision (the last closing event's message),
    shown beside the result or the rejection rather than at the bottom of the timeline."""
    closing = [e for e in events if e.kind in (EventKind.COMPLETED, EventKind.REJECTED)]
    return closing[-1].message if closing else ""


def answers_for_display(submission: Submission) -> list[tuple[str, object]]:
    """The form answers as (label, value) for people: Jalali dates, yes/no, attachments."""
    attachments = {str(a.public_id): a for a in submission.attachments.all()}
    rows: list[tuple[str, object]] = []
    for field in submission.service.form_fields.all():
        value = submission.data.get(field.name)
        if value in (None, ""):
            continue
        shown = (
            attachments.get(value) if field.kind == FieldKind.FILE else answer_text(field, value)
        )
        rows.append((field.label, shown))
    return rows


def answer_text(field: FormField, value: object) -> str:
    """One stored answer as a person reads it: a Jalali date, «بله»/«خیر», a mobile as 09…"""
    if field.kind == FieldKind.DATE:
        return format_date(date.fromisoformat(str(value)))
    if field.kind == FieldKind.YES_NO:
        return "بله" if value == "yes" else "خیر"
    if field.kind == FieldKind.MOBILE:
        return display_mobile(str(value))
    return str(value)


def submissions_of_citizen_for_staff(user: object, national_code: str) -> list[Submission]:
    """A citizen's requests that ``user`` may open (their own agency's only), newest first,
    with their issued documents: the desk's look-up by national code (desk/frontdesk)."""
    return list(
        Submission.objects.filter(
            access.submissions_visible_to(user), applicant_national_code=national_code
        )
        .select_related("service", "current_step")
        .prefetch_related("issued_documents")
        .order_by("-submitted_at")[:50]
    )


def counts_by_channel(agency_id: int, *, since: date | None = None) -> dict[str, int]:
    """How an agency's requests came in (web, desk, phone, api), for oversight reports: every
    channel listed, zero included."""
    rows = Submission.objects.filter(agency_id=agency_id)
    if since is not None:
        rows = rows.filter(submitted_at__date__gte=since)
    counted = dict(rows.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    return {channel: counted.get(channel, 0) for channel in Channel.values}
