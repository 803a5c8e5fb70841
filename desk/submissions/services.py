"""Writes to requests: submitting, and every step taken on a request afterwards."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.core.files import File
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Role, Staff
from desk.audit.models import Action as AuditAction
from desk.audit.services import audit_record
from desk.catalog.models import FieldKind, FormField, Service
from desk.core.errors import ApplicationError
from desk.core.events import (
    Event,
    PaymentSettled,
    SubmissionAwaitingPayment,
    SubmissionCompleted,
    SubmissionMoved,
    SubmissionRejected,
    SubmissionReopened,
    SubmissionSubmitted,
    announce,
)
from desk.core.rows import row_insert
from desk.core.uploads import document_save, files_deleted_on_error
from desk.lib import tracking
from desk.lib.jalali import today_tehran
from desk.notifications.events import EVENTS
from desk.notifications.services import message_queue_template
from desk.submissions import deadlines, progress
from desk.submissions.models import (
    ASSISTED_CHANNELS,
    NEVER_SUBMITTED,
    Attachment,
    AttachmentKind,
    Channel,
    EventKind,
    Status,
    Submission,
    TimelineEvent,
)
from desk.submissions.quotas import quota_consume
from desk.submissions.staging import StagedDocument, staged_claim
from desk.workflow.models import Action, Department, Step, StepKind
from desk.workflow.selectors import staff_may_take, staff_roles_at, step_actions
from desk.workflow.services import workflow_start


def promised_date(*, service: Service, start: date | None = None) -> date:
    """The final-answer date promised on the receipt: the service's working days from today,
    in the working calendar of the service's agency."""
    calendar = deadlines.calendar_for_agency(service.agency)
    return calendar.add_working_days(start or today_tehran(), service.duration_working_days)


def _attachment_build(
    *,
    submission: Submission,
    upload: File,
    kind: AttachmentKind,
    user: User,
    field_name: str = "",
    label: str = "",
    public_id: uuid.UUID | None = None,
) -> Attachment:
    """The row of a checked document (desk.core.uploads.CheckedDocument: the type was detected
    and images re-encoded), its file stored under a random name and deleted again if the
    request fails (files_deleted_on_error on the calling service); or of a staged document
    (desk.submissions.staging.StagedDocument), whose stored file it adopts as it is. The
    caller saves the row."""
    attachment = Attachment(
        submission=submission,
        kind=kind,
        field_name=field_name,
        label=label,
        uploaded_by=user,
        public_id=public_id or uuid.uuid4(),
    )
    if isinstance(upload, StagedDocument):
        staged = upload.claimed
        assert staged is not None, "claimed by the insert (staging.staged_claim)"
        attachment.file.name = staged.file
        attachment.original_name = staged.original_name
        attachment.content_type = staged.content_type
        attachment.size = staged.size
        attachment.sha256 = staged.sha256
    else:
        document_save(attachment, upload)
    return attachment


def _attachment_create(**kwargs: Any) -> Attachment:
    attachment = _attachment_build(**kwargs)
    attachment.save()
    return attachment


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


_Upload = tuple[FormField, File, uuid.UUID]


def _form_data(
    service: Service, answers: dict[str, Any], files: dict[str, File]
) -> tuple[dict[str, Any], list[_Upload]]:
    """The request's answers as stored, and the files to attach. The answers name their files
    by public id, drawn here so that the request is inserted once with its answers and the
    files after it (no UPDATE of the new row)."""
    data: dict[str, Any] = {}
    uploads: list[_Upload] = []
    for field in service.form_fields.all():
        if field.kind == FieldKind.FILE:
            upload = files.get(field.name)
            if upload is not None:
                public_id = uuid.uuid4()
                uploads.append((field, upload, public_id))
                data[field.name] = str(public_id)
        elif answers.get(field.name) not in (None, ""):
            data[field.name] = _json_value(answers[field.name])
    return data, uploads


@files_deleted_on_error()
@transaction.atomic
def _submission_insert(
    *,
    service: Service,
    applicant: User,
    answers: dict[str, Any],
    files: dict[str, File],
    idempotency_key: uuid.UUID,
    filing: Filing,
    verification: str,
    note: str = "",
) -> Submission:
    version, start = workflow_start(service)
    filer = filing.filed_by or applicant
    calendar = deadlines.calendar_for_agency(service.agency)
    today = today_tehran()
    now = timezone.now()
    data, uploads = _form_data(service, answers, files)
    staged = {name: f for name, f in files.items() if isinstance(f, StagedDocument)}
    # A clerk's staged files: only those staged for this citizen.
    acting_for = (applicant.national_code or "") if filing.filed_by else ""
    staged_claim(owner=filer, service=service, documents=staged, acting_for=acting_for)
    awaiting_fee = service.pay_at_application
    # INSERTs written from the fields (desk/core/rows.py), not compiled again on every filing.
    submission = Submission(
        status=Status.AWAITING_PAYMENT if awaiting_fee else Status.SUBMITTED,
        workflow_version=version,
        current_step=start,
        department_id=start.department_id,
        step_started_at=now,
        submitted_at=now,
        tracking_code=tracking.generate(),
        service=service,
        agency=service.agency,  # the message below names it: no query to load it again
        applicant=applicant,
        applicant_name=applicant.get_full_name(),
        applicant_national_code=applicant.national_code or "",
        applicant_mobile=applicant.mobile,
        applicant_landline=filing.landline,
        channel=filing.channel,
        filed_by=filing.filed_by,
        data=data,
        due_on=calendar.add_working_days(today, service.duration_working_days),
        step_due_on=calendar.add_working_days(today, start.duration_days),
        idempotency_key=idempotency_key,
        verification=verification,
        held=applicant.identity_held,
    )
    row_insert(submission)
    if verification:
        transaction.on_commit(functools.partial(_verify_later, submission.pk))
    attachments = [
        _attachment_build(
            submission=submission,
            upload=upload,
            kind=AttachmentKind.DOCUMENT,
            user=filer,
            field_name=field.name,
            label=field.label,
            public_id=public_id,
        )
        for field, upload, public_id in uploads
    ]
    if len(attachments) == 1:
        row_insert(attachments[0])
    elif attachments:  # every document in one INSERT
        Attachment.objects.bulk_create(attachments)
    if awaiting_fee:
        # Filed, but not yet submitted: the fee first (the payments app bills it and texts the
        # link); the timeline, the SMS and the clock start when it is paid.
        announce(
            SubmissionAwaitingPayment(
                submission_id=submission.pk, agency_id=submission.agency_id, actor_id=filer.pk
            )
        )
        return submission
    _event_record(
        submission=submission, kind=EventKind.SUBMITTED, actor=filer, step=start, message=note
    )
    _notify_status(submission)
    announce(
        SubmissionSubmitted(
            submission_id=submission.pk, agency_id=submission.agency_id, actor_id=filer.pk
        )
    )
    return submission


def _lock_awaiting_payment(submission_id: int) -> Submission | None:
    """The request, locked with what its SMS names, if it still waits for its fee."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("service", "agency", "current_step", "applicant")
        .get(pk=submission_id)
    )
    return submission if submission.status == Status.AWAITING_PAYMENT else None


@transaction.atomic
def submission_release_after_payment(*, submission_id: int) -> Submission | None:
    """A request that waited for its fee goes to the agency: submitted now, its deadlines
    counted from today, the citizen texted its promised date. Idempotent (a request that is
    not waiting is left as it is); None when there was nothing to release."""
    submission = _lock_awaiting_payment(submission_id)
    if submission is None:
        return None
    calendar = deadlines.calendar_for_agency(submission.agency)
    today = today_tehran()
    now = timezone.now()
    start = submission.current_step
    submission.status = Status.SUBMITTED
    submission.submitted_at = now
    submission.step_started_at = now
    submission.due_on = calendar.add_working_days(today, submission.service.duration_working_days)
    if start is not None:
        submission.step_due_on = calendar.add_working_days(today, start.duration_days)
    submission.save(
        update_fields=["status", "submitted_at", "step_started_at", "due_on", "step_due_on"]
    )
    filer = submission.filed_by or submission.applicant
    _event_record(submission=submission, kind=EventKind.SUBMITTED, actor=filer, step=start)
    _notify_status(submission)
    announce(
        SubmissionSubmitted(
            submission_id=submission.pk, agency_id=submission.agency_id, actor_id=filer.pk
        )
    )
    return submission


@transaction.atomic
def submission_expire_unpaid(*, submission_id: int) -> Submission | None:
    """A request whose fee was not paid in time is closed without reaching the agency: status
    «منقضی‌شده», a timeline entry, and the citizen texted that it expired and how to file
    again. Only the payments app calls it, once it has made sure that no payment of the
    request is settled or still at the bank. Idempotent: a request that is not waiting for its
    fee is left as it is (None)."""
    submission = _lock_awaiting_payment(submission_id)
    if submission is None:
        return None
    submission.status = Status.EXPIRED
    submission.save(update_fields=["status"])
    _event_record(
        submission=submission,
        kind=EventKind.EXPIRED,
        actor=None,
        message=_(
            "هزینه این درخواست در مهلت پرداخت نشد؛ درخواست برای دستگاه فرستاده نشد و بسته شد."
            " اگر هنوز به این خدمت نیاز دارید، درخواست تازه‌ای ثبت کنید."
        ),
    )
    _notify_status(submission)
    return submission


def on_payment_settled(event: PaymentSettled) -> None:
    """Subscriber: a fee paid at application releases the request it held."""
    if event.step_id is None:
        submission_release_after_payment(submission_id=event.submission_id)


@dataclass(frozen=True)
class Filing:
    """Who filed a request and how: the citizen on the web (the default), or a desk worker
    (``filed_by``) for a citizen at the desk or on the phone, with the landline the clerk
    recorded for a citizen without a mobile."""

    channel: Channel = Channel.WEB
    filed_by: User | None = None
    landline: str = ""


WEB = Filing()


def _check_filer(service: Service, applicant: User, filing: Filing) -> None:
    """A citizen files for themselves with a verified national code and mobile; a desk
    worker files for a citizen (who may have no mobile) only for their own agency's service."""
    if access.staff_for_user(applicant) is not None:
        raise ApplicationError(_("ثبت درخواست فقط با ورود شهروند (کد ملی و پیامک) ممکن است."))
    if filing.filed_by is None:
        # The citizen themselves: on the web, or through an app on the API (desk/api).
        if filing.channel not in (Channel.WEB, Channel.API) or filing.landline:
            raise ApplicationError(_("این مسیر ثبت فقط برای میز خدمت است."))
        if not applicant.national_code or not applicant.mobile:
            raise ApplicationError(_("برای ثبت درخواست باید با کد ملی و تلفن همراه وارد شوید."))
        return
    if filing.channel not in ASSISTED_CHANNELS or not access.may_file_for(filing.filed_by, service):
        raise ApplicationError(_("شما اجازه ثبت درخواست برای شهروند را ندارید."))
    if not applicant.national_code:
        raise ApplicationError(_("کد ملی متقاضی ثبت نشده است."))


def _verify_later(submission_id: int) -> None:
    """Once filed, the once-only answers are asked again against the request (each call then
    logged with its id), by a job: a national system that is down never slows the filing."""
    from desk.submissions.tasks import submission_verify  # tasks import this module

    submission_verify(submission_id)


def _filed_with_key(idempotency_key: uuid.UUID) -> tuple[int, int] | None:
    """The id and applicant of the request filed with this key, if any: asked before every
    filing, and almost always answered "none", so one small statement written once rather
    than the whole row through the ORM (4 M instructions of «send» on the benchmark's
    application; the request itself is read only when there is one)."""
    meta = Submission._meta
    quote = connection.ops.quote_name
    key = cast("Field[Any, Any]", meta.get_field("idempotency_key"))
    sql = (
        f"SELECT {quote('id')}, {quote('applicant_id')} FROM {quote(meta.db_table)} "
        f"WHERE {quote('idempotency_key')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key.get_db_prep_value(idempotency_key, connection)])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def submission_create(
    *,
    service: Service,
    applicant: User,
    answers: dict[str, Any],
    files: dict[str, File],
    idempotency_key: uuid.UUID,
    address: str | None = None,
    filing: Filing = WEB,
    verification: str = "",
) -> Submission:
    """Create a request from a validated form. The same idempotency key always gives the same
    request, so a double click or a retried POST creates one request, not two. With the
    client's `address` (a citizen at the web form), the request and its documents count
    against the quotas of desk/submissions/quotas.py, once per request. ``filing`` says who
    filed it and how (a clerk at the desk: desk/frontdesk checks the citizen's consent first);
    the citizen owns it either way."""
    if not service.accepts_online or not service.is_published:
        raise ApplicationError(_("این خدمت در حال حاضر درخواست برخط نمی‌پذیرد."))
    _check_filer(service, applicant, filing)
    counted = address is None
    for _attempt in range(5):
        filed = _filed_with_key(idempotency_key)
        if filed is not None:
            if filed[1] != applicant.pk:
                raise ApplicationError(_("این فرم قبلاً ارسال شده است. صفحه را تازه کنید."))
            return Submission.objects.get(pk=filed[0])
        if not counted:
            quota_consume(
                citizen_id=applicant.pk,
                address=address or "",
                submissions=1,
                # Staged documents were counted when they were uploaded.
                uploads=sum(not isinstance(f, StagedDocument) for f in files.values()),
            )
            counted = True
        try:
            return _submission_insert(
                service=service,
                applicant=applicant,
                answers=answers,
                files=files,
                idempotency_key=idempotency_key,
                filing=filing,
                verification=verification,
            )
        except IntegrityError:
            # Either a parallel POST with the same key won (found on the next pass), or the
            # random tracking code collided (a new one is drawn on the next pass).
            continue
    raise ApplicationError(_("ثبت درخواست انجام نشد. لطفاً دوباره تلاش کنید."))


def submission_open_for_citizen(
    *, service: Service, applicant: User, actor: User, note: str, channel: Channel = Channel.WEB
) -> Submission:
    """Open a request for a citizen from something they wrote to the agency (a letter that
    asks for a service): the citizen owns it as if they had filed it, its form answers start
    empty (staff may ask the citizen for what is missing), and ``note`` (where it came from)
    goes on its public timeline. Only staff of the service's agency who answer letters."""
    if not access.can_register_letter(actor) or not access.is_staff_of(actor, service.agency_id):
        raise ApplicationError(_("شما اجازه ثبت درخواست برای این خدمت را ندارید."))
    if not service.is_published:
        raise ApplicationError(_("این خدمت منتشر نشده است."))
    if not access.may_apply(applicant) or not applicant.mobile:
        raise ApplicationError(_("نویسنده نامه با کد ملی و تلفن همراه ثبت‌نام نکرده است."))
    return _submission_insert(
        service=service,
        applicant=applicant,
        answers={},
        files={},
        idempotency_key=uuid.uuid4(),
        filing=Filing(channel=channel, filed_by=actor),
        verification="",  # nothing of a letter is bound to a national system
        note=note,
    )


@dataclass(frozen=True)
class ActionChoice:
    """A button on the staff request page."""

    name: str
    label: str
    needs_message: bool = False
    needs_result: bool = False
    rejects: bool = False  # ends the request as rejected: confirmed on a page of its own
    asks_citizen: bool = False
    completes: bool = False  # ends the request as done: confirmed by a tick on its form


START_REVIEW = "start_review"


def held_message() -> str:
    return _(
        "این درخواست تا تأیید هویت متقاضی (تطبیق شماره همراه با کد ملی در سامانه شاهکار) "
        "نگه داشته شده است و اقدامی روی آن ممکن نیست."
    )


def staff_actions_for(submission: Submission, user: object) -> list[ActionChoice]:
    """What `user` may do on `submission` now: take it up, or the current step's actions.
    Nothing while the request is held for the applicant's identity."""
    staff = access.staff_for_user(user)
    step = submission.current_step
    if staff is None or step is None or submission.held:
        return []
    if not access.can_act_on_submission(user, submission):
        return []
    if submission.status in NEVER_SUBMITTED:
        return []  # not the agency's (yet): sent to it once the fee is paid
    choices = [
        ActionChoice(
            a.key,
            a.label,
            a.needs_message,
            a.needs_result,
            rejects=a.target.kind == StepKind.END_REJECTED,
            asks_citizen=a.target.kind == StepKind.ASK_CITIZEN,
            completes=a.target.kind == StepKind.END_COMPLETED,
        )
        for a in step_actions(step)
        if not (a.needs_result and submission.status == Status.SUBMITTED)
        and staff_may_take(
            staff,
            a,
            department_id=submission.department_id,
            assigned_to_id=submission.assigned_to_id,
        )
    ]
    if choices and submission.status == Status.SUBMITTED:
        choices.insert(0, ActionChoice(START_REVIEW, str(_("شروع بررسی"))))
    return choices


def staff_may_act_now(submission: Submission, user: object) -> bool:
    """Whether ``user`` may act on ``submission`` at its current step (its role, department
    and assignment): the test for the step's own work that is not a workflow action, such as
    sending an inquiry that shares the citizen's data, or setting the amount at a payment
    step. Being staff of the agency is not enough."""
    return bool(staff_actions_for(submission, user))


def _status_for(step: Step) -> Status:
    if step.kind == StepKind.ASK_CITIZEN:
        return Status.NEEDS_INFO
    if step.kind == StepKind.END_COMPLETED:
        return Status.COMPLETED
    if step.kind == StepKind.END_REJECTED:
        return Status.REJECTED
    return Status.IN_REVIEW


def _event_kind_for(source: Step, target: Step) -> EventKind:
    if target.kind == StepKind.ASK_CITIZEN:
        return EventKind.INFO_REQUESTED
    if source.kind == StepKind.ASK_CITIZEN:
        return EventKind.INFO_PROVIDED
    if target.kind == StepKind.END_COMPLETED:
        return EventKind.COMPLETED
    if target.kind == StepKind.END_REJECTED:
        return EventKind.REJECTED
    return EventKind.STEP_CHANGED


def _lock(submission_id: int) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("service", "agency", "current_step")
        .get(pk=submission_id)
    )


def _require_staff(actor: User, submission: Submission) -> Staff:
    staff = access.staff_for_user(actor)
    if staff is None or not access.can_act_on_submission(actor, submission):
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    if submission.status == Status.AWAITING_PAYMENT:
        raise ApplicationError(_("این درخواست تا پرداخت هزینه برای دستگاه فرستاده نشده است."))
    if submission.status == Status.EXPIRED:
        raise ApplicationError(
            _("هزینه این درخواست در مهلت پرداخت نشد و درخواست هرگز برای دستگاه فرستاده نشد.")
        )
    return staff


def _not_possible_now(submission: Submission) -> ApplicationError:
    return ApplicationError(
        _("این اقدام در وضعیت «%(status)s» ممکن نیست.")
        % {"status": submission.get_status_display()}
    )


def _action_allowed(
    submission: Submission, action: str, *, is_applicant: bool, staff: Staff | None
) -> Action:
    """The action ``action`` at the request's current step, if this actor may take it now."""
    step = submission.current_step
    spec = step.actions.select_related("target").filter(key=action).first() if step else None
    if spec is None:
        if not Action.objects.filter(source__version_id=submission.workflow_version_id, key=action):
            raise ApplicationError(_("این اقدام شناخته‌شده نیست."))
        raise _not_possible_now(submission)
    if spec.by_citizen != is_applicant or (
        staff is not None
        and not staff_may_take(
            staff,
            spec,
            department_id=submission.department_id,
            assigned_to_id=submission.assigned_to_id,
        )
    ):
        raise ApplicationError(
            _("فقط متقاضی می‌تواند این اقدام را انجام دهد.")
            if spec.by_citizen
            else _("شما اجازه این اقدام را ندارید.")
        )
    if spec.needs_result and submission.status == Status.SUBMITTED:
        # A result is issued only after someone has taken the request up for review.
        raise _not_possible_now(submission)
    return spec


def _check_inputs(spec: Action, *, message: str, files: Sequence[File]) -> None:
    """What the action asks for: a message, a result file, documents for the next step."""
    if spec.needs_message and not message:
        raise ApplicationError(_("نوشتن توضیح برای متقاضی الزامی است."), field="message")
    if spec.needs_result and not files:
        raise ApplicationError(_("پرونده نتیجه را بارگذاری کنید."), field="documents")
    if spec.by_citizen and not (message or files):
        raise ApplicationError(_("توضیح یا مدرک خواسته‌شده را وارد کنید."), field="message")
    if spec.target.requires_documents and not files and not spec.by_citizen:
        raise ApplicationError(_("برای این مرحله بارگذاری مدرک لازم است."), field="documents")


@files_deleted_on_error()
@transaction.atomic
def submission_transition(
    *,
    submission_id: int,
    actor: User,
    action: str,
    message: str = "",
    files: Sequence[File] | None = None,
) -> Submission:
    """Take one action on a request: the only way a request moves through its workflow.

    Locks the row, checks the action exists at the current step of the request's pinned
    workflow version and that the actor may take it, stores files, moves the request, keeps
    the deadline clock, writes the timeline event and queues the citizen's SMS, atomically.
    """
    submission = _lock(submission_id)
    is_applicant = submission.applicant_id == actor.pk
    staff = None if is_applicant else _require_staff(actor, submission)
    if staff is not None and submission.held:
        raise ApplicationError(held_message())
    if action == START_REVIEW:
        return _start_review(submission, actor)
    step = submission.current_step
    spec = _action_allowed(submission, action, is_applicant=is_applicant, staff=staff)
    assert step is not None  # an action was found at it
    message = message.strip()
    files = files or []
    _check_inputs(spec, message=message, files=files)

    kind = AttachmentKind.RESULT if spec.needs_result else AttachmentKind.DOCUMENT
    for upload in files:
        _attachment_create(submission=submission, upload=upload, kind=kind, user=actor)
    _move(submission, spec.target)
    event_kind = _event_kind_for(step, spec.target)
    _event_record(
        submission=submission, kind=event_kind, actor=actor, message=message, step=spec.target
    )
    _notify_status(submission, step_changed=event_kind == EventKind.STEP_CHANGED)
    announce(_moved_event(submission, source=step, actor=actor, message=message))
    return submission


def _moved_event(
    submission: Submission, *, source: Step, actor: User | None, message: str
) -> Event:
    """The one domain event of a transition: the request completed, rejected, or moved on."""
    if submission.status in (Status.COMPLETED, Status.REJECTED):
        ended = SubmissionCompleted if submission.status == Status.COMPLETED else SubmissionRejected
        return ended(
            submission_id=submission.pk,
            agency_id=submission.agency_id,
            actor_id=actor.pk if actor else None,
            message=message,
        )
    assert submission.current_step_id is not None  # a transition always lands on a step
    return SubmissionMoved(
        submission_id=submission.pk,
        agency_id=submission.agency_id,
        actor_id=actor.pk if actor else None,
        from_step_id=source.pk,
        to_step_id=submission.current_step_id,
    )


def main_exit(step: Step) -> Action | None:
    """The step's way out along the workflow's main path: its first action that neither
    rejects nor asks the citizen, and that staff (not the citizen) take."""
    return (
        step.actions.select_related("target")
        .exclude(target__kind__in=(StepKind.END_REJECTED, StepKind.ASK_CITIZEN))
        .filter(by_citizen=False)
        .order_by("order", "pk")
        .first()
    )


@transaction.atomic
def submission_advance(*, submission_id: int, from_step_id: int, message: str) -> Submission | None:
    """Move a request on from ``from_step_id`` along the step's main way out, done by the system
    for another app (a fee paid, an inquiry answered). Nothing happens when the request is no
    longer at that step, so a repeated call is harmless."""
    submission = _lock(submission_id)
    step = submission.current_step
    if step is None or step.pk != from_step_id or not submission.is_open:
        return None
    spec = main_exit(step)
    if spec is None:
        raise ApplicationError(_("این مرحله راه خروجی برای ادامه خودکار ندارد."))
    _move(submission, spec.target)
    event_kind = _event_kind_for(step, spec.target)
    _event_record(
        submission=submission, kind=event_kind, actor=None, message=message, step=spec.target
    )
    _notify_status(submission, step_changed=event_kind == EventKind.STEP_CHANGED)
    announce(_moved_event(submission, source=step, actor=None, message=message))
    return submission


def rejection_of(submission: Submission) -> TimelineEvent | None:
    """The event that rejected the request (its last rejection), with who did it."""
    return (
        submission.events.filter(kind=EventKind.REJECTED)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def _step_before(submission: Submission, rejection: TimelineEvent) -> Step | None:
    """The working step the request was at when it was rejected (the last one it reached
    before the rejection), else the workflow's start."""
    earlier = (
        submission.events.filter(created_at__lte=rejection.created_at, pk__lt=rejection.pk)
        .exclude(step__isnull=True)
        .exclude(step__kind__in=(StepKind.END_COMPLETED, StepKind.END_REJECTED))
        .select_related("step")
        .order_by("-created_at", "-pk")
        .first()
    )
    if earlier is not None and earlier.step is not None:
        return earlier.step
    return Step.objects.filter(version_id=submission.workflow_version_id, is_start=True).first()


def _candidates_at(submission: Submission, step: Step, *, excluded: int | None) -> list[User]:
    """Active staff of the request's agency who may work at `step` (its role, in its
    department), without `excluded` (who rejected it); the least busy first."""
    staff_rows = (
        Staff.objects.filter(agency_id=submission.agency_id, is_active=True, user__is_active=True)
        .exclude(user_id__in=[excluded] if excluded is not None else [])
        .select_related("user")
        .prefetch_related("positions")
        .order_by("pk")
    )
    wanted = {step.role} if step.role else {Role.EXPERT}
    people = [s.user for s in staff_rows if staff_roles_at(s, step.department_id) & wanted]
    load = {
        row["assigned_to"]: row["n"]
        for row in Submission.objects.filter(
            assigned_to__in=[p.pk for p in people], status__in=(Status.SUBMITTED, Status.IN_REVIEW)
        )
        .values("assigned_to")
        .annotate(n=models.Count("pk"))
    }
    return sorted(people, key=lambda p: (load.get(p.pk, 0), p.pk))


@dataclass(frozen=True)
class Reopening:
    """Where a rejected request would go back to, and to whom it may be given."""

    step: Step | None
    rejected_by: int | None
    candidates: list[User]


def reopening_for(submission: Submission) -> Reopening:
    """The step a rejected request was rejected from, and the people who may take it up
    again there: never whoever rejected it."""
    rejection = rejection_of(submission)
    if rejection is None:
        return Reopening(step=None, rejected_by=None, candidates=[])
    step = _step_before(submission, rejection)
    candidates = _candidates_at(submission, step, excluded=rejection.actor_id) if step else []
    return Reopening(step=step, rejected_by=rejection.actor_id, candidates=candidates)


@transaction.atomic
def submission_reopen(
    *, submission_id: int, actor: User | None, reason: str, assignee: User | None = None
) -> Submission:
    """Open a rejected request again (an objection to the rejection was upheld): back at the
    step it was rejected from, given to another person who may work there — never the one who
    rejected it. The days it spent rejected do not count against the agency's deadline."""
    submission = _lock(submission_id)
    if submission.status != Status.REJECTED:
        raise _not_possible_now(submission)
    reopening = reopening_for(submission)
    step, candidates = reopening.step, reopening.candidates
    if step is None:
        raise ApplicationError(_("مرحله‌ای برای بررسی دوباره این درخواست پیدا نشد."))
    if assignee is None:
        assignee = candidates[0] if candidates else None
    if assignee is None:
        raise ApplicationError(
            _("کارشناس دیگری برای بررسی دوباره این درخواست در دستگاه نیست."), field="assignee"
        )
    if assignee.pk not in {c.pk for c in candidates}:
        raise ApplicationError(
            _("بررسی دوباره را به کسی جز تصمیم‌گیرنده قبلی بسپارید که در این مرحله کار می‌کند."),
            field="assignee",
        )
    calendar = deadlines.calendar_for_agency(submission.agency)
    if submission.closed_at is not None:
        waited = calendar.working_days_between(
            deadlines.tehran_date(submission.closed_at), today_tehran()
        )
        submission.paused_days += max(0, waited)
    submission.current_step = step
    submission.department_id = step.department_id
    submission.status = Status.IN_REVIEW
    submission.assigned_to = assignee
    submission.closed_at = None
    submission.escalated_at = None
    submission.step_started_at = timezone.now()
    deadlines.refresh(submission, calendar)
    submission.save()
    _event_record(
        submission=submission, kind=EventKind.REOPENED, actor=actor, message=reason, step=step
    )
    _notify_status(submission, step_changed=True)
    announce(
        SubmissionReopened(
            submission_id=submission.pk,
            agency_id=submission.agency_id,
            actor_id=actor.pk if actor else None,
            to_step_id=step.pk,
            assignee_id=assignee.pk,
            reason=reason,
        )
    )
    return submission


def _move(submission: Submission, target: Step) -> None:
    """Put the request at `target`, keeping the clock: stopped while the citizen is asked."""
    calendar = deadlines.calendar_for_agency(submission.agency)
    leaving = submission.current_step
    if leaving is not None and leaving.stops_clock and not target.stops_clock:
        deadlines.clock_restart(submission, calendar)
    if target.stops_clock:
        deadlines.clock_stop(submission)
    submission.current_step = target
    submission.department_id = target.department_id
    submission.step_started_at = timezone.now()
    submission.escalated_at = None
    # Work goes back to whoever had it when the citizen answers; a new department starts fresh.
    if leaving is not None and leaving.department_id != target.department_id:
        submission.assigned_to = None
    submission.status = _status_for(target)
    if target.is_end:
        submission.closed_at = timezone.now()
    deadlines.refresh(submission, calendar)
    submission.save()


def _start_review(submission: Submission, actor: User) -> Submission:
    """Take the request up: it becomes the actor's, and the citizen sees it is being read."""
    if submission.status != Status.SUBMITTED:
        raise ApplicationError(
            _("این اقدام در وضعیت «%(status)s» ممکن نیست.")
            % {"status": submission.get_status_display()}
        )
    if not staff_actions_for(submission, actor):
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    submission.status = Status.IN_REVIEW
    submission.assigned_to = actor
    submission.save(update_fields=["status", "assigned_to"])
    _event_record(
        submission=submission,
        kind=EventKind.REVIEW_STARTED,
        actor=actor,
        step=submission.current_step,
    )
    _notify_status(submission)
    return submission


@transaction.atomic
def submission_assign(*, submission_id: int, actor: User, assignee: User | None) -> Submission:
    """A manager gives the request to one person (or back to the whole team with None)."""
    submission = _lock(submission_id)
    staff = _require_staff(actor, submission)
    if staff.role != Role.MANAGER:
        raise ApplicationError(_("فقط مدیر می‌تواند درخواست را واگذار کند."))
    if not submission.is_open:
        raise ApplicationError(_("درخواست بسته‌شده را نمی‌توان واگذار کرد."))
    if assignee is not None and not access.can_receive_submission(assignee, submission):
        raise ApplicationError(_("این کارمند در دستگاه شما نیست."), field="assignee")
    submission.assigned_to = assignee
    if assignee is not None and submission.status == Status.SUBMITTED:
        submission.status = Status.IN_REVIEW
    submission.save(update_fields=["assigned_to", "status"])
    name = assignee.get_full_name() or assignee.username if assignee else _("همه کارکنان مرحله")
    _event_record(
        submission=submission,
        kind=EventKind.ASSIGNED,
        actor=actor,
        message=_("واگذار شد به: %(name)s") % {"name": name},
        public=False,
    )
    return submission


@transaction.atomic
def submission_refer(
    *, submission_id: int, actor: User, department: Department, note: str
) -> Submission:
    """Send the current step's work to another department of the agency, with a note."""
    submission = _lock(submission_id)
    staff = _require_staff(actor, submission)
    if not access.may_route_to(submission, department):
        raise ApplicationError(_("این واحد در دستگاه شما نیست."), field="department")
    if not submission.is_open or submission.status == Status.NEEDS_INFO:
        raise ApplicationError(_("این درخواست اکنون قابل ارجاع نیست."))
    if not staff_actions_for(submission, actor) and staff.role != Role.MANAGER:
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    if not note.strip():
        raise ApplicationError(_("علت ارجاع را بنویسید."), field="note")
    submission.department = department
    submission.assigned_to = None
    submission.save(update_fields=["department", "assigned_to"])
    _event_record(
        submission=submission,
        kind=EventKind.REFERRED,
        actor=actor,
        message=_("ارجاع به %(dept)s: %(note)s") % {"dept": department.name, "note": note.strip()},
        public=False,
    )
    return submission


@transaction.atomic
def submission_note_event(
    *,
    submission_id: int,
    kind: EventKind,
    actor: User | None,
    message: str,
    public: bool = True,
) -> TimelineEvent:
    """Write an event on a request's timeline without moving it (an appointment booked, the
    citizen's arrival): for other apps, which never write TimelineEvent rows themselves."""
    submission = Submission.objects.only(
        "pk", "status", "current_step", "agency_id", "tracking_code"
    ).get(pk=submission_id)
    event = TimelineEvent.objects.create(
        submission=submission,
        kind=kind,
        status_after=submission.status,
        actor=actor,
        message=message,
        step_id=submission.current_step_id,
        is_public=public,
    )
    submission_event_audit(submission=submission, event=event, actor=actor)
    return event


def _event_record(
    *,
    submission: Submission,
    kind: EventKind,
    actor: User | None,
    message: str = "",
    step: Step | None = None,
    public: bool = True,
) -> TimelineEvent:
    event = TimelineEvent(
        submission=submission,
        kind=kind,
        status_after=submission.status,
        actor=actor,
        message=message,
        step=step,
        label=step.citizen_label if step is not None else "",
        is_public=public,
    )
    row_insert(event)
    submission_event_audit(submission=submission, event=event, actor=actor)
    return event


def submission_event_audit(
    *, submission: Submission, event: TimelineEvent, actor: User | None
) -> None:
    """Every event on a request's timeline is a change of its state: the audit log keeps it
    (in the same transaction), without the message, which may hold personal data."""
    audit_record(
        action=f"request.{event.kind}",
        agency_id=submission.agency_id,
        actor=actor,
        target=submission,
        details={
            "tracking_code": submission.tracking_code,
            "status": event.status_after,
            "step": event.step_id,
            "event": event.pk,
        },
    )


def submission_read_audit(
    *, user: object, submission: Submission, attachment: Attachment | None = None
) -> None:
    """Record that someone other than the applicant (staff) read the request or a file of it.
    The applicant reading their own request, and anonymous trackers, are not recorded."""
    if not getattr(user, "is_authenticated", False) or submission.applicant_id == user.pk:  # type: ignore[attr-defined]
        return
    audit_record(
        action=AuditAction.READ_FILE if attachment is not None else AuditAction.READ_REQUEST,
        agency_id=submission.agency_id,
        actor=user,
        target=attachment if attachment is not None else submission,
        details={"tracking_code": submission.tracking_code},
    )


def _notify_status(submission: Submission, *, step_changed: bool = False) -> None:
    """Queue the applicant's SMS (and email, when they gave one) for the request's new status,
    in the agency's wording of that status's template; a move between working steps is named
    by the step the citizen reads."""
    event = "status_step_changed" if step_changed else f"status_{submission.status}"
    if event not in EVENTS:
        event = "status_changed"  # a status without a template of its own
    note = ""
    if submission.status == Status.NEEDS_INFO:
        events = submission.events.order_by("-created_at", "-pk")
        note = events.values_list("message", flat=True).first() or ""
    if not submission.applicant_mobile:
        # A citizen served at the desk without a mobile: the receipt and the public tracking
        # page are their channel (a landline is never texted).
        return
    message_queue_template(
        to=submission.applicant_mobile,
        email=submission.applicant.email,
        event=event,
        context={
            "tracking_code": submission.tracking_code,
            "service": submission.service.title,
            "due_on": submission.due_on,
            "agency": submission.agency.name,
            "status": submission.get_status_display(),
            "message": note,
            "step": submission.current_step.citizen_label if submission.current_step else "",
            "link": progress.short_link(submission.tracking_code),
        },
        agency_id=submission.agency_id,
        reference=submission.tracking_code,
        sender=submission.agency.sms_line,
    )
