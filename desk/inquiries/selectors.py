"""Reads of inquiries, each scoped through the one access policy."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from desk.agencies import access
from desk.core.compiled import CompiledQuery
from desk.inquiries.models import (
    IDENTITY_FIELDS,
    Inquiry,
    InquiryFile,
    InquiryLog,
    LogKind,
    State,
)
from desk.lib.jalali import format_date, today_tehran
from desk.lib.persian import to_persian_digits
from desk.registries.selectors import calls_for_submission
from desk.submissions.models import Attachment, Submission
from desk.submissions.selectors import answer_text
from desk.workflow.selectors import step_actions

INBOX_PAGE_SIZE = 50
# What the citizen's data tracker lists: who received, opened or answered about their data.
TRACKED_KINDS = (
    LogKind.SENT,
    LogKind.VIEWED,
    LogKind.FILE_VIEWED,
    LogKind.ANSWERED,
    LogKind.DECLINED,
)


def inbox_for_agency(user: object) -> QuerySet[Inquiry]:
    """Open inquiries to the viewer's agency: overdue first, then the nearest deadline."""
    return _open_inquiries(access.staff_rows(user, "to_agency_id"))


def inbox_for_key(key: object) -> QuerySet[Inquiry]:
    """The same, for an agency's system holding an API key (desk/api)."""
    return _open_inquiries(access.key_rows(key, "to_agency_id"))


def _open_inquiries(rows: Q) -> QuerySet[Inquiry]:
    today = today_tehran()
    return (
        Inquiry.objects.filter(rows, state=State.SENT)
        .select_related("from_agency")
        .annotate(
            overdue_rank=Case(
                When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("overdue_rank", "due_on", "pk")
    )


def recently_answered(user: object, limit: int = 20) -> QuerySet[Inquiry]:
    return (
        Inquiry.objects.filter(
            access.staff_rows(user, "to_agency_id"),
            state__in=(State.ANSWERED, State.DECLINED),
        )
        .select_related("from_agency")
        .order_by("-answered_at")[:limit]
    )


@dataclass(frozen=True, slots=True)
class LateInquiry:
    """One of the agency's own inquiries whose asked agency let the deadline pass."""

    case_reference: str
    target_name: str
    due_on: datetime.date


def late_asked_by(user: object, limit: int = 20) -> list[LateInquiry]:
    """The viewer's agency's own inquiries that the asked agency let pass their deadline."""
    agency_id = access.agency_for_staff(user)
    if agency_id is None:
        return []
    return [
        LateInquiry(code, name if to_agency_id is not None else remote, due_on)
        for code, to_agency_id, name, remote, due_on in _LATE_ASKED.rows(
            agency_id, today_tehran(), shape=limit
        )
    ]


def _late_asked_query(agency_id: int, today: datetime.date, limit: int) -> QuerySet[Inquiry, Any]:
    return (
        Inquiry.objects.filter(from_agency_id=agency_id, state=State.SENT, due_on__lt=today)
        .order_by("due_on", "pk")
        .values_list(
            "case_reference", "to_agency_id", "to_agency__name", "remote_agency", "due_on"
        )[:limit]
    )


# Both on the staff inbox: compiled once per process (the agency from the access policy).
_LATE_ASKED = CompiledQuery(_late_asked_query, (int, datetime.date))


def get_inquiry_for_answerer(user: object, public_id: uuid.UUID) -> Inquiry:
    """An inquiry to the viewer's agency; 404 for anyone else (the asking agency included:
    it follows its inquiries on its own request's page)."""
    inquiry = (
        Inquiry.objects.select_related("from_agency", "to_agency", "submission__service")
        .filter(access.staff_rows(user, "to_agency_id"), public_id=public_id)
        .first()
    )
    if inquiry is None:
        raise Http404
    return inquiry


@dataclass(frozen=True)
class Shared:
    """What of the asking request the asked agency sees now: answers and files."""

    rows: list[tuple[str, str]]
    files: list[Attachment]
    service: str


def shared_with(user: object, inquiry: Inquiry) -> Shared:
    """Exactly what the access policy's grants allow ``user`` to see of the request (nothing
    once the inquiry is answered); a peer's inquiry shows what it carried."""
    submission = inquiry.submission
    if submission is None:
        return Shared(rows=[(str(a), str(b)) for a, b in inquiry.shared], files=[], service="")
    seen = access.submission_access(user, submission)
    if not seen.any or seen.full:  # full: not an asked agency's view at all
        return Shared(rows=[], files=[], service=submission.service.title)
    rows: list[tuple[str, str]] = [
        (str(label), str(getattr(submission, name)))
        for name, label in IDENTITY_FIELDS.items()
        if seen.may_see_field(name)
    ]
    for field in submission.service.form_fields.all():
        value = submission.data.get(field.name)
        if field.kind != "file" and value not in (None, "") and seen.may_see_field(field.name):
            rows.append((field.label, answer_text(field, value)))
    files = [
        a
        for a in Attachment.objects.filter(submission=submission, pk__in=seen.attachment_ids)
        if seen.may_see_attachment(a.pk)
    ]
    return Shared(rows=rows, files=files, service=submission.service.title)


def get_shared_attachment(user: object, inquiry: Inquiry, attachment_id: uuid.UUID) -> Attachment:
    attachment = (
        Attachment.objects.select_related("submission")
        .filter(public_id=attachment_id, submission=inquiry.submission)
        .first()
    )
    if (
        inquiry.submission is None
        or attachment is None
        or not access.can_view_attachment(user, attachment)
    ):
        raise Http404
    return attachment


def inquiries_of_request(submission: Submission) -> list[Inquiry]:
    """For the asking agency's staff: every inquiry of the request, with the answers' files."""
    return list(
        submission.inquiries.select_related("to_agency", "sent_by", "peer")
        .prefetch_related("files")
        .order_by("sent_at", "pk")
    )


def pending_for_citizen(submission: Submission) -> list[Inquiry]:
    return list(
        submission.inquiries.filter(state=State.SENT)
        .select_related("to_agency")
        .order_by("due_on", "pk")
    )


def open_inquiries_of(submission: Submission) -> list[Inquiry]:
    """The request's inquiries of its current step still waiting for an answer: the ones that
    moving the request out of the step now would withdraw (services.on_submission_moved)."""
    if submission.current_step_id is None:
        return []
    return list(
        submission.inquiries.filter(state=State.SENT, step_id=submission.current_step_id)
        .select_related("to_agency", "peer")
        .order_by("due_on", "pk")
    )


def leave_warning(submission: Submission, action: str) -> str:
    """For the staff's action form: when the current step's `action` takes the request out of
    the step while inquiries of the step are unanswered, what taking it does to them, in
    Persian, to be confirmed before it is taken; "" when there is nothing to warn of."""
    step = submission.current_step
    waiting = open_inquiries_of(submission) if step is not None else []
    if step is None or not waiting:
        return ""
    chosen = next((a for a in step_actions(step) if a.key == action), None)
    if chosen is None or chosen.target_id == step.pk:
        return ""
    agencies = "، ".join(
        gettext("%(agency)s (مهلت پاسخ %(due)s)")
        % {"agency": inquiry.target_name, "due": format_date(inquiry.due_on)}
        for inquiry in waiting
    )
    return ngettext(
        "پاسخ استعلام از %(agencies)s هنوز نرسیده است. با این اقدام، استعلام پس گرفته "
        "می‌شود و پاسخی که بعداً بیاید پذیرفته نمی‌شود.",
        "پاسخ استعلام‌ها از %(agencies)s هنوز نرسیده است. با این اقدام، این %(count)s استعلام "
        "پس گرفته می‌شوند و پاسخی که بعداً بیاید پذیرفته نمی‌شود.",
        len(waiting),
    ) % {"agencies": agencies, "count": to_persian_digits(len(waiting))}


class _OpenInquiriesWarning:
    """``leave_warning`` as a provider of desk.submissions.warnings (registered in apps.py)."""

    def leave_warnings(self, *, submission: Submission, action: str) -> list[str]:
        text = leave_warning(submission, action)
        return [text] if text else []


OPEN_INQUIRIES_WARNING = _OpenInquiriesWarning()


def get_answer_file(user: object, public_id: uuid.UUID) -> InquiryFile:
    """A document of an answer: the asking request's agency, or the agency that answered."""
    row = (
        InquiryFile.objects.select_related("inquiry__submission")
        .filter(public_id=public_id)
        .first()
    )
    if row is None:
        raise Http404
    inquiry = row.inquiry
    asker = inquiry.submission is not None and access.can_view_submission(user, inquiry.submission)
    if not (asker or access.is_staff_of(user, inquiry.to_agency_id)):
        raise Http404
    return row


@dataclass(frozen=True)
class Look:
    """One line of «who looked at my data»."""

    at: datetime.datetime
    who: str
    what: str
    why: str


def data_tracker(submission: Submission, limit: int = 100) -> list[Look]:
    """Which agencies received, opened or answered about the citizen's data, and which national
    systems were asked about it (desk.registries), newest first, each with why."""
    rows = (
        InquiryLog.objects.filter(submission=submission, kind__in=TRACKED_KINDS)
        .select_related("inquiry__to_agency")
        .order_by("-created_at", "-pk")[:limit]
    )
    looks = [
        Look(
            at=r.created_at,
            # «Sent» is the asking agency's act; the citizen wants to know who received it.
            who=r.inquiry.target_name if r.kind == LogKind.SENT else r.agency_name,
            what=str(RECEIVED) if r.kind == LogKind.SENT else r.get_kind_display(),
            why=r.reason,
        )
        for r in rows
    ]
    looks += [
        Look(
            at=call.created_at,
            who=call.get_adapter_display(),
            what=_("استعلام سامانه ملی: %(status)s") % {"status": call.get_status_display()},
            why=call.purpose,
        )
        for call in calls_for_submission(submission.pk)[-limit:]
    ]
    return sorted(looks, key=lambda look: look.at, reverse=True)[:limit]


RECEIVED = _("استعلام درباره درخواست شما را دریافت کرد")


def open_count(user: object) -> int:
    """How many inquiries to the viewer's agency wait for its answer."""
    agency_id = access.agency_for_staff(user)
    found = _OPEN_COUNT.rows(agency_id) if agency_id is not None else []
    return found[0][0] if found else 0


def _open_count_query(agency_id: int) -> QuerySet[Inquiry, Any]:
    # One group (the agency): COUNT(*) … GROUP BY to_agency_id, no row when there is none.
    return (
        Inquiry.objects.filter(to_agency_id=agency_id, state=State.SENT)
        .order_by()
        .values("to_agency_id")
        .annotate(open=Count("pk"))
        .values_list("open")
    )


_OPEN_COUNT = CompiledQuery(_open_count_query, (int,))
