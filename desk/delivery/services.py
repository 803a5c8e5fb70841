"""Writes for electronic delivery: issuing a result document, and recording its delivery."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.agencies import access
from desk.core import pdf
from desk.core.errors import ApplicationError
from desk.core.uploads import files_deleted_on_error, remember_stored
from desk.core.verification import mask_national_code, verification_url
from desk.delivery.models import IssuedDocument
from desk.delivery.selectors import documents_of
from desk.lib import verification_codes as codes
from desk.lib.jalali import format_date, format_date_long
from desk.lib.persian import to_persian_digits
from desk.submissions.models import EventKind, Status, Submission, TimelineEvent
from desk.submissions.services import submission_event_audit

TEMPLATE = "delivery/result.html"


def _render(
    *, submission: Submission, title: str, body: str, code: str, issued_at: datetime
) -> bytes:
    url = verification_url(code)
    return pdf.render_pdf(
        TEMPLATE,
        {
            "submission": submission,
            "title": title,
            "body": body,
            "national_code": mask_national_code(submission.applicant_national_code),
            "tracking_code": to_persian_digits(codes.format_code(submission.tracking_code)),
            "issued_on": format_date(issued_at),
            "issued_on_long": format_date_long(issued_at),
            "verification_code": to_persian_digits(codes.format_code(code)),
            "verification_url": url,
            "qr": pdf.qr_data_uri(url),
        },
    )


def _unused_code() -> str:
    for _attempt in range(5):
        code = codes.generate()
        if not IssuedDocument.objects.filter(verification_code=code).exists():
            return code
    raise ApplicationError(_("صدور سند انجام نشد. لطفاً دوباره تلاش کنید."))


def document_issue(
    *, submission: Submission, title: str, body: str, issued_by: User
) -> IssuedDocument:
    """Render the result as a PDF, store it under a random name with its SHA-256, and give it a
    verification code. Only staff of the request's agency issue its documents."""
    if not access.can_act_on_submission(issued_by, submission):
        raise ApplicationError(_("شما اجازه صدور سند برای این درخواست را ندارید."))
    title, body = " ".join(title.split()), body.strip()
    if not title:
        raise ApplicationError(_("عنوان سند را بنویسید."), field="title")
    if not body:
        raise ApplicationError(_("متن نتیجه را بنویسید."), field="body")
    code = _unused_code()
    # Rendering takes a moment: it happens before the transaction, which stays short.
    issued_at = timezone.now()
    content = _render(
        submission=submission, title=title[:200], body=body, code=code, issued_at=issued_at
    )
    document = IssuedDocument(
        submission=submission,
        verification_code=code,
        title=title[:200],
        body=body,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        issued_at=issued_at,
        issued_by=issued_by,
    )
    try:
        with files_deleted_on_error(), transaction.atomic():
            document.file.save("result.pdf", ContentFile(content), save=False)
            remember_stored(document.file)
            document.save()
    except IntegrityError:
        raise ApplicationError(_("صدور سند انجام نشد. لطفاً دوباره تلاش کنید.")) from None
    return document


def result_document_issue(
    *, submission_id: int, issued_by_id: int | None, message: str = ""
) -> IssuedDocument | None:
    """Issue the result PDF of a request that has just been completed (the subscriber of
    ``SubmissionCompleted``), in the name of whoever completed it, with their decision as its
    text. Idempotent: a request that already has a document issued since it was closed gets
    no second one, so a queued job that runs twice issues once."""
    submission = Submission.objects.select_related("service", "agency").get(pk=submission_id)
    if submission.status != Status.COMPLETED or issued_by_id is None:
        return None
    issued = documents_of(submission)
    if submission.closed_at is not None:
        issued = issued.filter(issued_at__gte=submission.closed_at)
    if issued.exists():
        return None
    body = message.strip() or _(
        "درخواست «%(service)s» شما با کد رهگیری %(code)s بررسی و انجام شد و نتیجه صادر گردید."
    ) % {
        "service": submission.service.title,
        "code": to_persian_digits(submission.tracking_code),
    }
    return document_issue(
        submission=submission,
        title=_("نتیجه درخواست %(service)s") % {"service": submission.service.title},
        body=body,
        issued_by=User.objects.get(pk=issued_by_id),
    )


@transaction.atomic
def delivery_record_first_download(*, document: IssuedDocument, actor_or_none: User | None) -> bool:
    """Record that the applicant received ``document``: its first download by the applicant
    (``actor_or_none``) or by someone who proved the tracking code and national code (``None``).

    Idempotent: only the first call sets ``first_downloaded_at`` and writes the timeline
    event; returns whether this call was that first one.
    """
    locked = (
        IssuedDocument.objects.select_for_update().select_related("submission").get(pk=document.pk)
    )
    if locked.first_downloaded_at is not None:
        document.first_downloaded_at = locked.first_downloaded_at
        return False
    locked.first_downloaded_at = timezone.now()
    locked.save(update_fields=["first_downloaded_at"])
    document.first_downloaded_at = locked.first_downloaded_at
    submission = locked.submission
    message = _("«%(title)s» دریافت شد.") % {"title": locked.title}
    if actor_or_none is None:
        message = _("«%(title)s» با کد رهگیری و کد ملی از صفحه پیگیری دریافت شد.") % {
            "title": locked.title
        }
    event = TimelineEvent.objects.create(
        submission=submission,
        kind=EventKind.DELIVERED,
        status_after=submission.status,
        # Whoever proved the tracking code and national code acts for the applicant.
        actor_id=actor_or_none.pk if actor_or_none is not None else submission.applicant_id,
        message=message,
        step=None,
    )
    submission_event_audit(submission=submission, event=event, actor=actor_or_none)
    return True


@transaction.atomic
def delivery_record_in_person(*, document: IssuedDocument, clerk: User) -> IssuedDocument:
    """Record that a clerk handed ``document`` to the citizen at the desk (printed): the
    document counts as delivered, and the request's timeline says so. Once per document; only
    staff of the request's agency hand over its documents."""
    locked = (
        IssuedDocument.objects.select_for_update().select_related("submission").get(pk=document.pk)
    )
    submission = locked.submission
    if not access.can_act_on_submission(clerk, submission):
        raise ApplicationError(_("شما اجازه تحویل این سند را ندارید."))
    if locked.handed_over_at is not None:
        raise ApplicationError(_("این سند پیش‌تر حضوری تحویل شده است."))
    now = timezone.now()
    locked.handed_over_at = now
    locked.handed_over_by = clerk
    locked.first_downloaded_at = locked.first_downloaded_at or now
    locked.save(update_fields=["handed_over_at", "handed_over_by", "first_downloaded_at"])
    event = TimelineEvent.objects.create(
        submission=submission,
        kind=EventKind.DELIVERED,
        status_after=submission.status,
        actor=clerk,
        message=_("«%(title)s» در میز خدمت حضوری به متقاضی تحویل شد.") % {"title": locked.title},
        step=None,
    )
    submission_event_audit(submission=submission, event=event, actor=clerk)
    return locked
