"""Writes of inquiries: sending one when a request enters an inquiry step (or when the expert
chooses whom to ask), answering or declining it, withdrawing the open ones when the request
moves on, and what the answers do to the asking request."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Agency, Role, Staff
from desk.calendars.selectors import calendar_for_agency
from desk.core.errors import ApplicationError
from desk.core.events import (
    InquiryAnswered,
    InquiryReceived,
    SubmissionCompleted,
    SubmissionMoved,
    SubmissionRejected,
    SubmissionSubmitted,
    announce,
)
from desk.core.uploads import document_save, files_deleted_on_error
from desk.inquiries import staging
from desk.inquiries.models import (
    IDENTITY_FIELDS,
    Delivery,
    Inquiry,
    InquiryFile,
    InquiryLog,
    InquiryRule,
    LogKind,
    OnAnswer,
    Peer,
    StagedAnswerFile,
    State,
    WaitFor,
)
from desk.lib.jalali import format_date, today_tehran
from desk.notifications.services import message_queue_template
from desk.submissions.models import Attachment, EventKind, Submission
from desk.submissions.services import (
    staff_may_act_now,
    submission_advance,
    submission_note_event,
)
from desk.workflow.models import Step, StepKind

# How many of the asked agency's staff a new inquiry or a reminder is texted to.
NOTIFY_AT_MOST = 20


@dataclass(frozen=True)
class Target:
    """Whom an inquiry asks: an agency here, or an agency (by slug) of a peer installation."""

    agency: Agency | None = None
    peer: Peer | None = None
    remote_slug: str = ""

    @property
    def name(self) -> str:
        if self.agency is not None:
            return self.agency.name
        assert self.peer is not None
        return f"{self.remote_slug} ({self.peer.name})"


def rule_for(submission: Submission, step: Step) -> InquiryRule | None:
    return InquiryRule.objects.filter(service_id=submission.service_id, step_key=step.key).first()


def rule_targets(rule: InquiryRule) -> list[Target]:
    """The rule's targets that exist and are active (a deleted agency is skipped, not fatal)."""
    targets: list[Target] = []
    for line in rule.target_lines():
        peer_key, _sep, slug = line.rpartition(":")
        if peer_key:
            peer = Peer.objects.filter(key=peer_key, is_active=True).first()
            if peer is not None:
                targets.append(Target(peer=peer, remote_slug=slug))
            continue
        agency = Agency.objects.filter(slug=slug, is_active=True).first()
        if agency is not None:
            targets.append(Target(agency=agency))
    return targets


# --- sending ----------------------------------------------------------------------------------


def on_submission_moved(event: SubmissionMoved) -> None:
    """Subscriber: open inquiries of the step left are withdrawn (their grants end); entering
    an inquiry step sends what its rule names."""
    if event.from_step_id is not None:
        inquiries_withdraw(submission_id=event.submission_id, step_id=event.from_step_id)
    inquiries_send_for_step(submission_id=event.submission_id, step_id=event.to_step_id)


def on_submission_submitted(event: SubmissionSubmitted) -> None:
    """Subscriber: a workflow may start with an inquiry."""
    step_id = (
        Submission.objects.filter(pk=event.submission_id)
        .values_list("current_step_id", flat=True)
        .first()
    )
    if step_id is not None:
        inquiries_send_for_step(submission_id=event.submission_id, step_id=step_id)


def on_submission_completed(event: SubmissionCompleted) -> None:
    """Subscriber: a request that ended asks nobody anything any more."""
    inquiries_withdraw(submission_id=event.submission_id, step_id=None)


def on_submission_rejected(event: SubmissionRejected) -> None:
    """Subscriber: a request that ended asks nobody anything any more."""
    inquiries_withdraw(submission_id=event.submission_id, step_id=None)


@transaction.atomic
def inquiries_send_for_step(*, submission_id: int, step_id: int) -> list[Inquiry]:
    """Send the inquiries the step's rule names, once per visit of the step; nothing for a step
    of another kind, a rule that lets the expert choose, or a request no longer there."""
    submission = _lock(submission_id)
    step = submission.current_step
    if step is None or step.pk != step_id or step.kind != StepKind.INQUIRY:
        return []
    rule = rule_for(submission, step)
    if rule is None or _sent_this_visit(submission, step).exists():
        return []
    targets = rule_targets(rule)
    if not targets:
        return []
    return _send(
        submission=submission,
        step=step,
        actor=None,
        targets=targets,
        question=rule.question,
        fields=rule.field_names(),
        wait_for=WaitFor(rule.wait_for),
        on_answer=OnAnswer(rule.on_answer),
        days=rule.answer_days,
    )


@transaction.atomic
def inquiry_send_by_expert(
    *, submission_id: int, actor: User, to_agency: Agency, question: str, fields: Sequence[str]
) -> Inquiry:
    """The asking agency's expert chooses whom to ask (and may ask one more agency at a step
    whose rule already sent its own): one who may act at the inquiry step, as for its
    actions."""
    submission = _lock(submission_id)
    if not access.can_act_on_submission(actor, submission):
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    step = submission.current_step
    if step is None or step.kind != StepKind.INQUIRY or not submission.is_open:
        raise ApplicationError(_("استعلام فقط در مرحله استعلام فرستاده می‌شود."))
    # The citizen's data leaves the agency: only who works this step (its role, department,
    # assignment) sends it, not any staff member of the agency.
    if not staff_may_act_now(submission, actor):
        raise ApplicationError(_("فرستادن استعلام در این مرحله با کارشناس همین مرحله است."))
    if not to_agency.is_active or to_agency.pk == submission.agency_id:
        raise ApplicationError(_("دستگاه دیگری را انتخاب کنید."), field="to_agency")
    if _sent_this_visit(submission, step).filter(to_agency=to_agency, state=State.SENT).exists():
        raise ApplicationError(_("از این دستگاه استعلامی در انتظار پاسخ است."), field="to_agency")
    if not question.strip():
        raise ApplicationError(_("پرسش استعلام را بنویسید."), field="question")
    known = set(submission.service.form_fields.values_list("name", flat=True)) | set(
        IDENTITY_FIELDS
    )
    rule = rule_for(submission, step)
    (inquiry,) = _send(
        submission=submission,
        step=step,
        actor=actor,
        targets=[Target(agency=to_agency)],
        question=question.strip(),
        fields=[f for f in fields if f in known],
        wait_for=WaitFor(rule.wait_for) if rule else WaitFor.ALL,
        on_answer=OnAnswer(rule.on_answer) if rule else OnAnswer.ADVANCE,
        days=rule.answer_days if rule else 5,
    )
    return inquiry


def _lock(submission_id: int) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("service", "agency", "current_step")
        .get(pk=submission_id)
    )


def _sent_this_visit(submission: Submission, step: Step) -> QuerySet[Inquiry]:
    """The inquiries sent since the request last entered ``step`` (a step may be visited twice)."""
    since = submission.step_started_at or submission.submitted_at
    return Inquiry.objects.filter(submission=submission, step=step, sent_at__gte=since)


def _send(
    *,
    submission: Submission,
    step: Step,
    actor: User | None,
    targets: list[Target],
    question: str,
    fields: list[str],
    wait_for: WaitFor,
    on_answer: OnAnswer,
    days: int,
) -> list[Inquiry]:
    attachment_ids = _shared_attachments(submission, fields)
    sent: list[Inquiry] = []
    for target in targets:
        # The answering agency's own calendar; a peer's deadline is corrected by its reply.
        calendar = calendar_for_agency(target.agency if target.agency else submission.agency)
        inquiry = Inquiry.objects.create(
            submission=submission,
            step=step,
            from_agency=submission.agency,
            to_agency=target.agency,
            peer=target.peer,
            remote_agency=target.remote_slug,
            case_reference=submission.tracking_code,
            question=question,
            fields=fields,
            attachment_ids=sorted(attachment_ids) if target.agency else [],
            shared=shared_rows(submission, fields) if target.peer else [],
            wait_for=wait_for,
            on_answer=on_answer,
            sent_by=actor,
            due_on=calendar.add_working_days(today_tehran(), days),
            delivery=Delivery.PENDING if target.peer else Delivery.NONE,
            next_attempt_at=timezone.now() if target.peer else None,
        )
        log_write(inquiry, LogKind.SENT, agency=submission.agency, actor=actor, result="")
        submission_note_event(
            submission_id=submission.pk,
            kind=EventKind.INQUIRY,
            actor=actor,
            message=_("در انتظار پاسخ استعلام از %(agency)s؛ پاسخ تا %(due)s")
            % {"agency": target.name, "due": format_date(inquiry.due_on)},
        )
        if target.agency is not None:
            _notify_asked(inquiry, event="inquiry_received")
            announce(InquiryReceived(inquiry_id=inquiry.pk, agency_id=target.agency.pk))
        else:
            transaction.on_commit(functools.partial(_deliver_later, inquiry.pk))
        sent.append(inquiry)
    return sent


def _deliver_later(inquiry_id: int) -> None:
    from desk.inquiries.tasks import inquiry_deliver

    inquiry_deliver(inquiry_id)


def _shared_attachments(submission: Submission, fields: list[str]) -> set[int]:
    """The request's files behind the shared file fields (their answers name them)."""
    public_ids = [str(submission.data[f]) for f in fields if submission.data.get(f)]
    return set(
        Attachment.objects.filter(
            submission=submission, public_id__in=_uuids(public_ids)
        ).values_list("pk", flat=True)
    )


def _uuids(values: list[str]) -> list[str]:
    import uuid

    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return out


def shared_rows(submission: Submission, fields: Sequence[str]) -> list[list[str]]:
    """The shared answers as [label, text] (for a peer, which cannot read our request)."""
    from desk.submissions.selectors import answer_text

    rows: list[list[str]] = []
    for name in fields:
        if name in IDENTITY_FIELDS:
            rows.append([str(IDENTITY_FIELDS[name]), str(getattr(submission, name))])
    for field in submission.service.form_fields.all():
        value = submission.data.get(field.name)
        if field.name in fields and value not in (None, "") and field.kind != "file":
            rows.append([field.label, answer_text(field, value)])
    return rows


# --- answering --------------------------------------------------------------------------------


def _lock_inquiry(inquiry_id: int) -> Inquiry:
    return (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("to_agency", "from_agency", "peer")
        .get(pk=inquiry_id)
    )


def _require_answerer(actor: User, inquiry: Inquiry) -> None:
    if not access.is_staff_of(actor, inquiry.to_agency_id):
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    if inquiry.state != State.SENT:
        raise ApplicationError(
            _("این استعلام «%(state)s» است و پاسخ تازه نمی‌پذیرد.")
            % {"state": inquiry.get_state_display()}
        )


@files_deleted_on_error()
@transaction.atomic
def inquiry_answer(
    *,
    inquiry_id: int,
    actor: User,
    answer: str,
    files: Sequence[File] = (),
    staged: Sequence[str] = (),
) -> Inquiry:
    """The asked agency answers, with documents (already checked: desk.core.uploads) and
    those `actor` kept for it by reference (desk/inquiries/staging.py), whose stored files
    the answer adopts as they are."""
    inquiry = _lock_inquiry(inquiry_id)
    _require_answerer(actor, inquiry)
    if not answer.strip():
        raise ApplicationError(_("متن پاسخ را بنویسید."), field="answer")
    for kept in staging.answer_files_claim(inquiry=inquiry, owner=actor, references=staged):
        _file_adopt(inquiry, kept, actor)
    for upload in files:
        _file_store(inquiry, upload, actor)
    inquiry.state = State.ANSWERED
    inquiry.answer = answer.strip()
    _closed_by(inquiry, actor)
    log_write(inquiry, LogKind.ANSWERED, agency=inquiry.to_agency, actor=actor, result="")
    inquiry_settle(inquiry)
    return inquiry


@transaction.atomic
def inquiry_decline(*, inquiry_id: int, actor: User, reason: str) -> Inquiry:
    """The asked agency will not answer, and says why (the asking expert reads it)."""
    inquiry = _lock_inquiry(inquiry_id)
    _require_answerer(actor, inquiry)
    if not reason.strip():
        raise ApplicationError(_("دلیل پاسخ ندادن را بنویسید."), field="reason")
    inquiry.state = State.DECLINED
    inquiry.decline_reason = reason.strip()
    _closed_by(inquiry, actor)
    log_write(
        inquiry, LogKind.DECLINED, agency=inquiry.to_agency, actor=actor, result=reason.strip()
    )
    inquiry_settle(inquiry)
    return inquiry


def _closed_by(inquiry: Inquiry, actor: User) -> None:
    inquiry.answered_at = timezone.now()
    inquiry.answered_by = actor
    inquiry.answered_by_name = actor.get_full_name() or actor.username
    if inquiry.peer_id is not None:  # a peer asked: our answer travels back to it
        inquiry.delivery = Delivery.PENDING
        inquiry.attempts = 0
        inquiry.next_attempt_at = timezone.now()
        transaction.on_commit(functools.partial(_deliver_later, inquiry.pk))
    inquiry.save()


def _file_store(inquiry: Inquiry, upload: File, actor: User | None) -> InquiryFile:
    row = InquiryFile(inquiry=inquiry, uploaded_by=actor)
    document_save(row, upload)
    row.save()
    return row


def _file_adopt(inquiry: Inquiry, kept: StagedAnswerFile, actor: User) -> InquiryFile:
    """The answer's file from a kept one: the same stored file, named and sized as checked."""
    return InquiryFile.objects.create(
        inquiry=inquiry,
        uploaded_by=actor,
        file=kept.file.name,
        original_name=kept.original_name,
        content_type=kept.content_type,
        size=kept.size,
        sha256=kept.sha256,
    )


def inquiry_settle(inquiry: Inquiry) -> None:
    """What an answer or a refusal does to the asking request: a note on its timeline, and,
    once the step's inquiries are settled (all answered, or the first answer when the step
    waits for the first), the request moves on along the step's way out."""
    if inquiry.submission_id is None:
        return  # a peer asked: its own installation settles its request
    answered = inquiry.state == State.ANSWERED
    if inquiry.from_agency_id is not None:  # always, for our own request's inquiry
        announce(
            InquiryAnswered(
                inquiry_id=inquiry.pk,
                agency_id=inquiry.from_agency_id,
                submission_id=inquiry.submission_id,
                answered=answered,
            )
        )
    submission_note_event(
        submission_id=inquiry.submission_id,
        kind=EventKind.INQUIRY,
        actor=None,
        message=(
            _("پاسخ استعلام از %(agency)s رسید.")
            if answered
            else _("%(agency)s به استعلام پاسخ نداد.")
        )
        % {"agency": inquiry.target_name},
    )
    siblings = list(
        Inquiry.objects.select_for_update()
        .filter(submission_id=inquiry.submission_id, step=inquiry.step)
        .filter(sent_at__gte=_visit_start(inquiry))
        .exclude(state=State.WITHDRAWN)
    )
    open_ones = [s for s in siblings if s.state == State.SENT]
    if inquiry.wait_for == WaitFor.FIRST and answered:
        for other in open_ones:
            _withdraw(other, reason=_("پاسخ دستگاه دیگری رسید."))
        settled = True
    else:
        settled = not open_ones and all(s.state == State.ANSWERED for s in siblings)
    if settled and inquiry.on_answer == OnAnswer.ADVANCE and inquiry.step_id is not None:
        submission_advance(
            submission_id=inquiry.submission_id,
            from_step_id=inquiry.step_id,
            message=_("پاسخ استعلام رسید و درخواست به مرحله بعد رفت."),
        )


def _visit_start(inquiry: Inquiry) -> datetime.datetime:
    assert inquiry.submission_id is not None
    submission = Submission.objects.only("step_started_at", "submitted_at").get(
        pk=inquiry.submission_id
    )
    return submission.step_started_at or submission.submitted_at


@transaction.atomic
def inquiries_withdraw(*, submission_id: int, step_id: int | None) -> int:
    """Withdraw the request's open inquiries (of one step, or all): their grants end."""
    open_ones = Inquiry.objects.select_for_update().filter(
        submission_id=submission_id, state=State.SENT
    )
    if step_id is not None:
        open_ones = open_ones.filter(step_id=step_id)
    count = 0
    for inquiry in open_ones:
        _withdraw(inquiry, reason=_("درخواست از مرحله استعلام گذشت."))
        count += 1
    return count


def _withdraw(inquiry: Inquiry, *, reason: str) -> None:
    inquiry.state = State.WITHDRAWN
    inquiry.answered_at = timezone.now()
    inquiry.save(update_fields=["state", "answered_at"])
    log_write(inquiry, LogKind.WITHDRAWN, agency=inquiry.from_agency, actor=None, result=reason)


# --- the log and messages ---------------------------------------------------------------------


def log_write(
    inquiry: Inquiry,
    kind: LogKind,
    *,
    agency: Agency | None,
    actor: User | None,
    result: str = "",
    agency_name: str = "",
) -> InquiryLog:
    return InquiryLog.objects.create(
        inquiry=inquiry,
        submission_id=inquiry.submission_id,
        kind=kind,
        agency=agency,
        agency_name=agency_name or (agency.name if agency else inquiry.remote_agency),
        actor=actor,
        reason=inquiry.question,
        result=result[:300],
    )


def inquiry_seen(*, inquiry: Inquiry, user: User, file: InquiryFile | Attachment | None) -> None:
    """The asked agency's staff opened the shared data (or a shared file): the citizen's data
    tracker lists it. The asking agency's own staff reading their answer is not logged here."""
    if inquiry.to_agency_id is None or not access.is_staff_of(user, inquiry.to_agency_id):
        return
    log_write(
        inquiry,
        LogKind.FILE_VIEWED if file is not None else LogKind.VIEWED,
        agency=inquiry.to_agency,
        actor=user,
    )


def inquiry_link(inquiry: Inquiry) -> str:
    path = reverse("inquiries:respond", args=[inquiry.public_id])
    return str(settings.SITE_URL).rstrip("/") + path


def _notify_asked(inquiry: Inquiry, *, event: str, roles: Sequence[str] = ()) -> int:
    """Text (and email) the asked agency's staff: a new inquiry, a reminder, an escalation."""
    roles = roles or (Role.MANAGER, Role.EXPERT)
    people = Staff.objects.filter(
        agency=inquiry.to_agency, role__in=roles, is_active=True
    ).select_related("user")[:NOTIFY_AT_MOST]
    sent = 0
    for staff in people:
        if not staff.user.mobile:
            continue
        message_queue_template(
            to=staff.user.mobile,
            email=staff.user.email,
            event=event,
            context={
                "tracking_code": inquiry.case_reference,
                "agency": inquiry.asker_name,
                "due_on": inquiry.due_on,
                "url": inquiry_link(inquiry),
            },
            agency_id=inquiry.to_agency_id,
            reference=inquiry.case_reference,
        )
        sent += 1
    return sent


# --- deadlines --------------------------------------------------------------------------------


def inquiries_remind_and_escalate(*, today: date | None = None) -> tuple[int, int]:
    """Remind the asked agency of inquiries due today (once each), and escalate the overdue
    ones (once each): the asked agency's managers are texted, the asking request's staff see
    it on the request's timeline and page. Safe to run often."""
    today = today or today_tehran()
    due_today = Inquiry.objects.filter(
        state=State.SENT, to_agency__isnull=False, due_on=today, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    reminded = sum(1 for pk in list(due_today) if _remind(pk, today))
    overdue = Inquiry.objects.filter(
        state=State.SENT, due_on__lt=today, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    escalated = sum(1 for pk in list(overdue) if _escalate(pk, today))
    return reminded, escalated


@transaction.atomic
def _remind(inquiry_id: int, today: date) -> bool:
    inquiry = _lock_inquiry(inquiry_id)
    if inquiry.state != State.SENT or inquiry.reminded_at is not None:
        return False
    inquiry.reminded_at = timezone.now()
    inquiry.save(update_fields=["reminded_at"])
    _notify_asked(inquiry, event="inquiry_reminder")
    log_write(inquiry, LogKind.REMINDED, agency=inquiry.to_agency, actor=None)
    return True


@transaction.atomic
def _escalate(inquiry_id: int, today: date) -> bool:
    inquiry = _lock_inquiry(inquiry_id)
    if inquiry.state != State.SENT or inquiry.escalated_at is not None or inquiry.due_on >= today:
        return False
    inquiry.escalated_at = timezone.now()
    inquiry.save(update_fields=["escalated_at"])
    if inquiry.to_agency_id is not None:
        _notify_asked(inquiry, event="inquiry_overdue", roles=(Role.MANAGER,))
    log_write(inquiry, LogKind.OVERDUE, agency=inquiry.to_agency, actor=None)
    if inquiry.submission_id is not None:
        submission_note_event(
            submission_id=inquiry.submission_id,
            kind=EventKind.INQUIRY,
            actor=None,
            message=_("استعلام از %(agency)s از مهلت %(due)s گذشت و پیگیری شد.")
            % {"agency": inquiry.target_name, "due": format_date(inquiry.due_on)},
            public=False,
        )
    return True
