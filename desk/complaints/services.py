"""Writes to complaints: filing (three kinds), answering, appealing, deciding an appeal, and
escalating the overdue. Each is atomic, checks its actor with the access policy, writes the
audit log and queues the citizen's SMS after commit."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Agency, Role, Staff
from desk.audit.services import audit_record
from desk.catalog.models import Service
from desk.complaints.models import (
    About,
    Complaint,
    ComplaintAttachment,
    ComplaintPolicy,
    Kind,
    Outcome,
    State,
)
from desk.core import ratelimit
from desk.core.errors import ApplicationError
from desk.core.events import ComplaintFiled, announce
from desk.core.uploads import document_save, files_deleted_on_error
from desk.lib import tracking
from desk.lib.addresses import limit_scope
from desk.lib.jalali import today_tehran
from desk.lib.persian import to_persian_digits
from desk.lib.workdays import WorkCalendar
from desk.notifications.services import message_queue_template
from desk.submissions import deadlines
from desk.submissions.models import Status, Submission, TimelineEvent
from desk.submissions.quotas import quota_consume
from desk.submissions.services import submission_reopen

DAY = 24 * 3600


def policy_for(agency: Agency) -> ComplaintPolicy:
    """The agency's deadlines; the defaults when it has not set its own."""
    policy = ComplaintPolicy.objects.filter(agency=agency).first()
    return policy or ComplaintPolicy(agency=agency)


def _calendar(agency: Agency) -> WorkCalendar:
    return deadlines.calendar_for_agency(agency)


def objection_deadline(submission: Submission) -> date | None:
    """The last day an objection to the request's rejection may be filed: the agency's
    objection days counted in its working calendar from the day of the rejection."""
    if submission.status != Status.REJECTED or submission.closed_at is None:
        return None
    start = deadlines.tehran_date(submission.closed_at)
    return _calendar(submission.agency).add_working_days(
        start, policy_for(submission.agency).objection_days
    )


def may_object(submission: Submission, today: date | None = None) -> bool:
    until = objection_deadline(submission)
    return until is not None and (today or today_tehran()) <= until and not _objected(submission)


def _objected(submission: Submission) -> bool:
    """An objection was already filed against this rejection (one per decision)."""
    return Complaint.objects.filter(
        submission=submission, kind=Kind.OBJECTION, filed_at__gte=submission.closed_at
    ).exists()


def staff_on_timeline(submission: Submission) -> list[User]:
    """The staff members who acted on the request, as its timeline records them: the only
    people a complaint about a staff member may name."""
    ids = (
        TimelineEvent.objects.filter(submission=submission, actor__isnull=False)
        .exclude(actor_id=submission.applicant_id)
        .values_list("actor_id", flat=True)
    )
    return list(
        User.objects.filter(pk__in=set(ids), staff__agency_id=submission.agency_id).order_by("pk")
    )


# --- filing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    """What a citizen filed: the complaint, and for an anonymous report the follow-up key
    (shown once on the receipt; only its hash is kept)."""

    complaint: Complaint
    follow_key: str = ""


def _address_key(address: str) -> str:
    # The counter is keyed by a keyed hash of the address, never the address itself, so that
    # not even the cache holds the address an anonymous report came from.
    return salted_hmac("complaints.address", limit_scope(address)).hexdigest()[:32]


def _count(*, citizen: User | None, address: str, uploads: int) -> None:
    """The anti-abuse limits: complaints per citizen and per address a day; documents through
    the requests' upload quotas (an anonymous report's against its address only)."""
    if citizen is not None and not ratelimit.hit(
        key=f"complaints:citizen:{citizen.pk}",
        limit=settings.COMPLAINTS_PER_CITIZEN_PER_DAY,
        window_seconds=DAY,
    ):
        raise ApplicationError(
            _("سقف ثبت شکایت برای هر نفر %(n)s مورد در روز است. فردا دوباره بفرستید.")
            % {"n": to_persian_digits(settings.COMPLAINTS_PER_CITIZEN_PER_DAY)}
        )
    if not ratelimit.hit(
        key=f"complaints:address:{_address_key(address)}",
        limit=settings.COMPLAINTS_PER_ADDRESS_PER_DAY + uploads * 0,
        window_seconds=DAY,
    ):
        raise ApplicationError(
            _(
                "از این اتصال اینترنت امروز بیش از اندازه شکایت فرستاده شده است."
                " فردا دوباره بفرستید."
            )
        )
    if uploads and citizen is not None:
        quota_consume(citizen_id=citizen.pk, address=address, submissions=0, uploads=uploads)
    elif uploads and not ratelimit.hit(
        key=f"complaints:uploads:{_address_key(address)}",
        limit=settings.UPLOADS_PER_ADDRESS_PER_DAY,
        window_seconds=DAY,
    ):
        raise ApplicationError(
            _("از این اتصال اینترنت امروز بیش از اندازه پرونده فرستاده شده است.")
        )


def _check_filing(
    *,
    kind: str,
    about: str,
    citizen: User | None,
    service: Service | None,
    submission: Submission | None,
    staff_member: User | None,
) -> Agency:
    """The rules of each kind; the agency the complaint goes to."""
    if kind == Kind.REPORT:
        if citizen is not None or submission is not None or staff_member is not None:
            raise ValueError("an anonymous report names nobody")
        if service is None:
            raise ApplicationError(
                _("خدمتی را که گزارش درباره آن است انتخاب کنید."), field="service"
            )
        return service.agency
    if citizen is None or not access.may_apply(citizen) or not citizen.mobile:
        raise ApplicationError(_("برای ثبت شکایت با کد ملی و تلفن همراه وارد شوید."))
    if about == About.SERVICE:
        if service is None:
            raise ApplicationError(
                _("خدمتی را که شکایت درباره آن است انتخاب کنید."), field="service"
            )
        if kind == Kind.OBJECTION:
            raise ApplicationError(_("اعتراض فقط درباره تصمیم یک درخواست است."))
        return service.agency
    if submission is None or not access.is_applicant(citizen, submission):
        raise ApplicationError(
            _("درخواستی را که شکایت درباره آن است انتخاب کنید."), field="submission"
        )
    if kind == Kind.OBJECTION and not may_object(submission):
        raise ApplicationError(_("مهلت اعتراض به این تصمیم گذشته است یا قبلاً اعتراض کرده‌اید."))
    if about == About.STAFF and (
        staff_member is None or staff_member.pk not in {u.pk for u in staff_on_timeline(submission)}
    ):
        raise ApplicationError(
            _("کارمندی را که در مراحل این درخواست اقدام کرده است انتخاب کنید."),
            field="staff_member",
        )
    return submission.agency


def complaint_file(
    *,
    kind: str,
    about: str,
    text: str,
    citizen: User | None = None,
    service: Service | None = None,
    submission: Submission | None = None,
    staff_member: User | None = None,
    files: Sequence[File] = (),
    address: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Filing:
    """File a complaint, an objection, or (with no citizen) an anonymous report.

    An anonymous report stores no user, mobile or address, and its audit entry names no
    actor; the same idempotency key gives the same complaint (a double tap files one)."""
    text = text.strip()
    if not text:
        raise ApplicationError(_("شرح شکایت را بنویسید."), field="text")
    agency = _check_filing(
        kind=kind,
        about=about,
        citizen=citizen,
        service=service,
        submission=submission,
        staff_member=staff_member,
    )
    key = idempotency_key or uuid.uuid4()
    existing = Complaint.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _replayed(existing, kind=kind, citizen=citizen)
    _count(citizen=citizen, address=address, uploads=len(files))
    for _attempt in range(5):
        follow_key = f"{secrets.randbelow(10**8):08d}" if kind == Kind.REPORT else ""
        try:
            complaint = _insert(
                kind=kind,
                about=about,
                text=text,
                agency=agency,
                citizen=citizen,
                service=service or (submission.service if submission else None),
                submission=submission,
                staff_member=staff_member,
                files=files,
                key=key,
                follow_key=follow_key,
            )
            return Filing(complaint, follow_key)
        except IntegrityError:
            existing = Complaint.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return _replayed(existing, kind=kind, citizen=citizen)
    raise ApplicationError(_("ثبت شکایت انجام نشد. لطفاً دوباره تلاش کنید."))


def _replayed(existing: Complaint, *, kind: str, citizen: User | None) -> Filing:
    """The complaint a repeated key filed already — only to the same person (or to no one, for
    an anonymous report) and of the same kind: a key is posted by the client, and another
    person's key must not open their complaint's code, agency and dates."""
    if existing.kind != kind or existing.complainant_id != (citizen.pk if citizen else None):
        raise ApplicationError(_("این فرم قبلاً ارسال شده است. صفحه را تازه کنید."))
    return Filing(existing)


def follow_key_hash(code: str, key: str) -> str:
    return salted_hmac("complaints.follow", f"{code}:{key}").hexdigest()


def follow_key_matches(complaint: Complaint, key: str) -> bool:
    return bool(complaint.follow_key_hash) and constant_time_compare(
        complaint.follow_key_hash, follow_key_hash(complaint.tracking_code, key)
    )


@files_deleted_on_error()
@transaction.atomic
def _insert(
    *,
    kind: str,
    about: str,
    text: str,
    agency: Agency,
    citizen: User | None,
    service: Service | None,
    submission: Submission | None,
    staff_member: User | None,
    files: Sequence[File],
    key: uuid.UUID,
    follow_key: str,
) -> Complaint:
    policy = policy_for(agency)
    code = tracking.generate()
    complaint = Complaint.objects.create(
        tracking_code=code,
        kind=kind,
        about=about,
        agency=agency,
        service=service,
        submission=submission,
        staff_member=staff_member,
        complainant=citizen,
        complainant_mobile=citizen.mobile if citizen is not None else "",
        follow_key_hash=follow_key_hash(code, follow_key) if follow_key else "",
        text=text,
        due_on=_calendar(agency).add_working_days(today_tehran(), policy.answer_days),
        idempotency_key=key,
    )
    for upload in files:
        _attachment_create(complaint, upload)
    _audit(complaint, "complaint.filed", actor=citizen)
    _notify(complaint, "complaint_filed")
    announce(ComplaintFiled(complaint_id=complaint.pk, agency_id=agency.pk))
    return complaint


def _attachment_create(complaint: Complaint, upload: File) -> ComplaintAttachment:
    """A document already checked by the form (desk.core.uploads.check_document: type
    detected, scanned, images re-encoded), under a random name; its own name is not kept."""
    attachment = ComplaintAttachment(complaint=complaint)
    document_save(attachment, upload, keep_name=False)
    attachment.save()
    return attachment


# --- answering, appealing, deciding -----------------------------------------------------------


def _lock(complaint_id: int) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("agency", "submission")
        .get(pk=complaint_id)
    )


@transaction.atomic
def complaint_answer(
    *,
    complaint_id: int,
    actor: User,
    answer: str,
    outcome: str,
    assignee: User | None = None,
) -> Complaint:
    """The agency's answer. An upheld objection reopens the request for another expert (the
    one who rejected it never gets it back); the citizen may then appeal within the agency's
    appeal days."""
    complaint = _lock(complaint_id)
    if not access.can_handle_complaint(actor, complaint):
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    if complaint.state != State.OPEN:
        raise ApplicationError(_("به این مورد قبلاً پاسخ داده شده است."))
    answer = answer.strip()
    if not answer:
        raise ApplicationError(_("پاسخ به شهروند را بنویسید."), field="answer")
    if outcome not in Outcome.values:
        raise ApplicationError(_("نتیجه رسیدگی را انتخاب کنید."), field="outcome")
    if complaint.kind == Kind.OBJECTION and outcome == Outcome.UPHELD:
        assert complaint.submission_id is not None  # an objection is about a request
        submission_reopen(
            submission_id=complaint.submission_id, actor=actor, reason=answer, assignee=assignee
        )
    complaint.state = State.ANSWERED
    complaint.answer = answer
    complaint.outcome = outcome
    complaint.answered_at = timezone.now()
    complaint.answered_by = actor
    if complaint.complainant_id is not None:
        complaint.appeal_until = _calendar(complaint.agency).add_working_days(
            today_tehran(), policy_for(complaint.agency).appeal_days
        )
    complaint.save()
    _audit(complaint, "complaint.answered", actor=actor)
    _notify(complaint, "complaint_answered")
    return complaint


@transaction.atomic
def complaint_appeal(*, complaint_id: int, citizen: User, text: str) -> Complaint:
    """The citizen asks the oversight body to review the agency's answer."""
    complaint = _lock(complaint_id)
    if not access.is_complainant(citizen, complaint):
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    if not complaint.may_appeal():
        raise ApplicationError(_("مهلت تجدیدنظرخواهی گذشته است یا پاسخی برای آن نیست."))
    text = text.strip()
    if not text:
        raise ApplicationError(_("بنویسید چرا پاسخ دستگاه را نمی‌پذیرید."), field="text")
    complaint.state = State.APPEALED
    complaint.appeal_text = text
    complaint.appealed_at = timezone.now()
    complaint.save()
    _audit(complaint, "complaint.appealed", actor=citizen)
    _notify(complaint, "complaint_appealed")
    return complaint


@transaction.atomic
def complaint_decide_appeal(
    *, complaint_id: int, actor: User, outcome: str, decision: str
) -> Complaint:
    """An evaluator of the oversight body decides the appeal. Upholding an appeal against a
    dismissed objection reopens the request for another expert."""
    complaint = _lock(complaint_id)
    if not access.may_decide_appeal(
        actor, agency_id=complaint.agency_id, province=complaint.agency.province
    ):
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    if complaint.state != State.APPEALED:
        raise ApplicationError(_("این مورد در انتظار رأی مرجع نظارت نیست."))
    decision = decision.strip()
    if not decision:
        raise ApplicationError(_("رأی و دلیل آن را بنویسید."), field="decision")
    if outcome not in Outcome.values:
        raise ApplicationError(_("رأی را انتخاب کنید."), field="outcome")
    submission = complaint.submission
    if (
        complaint.kind == Kind.OBJECTION
        and outcome == Outcome.UPHELD
        and submission is not None
        and submission.status == Status.REJECTED
    ):
        submission_reopen(submission_id=submission.pk, actor=actor, reason=decision)
    complaint.state = State.DECIDED
    complaint.appeal_outcome = outcome
    complaint.appeal_decision = decision
    complaint.appeal_decided_at = timezone.now()
    complaint.appeal_decided_by = actor
    complaint.save()
    _audit(complaint, "complaint.appeal_decided", actor=actor)
    _notify(complaint, "complaint_appeal_decided")
    return complaint


# --- escalation ------------------------------------------------------------------------------


def complaints_escalate_overdue(*, today: date | None = None) -> int:
    """Flag every complaint past its answer date, once, and text the agency's managers (its
    head). Safe to run often."""
    today = today or today_tehran()
    due = Complaint.objects.filter(
        state=State.OPEN, escalated_at__isnull=True, due_on__lt=today
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if _escalate(pk, today))


@transaction.atomic
def _escalate(complaint_id: int, today: date) -> bool:
    complaint = _lock(complaint_id)
    if complaint.escalated_at is not None or not complaint.is_overdue(today):
        return False
    complaint.escalated_at = timezone.now()
    complaint.save(update_fields=["escalated_at"])
    _audit(complaint, "complaint.escalated", actor=None)
    managers = Staff.objects.filter(
        agency_id=complaint.agency_id, role=Role.MANAGER, is_active=True
    ).select_related("user")
    for manager in managers:
        if manager.user.mobile:
            message_queue_template(
                to=manager.user.mobile,
                event="complaint_escalated",
                context=_context(complaint),
                agency_id=complaint.agency_id,
                reference=complaint.tracking_code,
            )
    return True


# --- side effects ----------------------------------------------------------------------------


def _audit(complaint: Complaint, action: str, *, actor: User | None) -> None:
    """The audit entry of a step. An anonymous report's filing names no actor, and no entry
    ever holds a complaint's text or a mobile."""
    audit_record(
        action=action,
        agency_id=complaint.agency_id,
        actor=actor,
        target=complaint,
        details={"tracking_code": complaint.tracking_code, "kind": complaint.kind},
    )


def complaint_link(complaint: Complaint) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "complaints:detail", args=[complaint.tracking_code]
    )


def _context(complaint: Complaint) -> dict[str, object]:
    return {
        "tracking_code": complaint.tracking_code,
        "kind": complaint.get_kind_display(),
        "due_on": complaint.due_on,
        "link": complaint_link(complaint),
        "agency": complaint.agency.name,
    }


def _notify(complaint: Complaint, event: str) -> None:
    """The citizen's SMS for the step; none for an anonymous report (no number is kept)."""
    if not complaint.complainant_mobile:
        return
    message_queue_template(
        to=complaint.complainant_mobile,
        event=event,
        context=_context(complaint),
        agency_id=complaint.agency_id,
        reference=complaint.tracking_code,
        sender=complaint.agency.sms_line,
    )
