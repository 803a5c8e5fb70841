"""Writes to requests: submitting, and every step taken on a request afterwards."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from desk.accounts.models import User
from desk.agencies.selectors import staff_for_user
from desk.catalog.models import FieldKind, Service
from desk.errors import ApplicationError
from desk.lib import tracking
from desk.lib.jalali import format_date, today_tehran
from desk.lib.persian import to_persian_digits
from desk.lib.workdays import WorkCalendar
from desk.notifications.services import message_queue
from desk.submissions.models import (
    Attachment,
    AttachmentKind,
    EventKind,
    Status,
    Submission,
    TimelineEvent,
)


def promised_date(*, service: Service, start: date | None = None) -> date:
    """The final-answer date promised on the receipt: the service's working days from today."""
    return WorkCalendar().add_working_days(start or today_tehran(), service.duration_working_days)


def _attachment_create(
    *,
    submission: Submission,
    upload: UploadedFile,
    kind: AttachmentKind,
    user: User,
    field_name: str = "",
    label: str = "",
) -> Attachment:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        submission=submission,
        kind=kind,
        field_name=field_name,
        label=label,
        original_name=(upload.name or "file")[-200:],
        content_type=getattr(upload, "sniffed_type", "") or "application/octet-stream",
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    attachment.save()
    return attachment


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def _submission_insert(
    *,
    service: Service,
    applicant: User,
    answers: dict[str, Any],
    files: dict[str, UploadedFile],
    idempotency_key: uuid.UUID,
) -> Submission:
    submission = Submission.objects.create(
        tracking_code=tracking.generate(),
        service=service,
        agency_id=service.agency_id,
        applicant=applicant,
        applicant_name=applicant.get_full_name(),
        applicant_national_code=applicant.national_code or "",
        applicant_mobile=applicant.mobile,
        data={},
        due_on=promised_date(service=service),
        idempotency_key=idempotency_key,
    )
    data: dict[str, Any] = {}
    for field in service.form_fields.all():
        if field.kind == FieldKind.FILE:
            upload = files.get(field.name)
            if upload is not None:
                attachment = _attachment_create(
                    submission=submission,
                    upload=upload,
                    kind=AttachmentKind.DOCUMENT,
                    user=applicant,
                    field_name=field.name,
                    label=field.label,
                )
                data[field.name] = str(attachment.public_id)
        elif answers.get(field.name) not in (None, ""):
            data[field.name] = _json_value(answers[field.name])
    submission.data = data
    submission.save(update_fields=["data"])
    _event_record(submission=submission, kind=EventKind.SUBMITTED, actor=applicant)
    _notify_status(submission)
    return submission


def submission_create(
    *,
    service: Service,
    applicant: User,
    answers: dict[str, Any],
    files: dict[str, UploadedFile],
    idempotency_key: uuid.UUID,
) -> Submission:
    """Create a request from a validated form. The same idempotency key always gives the same
    request, so a double click or a retried POST creates one request, not two."""
    if not service.accepts_online or not service.is_published:
        raise ApplicationError(_("این خدمت در حال حاضر درخواست برخط نمی‌پذیرد."))
    if staff_for_user(applicant) is not None:
        raise ApplicationError(_("ثبت درخواست فقط با ورود شهروند (کد ملی و پیامک) ممکن است."))
    if not applicant.national_code or not applicant.mobile:
        raise ApplicationError(_("برای ثبت درخواست باید با کد ملی و تلفن همراه وارد شوید."))
    for _attempt in range(5):
        existing = Submission.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.applicant_id != applicant.pk:
                raise ApplicationError(_("این فرم قبلاً ارسال شده است. صفحه را تازه کنید."))
            return existing
        try:
            return _submission_insert(
                service=service,
                applicant=applicant,
                answers=answers,
                files=files,
                idempotency_key=idempotency_key,
            )
        except IntegrityError:
            # Either a parallel POST with the same key won (found on the next pass), or the
            # random tracking code collided (a new one is drawn on the next pass).
            continue
    raise ApplicationError(_("ثبت درخواست انجام نشد. لطفاً دوباره تلاش کنید."))


@dataclass(frozen=True)
class Action:
    name: str
    label: Any
    sources: frozenset[Status]
    target: Status
    event: EventKind
    by_applicant: bool = False
    needs_message: bool = False
    needs_result: bool = False


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "start_review",
            gettext_lazy("شروع بررسی"),
            frozenset({Status.SUBMITTED}),
            Status.IN_REVIEW,
            EventKind.REVIEW_STARTED,
        ),
        Action(
            "request_info",
            gettext_lazy("درخواست اطلاعات بیشتر"),
            frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
            Status.NEEDS_INFO,
            EventKind.INFO_REQUESTED,
            needs_message=True,
        ),
        Action(
            "provide_info",
            gettext_lazy("ارسال اطلاعات تکمیلی"),
            frozenset({Status.NEEDS_INFO}),
            Status.IN_REVIEW,
            EventKind.INFO_PROVIDED,
            by_applicant=True,
        ),
        Action(
            "reject",
            gettext_lazy("رد درخواست"),
            frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
            Status.REJECTED,
            EventKind.REJECTED,
            needs_message=True,
        ),
        Action(
            "complete",
            gettext_lazy("انجام و صدور نتیجه"),
            frozenset({Status.IN_REVIEW}),
            Status.COMPLETED,
            EventKind.COMPLETED,
            needs_result=True,
        ),
    ]
}


def staff_actions_for(submission: Submission, user: object) -> list[Action]:
    """The actions `user` may take on `submission` now (none for clerks and admins)."""
    staff = staff_for_user(user)
    if staff is None or not staff.can_process or staff.agency_id != submission.agency_id:
        return []
    return [a for a in ACTIONS.values() if not a.by_applicant and submission.status in a.sources]


@transaction.atomic
def submission_transition(
    *,
    submission_id: int,
    actor: User,
    action: str,
    message: str = "",
    files: list[UploadedFile] | None = None,
) -> Submission:
    """Take one action on a request: the only way a request changes status.

    Locks the row, checks who may act and from which status, stores files, writes the timeline
    event and queues the citizen's SMS, all in one transaction.
    """
    spec = ACTIONS.get(action)
    if spec is None:
        raise ApplicationError(_("این اقدام شناخته‌شده نیست."))
    submission = (
        Submission.objects.select_for_update().select_related("service").get(pk=submission_id)
    )
    if spec.by_applicant:
        if submission.applicant_id != actor.pk:
            raise ApplicationError(_("فقط متقاضی می‌تواند این اقدام را انجام دهد."))
    else:
        staff = staff_for_user(actor)
        if staff is None or staff.agency_id != submission.agency_id or not staff.can_process:
            raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    if submission.status not in spec.sources:
        raise ApplicationError(
            _("این اقدام در وضعیت «%(status)s» ممکن نیست.")
            % {"status": submission.get_status_display()}
        )
    message = message.strip()
    files = files or []
    if spec.needs_message and not message:
        raise ApplicationError(_("نوشتن توضیح برای متقاضی الزامی است."), field="message")
    if spec.needs_result and not files:
        raise ApplicationError(_("پرونده نتیجه را بارگذاری کنید."), field="documents")
    if spec.by_applicant and not (message or files):
        raise ApplicationError(_("توضیح یا مدرک خواسته‌شده را وارد کنید."), field="message")

    kind = AttachmentKind.RESULT if spec.needs_result else AttachmentKind.DOCUMENT
    for upload in files:
        _attachment_create(submission=submission, upload=upload, kind=kind, user=actor)
    submission.status = spec.target
    if spec.target in (Status.COMPLETED, Status.REJECTED):
        submission.closed_at = timezone.now()
    submission.save(update_fields=["status", "closed_at"])
    _event_record(submission=submission, kind=spec.event, actor=actor, message=message)
    _notify_status(submission)
    return submission


def _event_record(
    *, submission: Submission, kind: EventKind, actor: User, message: str = ""
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        submission=submission,
        kind=kind,
        status_after=submission.status,
        actor=actor,
        message=message,
    )


_SMS_TEXT = {
    Status.SUBMITTED: gettext_lazy(
        "درخواست «%(service)s» ثبت شد.\nکد رهگیری: %(code)s\nموعد پاسخ: %(due)s"
    ),
    Status.IN_REVIEW: gettext_lazy("درخواست %(code)s در حال بررسی است."),
    Status.NEEDS_INFO: gettext_lazy(
        "برای درخواست %(code)s اطلاعات یا مدرک بیشتری لازم است. به «درخواست‌های من» بروید."
    ),
    Status.REJECTED: gettext_lazy("درخواست %(code)s رد شد. علت را در صفحه پیگیری ببینید."),
    Status.COMPLETED: gettext_lazy(
        "درخواست %(code)s انجام شد. نتیجه را از صفحه پیگیری دریافت کنید."
    ),
}


def _notify_status(submission: Submission) -> None:
    body = str(_SMS_TEXT[Status(submission.status)]) % {
        "service": submission.service.title,
        "code": to_persian_digits(submission.tracking_code),
        "due": format_date(submission.due_on),
    }
    message_queue(
        to=submission.applicant_mobile,
        body=body + "\n" + _("میز خدمت %(agency)s") % {"agency": submission.agency.name},
        kind=f"status_{submission.status}",
        reference=submission.tracking_code,
    )
