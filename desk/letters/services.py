"""Writes of the secretariat: registering a letter, routing, replying, turning it into a request."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Agency
from desk.audit.services import audit_record
from desk.calendars.selectors import calendar_for_agency
from desk.catalog.models import Service
from desk.core import pdf
from desk.core.errors import ApplicationError
from desk.core.uploads import document_save, files_deleted_on_error, remember_stored
from desk.core.verification import mask_national_code, verification_url
from desk.letters.models import (
    Channel,
    Direction,
    Letter,
    LetterAttachment,
    LetterNote,
    LetterReply,
    LetterStatus,
    NoteKind,
)
from desk.letters.numbering import number_take, register_of
from desk.lib import tracking
from desk.lib import verification_codes as codes
from desk.lib.jalali import format_date, format_date_long, today_tehran
from desk.lib.persian import to_persian_digits
from desk.notifications.services import message_queue_template
from desk.submissions.models import Channel as SubmissionChannel
from desk.submissions.models import Submission
from desk.submissions.quotas import quota_consume
from desk.submissions.services import submission_open_for_citizen
from desk.workflow.models import Department

REPLY_TEMPLATE = "letters/reply_pdf.html"


def letter_url(letter: Letter) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("letters:detail", args=[letter.tracking_code])


def _attach(letter: Letter, upload: File, user: User) -> LetterAttachment:
    """Store a checked document (desk.core.uploads.CheckedDocument) under a random name."""
    attachment = LetterAttachment(letter=letter, uploaded_by=user)
    document_save(attachment, upload)
    attachment.save()
    return attachment


def _note(
    letter: Letter, kind: NoteKind, actor: User | None, message: str = "", *, public: bool = True
) -> LetterNote:
    note = LetterNote.objects.create(
        letter=letter, kind=kind, actor=actor, message=message, is_public=public
    )
    audit_record(
        action=f"letter.{kind}",
        agency_id=letter.agency_id,
        actor=actor,
        target=letter,
        details={"tracking_code": letter.tracking_code, "number": letter.number},
    )
    return note


@files_deleted_on_error()
@transaction.atomic
def _letter_insert(
    *,
    agency: Agency,
    citizen: User,
    registered_by: User,
    channel: Channel,
    subject: str,
    body: str,
    about: Submission | None,
    files: Sequence[File],
    idempotency_key: uuid.UUID,
) -> Letter:
    now = timezone.now()
    number = number_take(agency=agency, direction=Direction.INCOMING, moment=now)
    days = register_of(agency).deadline_working_days
    letter = Letter.objects.create(
        tracking_code=tracking.generate(),
        agency=agency,
        citizen=citizen,
        citizen_name=citizen.get_full_name(),
        citizen_national_code=citizen.national_code or "",
        citizen_mobile=citizen.mobile or "",
        channel=channel,
        registered_by=registered_by,
        subject=subject,
        body=body,
        about=about,
        year=number.year,
        serial=number.serial,
        number=number.text,
        registered_at=now,
        due_on=calendar_for_agency(agency).add_working_days(today_tehran(), days),
        deadline_working_days=days,
        idempotency_key=idempotency_key,
    )
    for upload in files:
        _attach(letter, upload, registered_by)
    _note(letter, NoteKind.REGISTERED, registered_by)
    _text(letter, "letter_registered", number=letter.number)
    return letter


def _text(letter: Letter, event: str, *, number: str) -> None:
    if not letter.citizen_mobile:
        return
    message_queue_template(
        to=letter.citizen_mobile,
        event=event,
        context={
            "subject": letter.subject,
            "number": number,
            "tracking_code": letter.tracking_code,
            "due_on": letter.due_on,
            "link": letter_url(letter),
            "agency": letter.agency.name,
        },
        agency_id=letter.agency_id,
        reference=letter.tracking_code,
        sender=letter.agency.sms_line,
    )


def letter_create(
    *,
    agency: Agency,
    citizen: User,
    registered_by: User,
    subject: str,
    body: str,
    files: Sequence[File] = (),
    about: Submission | None = None,
    idempotency_key: uuid.UUID,
    address: str | None = None,
    online: Channel = Channel.WEB,
) -> Letter:
    """Register a letter in ``agency``'s register: written by the signed-in ``citizen``
    themselves (``registered_by`` is the citizen), or handed in on paper and registered by a
    clerk of that agency. The same idempotency key always gives the same letter. With the
    client's ``address`` (a citizen at the web form) it counts against the filing quotas.
    ``online``: how a citizen's own letter came (the web form, or the API's ``api``)."""
    by_desk = registered_by.pk != citizen.pk
    if by_desk and not (
        access.can_register_letter(registered_by) and access.is_staff_of(registered_by, agency.pk)
    ):
        raise ApplicationError(_("شما اجازه ثبت نامه برای این دستگاه را ندارید."))
    if not by_desk and not access.may_write_letter(citizen):
        raise ApplicationError(_("نوشتن نامه فقط با ورود شهروند (کد ملی و پیامک) ممکن است."))
    if not agency.is_active:
        raise ApplicationError(
            _("این دستگاه اکنون نامه نمی‌پذیرد؛ دستگاه دیگری را انتخاب کنید."), field="agency"
        )
    if not citizen.national_code:
        raise ApplicationError(
            _("برای این شهروند کد ملی ثبت نشده است؛ نخست کد ملی او را در حسابش ثبت کنید.")
        )
    if about is not None and not access.is_applicant(citizen, about):
        raise ApplicationError(_("این درخواست از آنِ شما نیست."), field="about")
    subject, body = " ".join(subject.split()), body.strip()
    if not subject:
        raise ApplicationError(_("موضوع نامه را بنویسید."), field="subject")
    if not body:
        raise ApplicationError(_("متن نامه را بنویسید."), field="body")
    if address is not None:
        quota_consume(citizen_id=citizen.pk, address=address, submissions=1, uploads=len(files))
    for _attempt in range(5):
        existing = Letter.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.citizen_id != citizen.pk:
                raise ApplicationError(_("این فرم قبلاً ارسال شده است. صفحه را تازه کنید."))
            return existing
        try:
            return _letter_insert(
                agency=agency,
                citizen=citizen,
                registered_by=registered_by,
                channel=Channel.DESK if by_desk else online,
                subject=subject[:200],
                body=body,
                about=about,
                files=files,
                idempotency_key=idempotency_key,
            )
        except IntegrityError:
            # A parallel POST with the same key won, or the tracking code collided; the
            # register number rolled back with the row, so the next pass takes it again.
            continue
    raise ApplicationError(_("ثبت نامه انجام نشد. لطفاً دوباره تلاش کنید."))


def _lock(letter_id: int, actor: User) -> Letter:
    letter = (
        Letter.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None or not access.can_act_on_letter(actor, letter):
        raise ApplicationError(_("شما اجازه این کار را روی این نامه ندارید."))
    return letter


@transaction.atomic
def letter_route(*, letter_id: int, actor: User, department: Department, note: str = "") -> Letter:
    """Send the letter to a department of its agency for an answer."""
    letter = _lock(letter_id, actor)
    if not letter.is_open:
        raise ApplicationError(_("این نامه پاسخ داده شده یا بسته است."))
    if not access.same_agency(department, letter):
        raise ApplicationError(_("این واحد در دستگاه این نامه نیست."), field="department")
    letter.department = department
    letter.status = LetterStatus.ROUTED
    letter.save(update_fields=["department", "status"])
    message = _("ارجاع به %(dept)s") % {"dept": department.name}
    if note.strip():
        message += f": {note.strip()}"
    _note(letter, NoteKind.ROUTED, actor, message, public=False)
    return letter


@transaction.atomic
def _reply_insert(*, letter_id: int, actor: User, body: str) -> LetterReply:
    letter = _lock(letter_id, actor)
    if not letter.is_open:
        raise ApplicationError(_("این نامه پاسخ داده شده یا بسته است."))
    now = timezone.now()
    number = number_take(agency=letter.agency, direction=Direction.OUTGOING, moment=now)
    reply = LetterReply.objects.create(
        letter=letter,
        agency=letter.agency,
        year=number.year,
        serial=number.serial,
        number=number.text,
        body=body,
        issued_at=now,
        issued_by=actor,
        verification_code=codes.generate(),
    )
    letter.status = LetterStatus.ANSWERED
    letter.closed_at = now
    letter.save(update_fields=["status", "closed_at"])
    _note(letter, NoteKind.ANSWERED, actor, _("شماره صادره: %(n)s") % {"n": number.text})
    _text(letter, "letter_answered", number=number.text)
    return reply


def letter_reply(*, letter_id: int, actor: User, body: str) -> LetterReply:
    """Answer the letter: the reply takes the register's next outgoing number in the
    transaction that stores it (a short lock), then its PDF is rendered outside it."""
    body = body.strip()
    if not body:
        raise ApplicationError(_("متن پاسخ را بنویسید."), field="body")
    for _attempt in range(3):
        try:
            reply = _reply_insert(letter_id=letter_id, actor=actor, body=body)
            break
        except IntegrityError:  # the verification code collided: draw another
            continue
    else:
        raise ApplicationError(_("ثبت پاسخ انجام نشد. لطفاً دوباره تلاش کنید."))
    reply_render(reply)
    return reply


def _render(reply: LetterReply) -> bytes:
    letter = reply.letter
    url = verification_url(reply.verification_code)
    return pdf.render_pdf(
        REPLY_TEMPLATE,
        {
            "letter": letter,
            "reply": reply,
            "agency": letter.agency,
            "national_code": mask_national_code(letter.citizen_national_code),
            "tracking_code": to_persian_digits(tracking.format_code(letter.tracking_code)),
            "registered_on": format_date(letter.registered_at),
            "issued_on": format_date(reply.issued_at),
            "issued_on_long": format_date_long(reply.issued_at),
            "verification_code": to_persian_digits(codes.format_code(reply.verification_code)),
            "verification_url": url,
            "qr": pdf.qr_data_uri(url),
        },
    )


def reply_render(reply: LetterReply) -> LetterReply:
    """Render and store the reply's PDF once (idempotent: a stored one is kept)."""
    if reply.file:
        return reply
    content = _render(reply)
    with files_deleted_on_error(), transaction.atomic():
        locked = LetterReply.objects.select_for_update().get(pk=reply.pk)
        if locked.file:
            return locked
        locked.file.save("reply.pdf", ContentFile(content), save=False)
        remember_stored(locked.file)
        locked.size = len(content)
        locked.sha256 = hashlib.sha256(content).hexdigest()
        locked.save(update_fields=["file", "size", "sha256"])
    reply.file, reply.size, reply.sha256 = locked.file, locked.size, locked.sha256
    return reply


@transaction.atomic
def reply_record_download(*, reply: LetterReply, actor: User) -> bool:
    """The writer's first download of the reply: recorded once, on the letter's history."""
    locked = LetterReply.objects.select_for_update().select_related("letter").get(pk=reply.pk)
    if locked.first_downloaded_at is not None or not access.is_letter_writer(actor, locked.letter):
        return False
    locked.first_downloaded_at = timezone.now()
    locked.save(update_fields=["first_downloaded_at"])
    return True


def letter_convert(*, letter_id: int, actor: User, service: Service) -> Submission:
    """Turn the letter into a request for ``service`` of the same agency, owned by the writer;
    the letter keeps the request and the request's timeline names the letter."""
    with transaction.atomic():
        letter = _lock(letter_id, actor)
        if not letter.is_open:
            raise ApplicationError(_("این نامه پاسخ داده شده یا بسته است."))
        if not access.same_agency(service, letter):
            raise ApplicationError(_("این خدمت از آنِ دستگاه این نامه نیست."), field="service")
        submission = submission_open_for_citizen(
            service=service,
            applicant=letter.citizen,
            actor=actor,
            # The request comes as the letter came: a desk request for a letter handed in at
            # the desk, a web (api) one for a letter written on the web (through the API).
            channel=SubmissionChannel(letter.channel),
            note=_("ثبت‌شده از روی نامه شماره %(n)s به تاریخ %(d)s: «%(s)s»")
            % {"n": letter.number, "d": format_date(letter.registered_at), "s": letter.subject},
        )
        letter.submission = submission
        letter.status = LetterStatus.CONVERTED
        letter.closed_at = timezone.now()
        letter.save(update_fields=["submission", "status", "closed_at"])
        _note(
            letter,
            NoteKind.CONVERTED,
            actor,
            _("درخواست «%(service)s» با کد رهگیری %(code)s برای شما ثبت شد.")
            % {
                "service": service.title,
                "code": to_persian_digits(tracking.format_code(submission.tracking_code)),
            },
        )
    return submission
