"""Reads of letters: for the writer, for the agency's staff, and for the public verifier."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from desk.accounts.models import User
from desk.agencies import access
from desk.catalog.models import Service
from desk.core.verification import PublicFacts, Verified, mask_name, mask_national_code
from desk.letters.models import (
    OPEN_LETTER_STATUSES,
    Letter,
    LetterAttachment,
    LetterNote,
    LetterReply,
)
from desk.lib.jalali import format_date, format_date_long
from desk.submissions.models import Submission
from desk.workflow.models import Department


def letters_of_citizen(user: User, limit: int = 100) -> QuerySet[Letter]:
    """The citizen's letters, newest first, with their agency (one query)."""
    return Letter.objects.filter(citizen_id=user.pk).select_related("agency")[:limit]


def get_letter_for_citizen(user: object, code: str) -> Letter:
    letter = (
        Letter.objects.select_related("agency", "submission__service", "about__service")
        .filter(tracking_code=code)
        .first()
    )
    if letter is None or not access.is_letter_writer(user, letter):
        raise Http404
    return letter


def get_letter_for_staff(user: object, code: str) -> Letter:
    letter = (
        Letter.objects.select_related(
            "agency", "department", "citizen", "submission__service", "about__service"
        )
        .filter(tracking_code=code)
        .first()
    )
    if letter is None or not access.can_view_letter(user, letter):
        raise Http404
    return letter


def inbox_for_staff(user: object) -> QuerySet[Letter]:
    """The agency's open letters, the ones past their deadline and nearest to it first."""
    return (
        Letter.objects.filter(access.letters_visible_to(user), status__in=OPEN_LETTER_STATUSES)
        .select_related("department")
        .order_by("due_on", "registered_at", "pk")
    )


def recently_closed_for_staff(user: object, limit: int = 20) -> QuerySet[Letter]:
    return (
        Letter.objects.filter(access.letters_visible_to(user))
        .exclude(status__in=OPEN_LETTER_STATUSES)
        .select_related("department")
        .order_by("-closed_at", "-pk")[:limit]
    )


def notes_of(letter: Letter, *, public_only: bool) -> list[LetterNote]:
    notes = letter.notes.select_related("actor")
    return list(notes.filter(is_public=True) if public_only else notes)


def replies_of(letter: Letter) -> list[LetterReply]:
    return list(letter.replies.all())


def attachments_of(letter: Letter) -> list[LetterAttachment]:
    return list(letter.attachments.all())


def departments_for(letter: Letter) -> QuerySet[Department]:
    return Department.objects.filter(agency_id=letter.agency_id).order_by("name")


def services_for(letter: Letter) -> QuerySet[Service]:
    return Service.objects.filter(agency_id=letter.agency_id, is_published=True).order_by("title")


def requests_of_citizen(user: User) -> QuerySet[Submission]:
    """The citizen's requests a letter may be about."""
    return (
        Submission.objects.filter(applicant_id=user.pk)
        .select_related("service")
        .order_by("-submitted_at")[:50]
    )


def get_attachment_for_user(user: object, public_id: uuid.UUID) -> LetterAttachment:
    attachment = (
        LetterAttachment.objects.select_related("letter").filter(public_id=public_id).first()
    )
    if attachment is None or not access.can_read_letter_file(user, attachment.letter):
        raise Http404
    return attachment


def get_reply_for_user(user: object, public_id: uuid.UUID) -> LetterReply:
    reply = LetterReply.objects.select_related("letter__agency").filter(public_id=public_id).first()
    if reply is None or not access.can_read_letter_file(user, reply.letter):
        raise Http404
    return reply


def reply_verified(code: str) -> Verified | None:
    """The verification page's answer for a reply's code (desk.core.verification source)."""
    reply = (
        LetterReply.objects.select_related("letter__agency")
        .filter(verification_code=code)
        .exclude(sha256="")
        .first()
    )
    if reply is None:
        return None
    letter = reply.letter
    facts = PublicFacts(
        title=f"پاسخ نامه «{letter.subject}»",
        agency=letter.agency.name,
        service=letter.subject,
        issued_on=format_date_long(reply.issued_at),
        tracking_code=letter.tracking_code,
        applicant=mask_name(letter.citizen_name),
        national_code=mask_national_code(letter.citizen_national_code),
        service_label="موضوع نامه",
        tracking_label="کد رهگیری نامه",
        numbers=f"وارده {letter.number} ({format_date(letter.registered_at)})، "
        f"صادره {reply.number} ({format_date(reply.issued_at)})",
    )
    return Verified(facts=facts, sha256=reply.sha256)
