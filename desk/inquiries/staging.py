"""Documents chosen for an inquiry's answer, kept across the answer form's errors (as the
citizens' forms keep theirs: desk/submissions/staging.py, which is tied to a service's
question and so cannot hold an answer's files, a peer's inquiry having no service here).

- :func:`answer_files_stage` stores documents already checked the one way documents are checked
  (desk.core.uploads.check_document) as the staff member's, for one open inquiry, expiring
  after STAGED_UPLOAD_HOURS; newly chosen documents replace the ones kept before.
- :func:`answer_files_kept` gives back the kept documents a form posted by reference, each only
  if it is this staff member's, for this inquiry, and not expired; anything else comes back
  as a Persian message saying to choose the file again.
- :func:`answer_files_claim` is called inside the transaction that stores the answer: it takes
  the rows, checked again under lock as of now; the answer's files adopt their stored files.
- :func:`answer_files_sweep` removes what expired (hourly, tasks.sweep_staged_answer_files).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.agencies import access
from desk.core.errors import ApplicationError
from desk.core.uploads import (
    CheckedDocument,
    document_save,
    expired_sweep,
    files_deleted_on_error,
    rows_delete_with_files,
)
from desk.inquiries.models import Inquiry, StagedAnswerFile, State
from desk.lib.persian import to_persian_digits

logger = logging.getLogger("desk.uploads")

# Posted beside the answer's file input, one per kept document (as submissions' "__staged").
KEPT_FIELD = "documents__staged"
# Ticked beside a kept document to send the answer without it.
REMOVE_FIELD = "documents__remove"


def lifetime() -> timedelta:
    return timedelta(hours=settings.STAGED_UPLOAD_HOURS)


def not_found_message() -> str:
    return _("پرونده‌ای که پیوست کرده بودید پیدا نشد؛ آن را دوباره انتخاب کنید.")


def expired_message() -> str:
    return _(
        "پرونده‌ای که پیوست کرده بودید بیش از %(hours)s ساعت پیش بارگذاری شده و پاک شده است؛ "
        "آن را دوباره انتخاب کنید."
    ) % {"hours": to_persian_digits(settings.STAGED_UPLOAD_HOURS)}


def _public_ids(references: Sequence[str]) -> tuple[list[uuid.UUID], bool]:
    """The references that are UUIDs, and whether any was not."""
    found: list[uuid.UUID] = []
    malformed = False
    for reference in references:
        try:
            found.append(uuid.UUID(str(reference)))
        except ValueError:
            malformed = True
    return found, malformed


def answer_files_kept(
    *, inquiry: Inquiry, owner: User, references: Sequence[str]
) -> tuple[list[StagedAnswerFile], str]:
    """The kept documents the form posted (in the order posted), and a Persian message when
    one of them cannot be used any more ("" when all can). Someone else's reference is treated
    as not found: it says nothing about their file."""
    public_ids, malformed = _public_ids(references)
    rows = {
        row.public_id: row
        for row in StagedAnswerFile.objects.filter(
            public_id__in=public_ids, uploaded_by=owner, inquiry=inquiry
        )
    }
    now = timezone.now()
    kept = [rows[p] for p in dict.fromkeys(public_ids) if p in rows and rows[p].expires_at > now]
    if any(row.expires_at <= now for row in rows.values()):
        return kept, expired_message()
    if malformed or len(rows) < len(set(public_ids)):
        logger.info("staged answer reference refused for user %s", owner.pk)
        return kept, not_found_message()
    return kept, ""


@files_deleted_on_error()
@transaction.atomic
def answer_files_stage(
    *,
    inquiry: Inquiry,
    owner: User,
    documents: Sequence[CheckedDocument],
    replacing: Sequence[StagedAnswerFile] = (),
) -> list[StagedAnswerFile]:
    """Keep checked `documents` for `owner`'s answer to `inquiry`; the kept ones they replace
    (`replacing`) go. ApplicationError if `owner` may not answer it (now)."""
    if not access.is_staff_of(owner, inquiry.to_agency_id) or inquiry.state != State.SENT:
        raise ApplicationError(_("این استعلام دیگر پاسخ تازه نمی‌پذیرد."), field="documents")
    now = timezone.now()
    rows = []
    for document in documents:
        row = StagedAnswerFile(
            inquiry=inquiry, uploaded_by=owner, uploaded_at=now, expires_at=now + lifetime()
        )
        document_save(row, document)
        row.save()
        rows.append(row)
    answer_files_discard(
        inquiry=inquiry, owner=owner, references=[str(r.public_id) for r in replacing]
    )
    return rows


def answer_files_discard(*, inquiry: Inquiry, owner: User, references: Sequence[str]) -> int:
    """Remove `owner`'s kept documents for `inquiry` named by `references` (others' are left
    alone); how many were removed."""
    public_ids, _malformed = _public_ids(references)
    if not public_ids:
        return 0
    rows = list(
        StagedAnswerFile.objects.filter(
            public_id__in=public_ids, uploaded_by=owner, inquiry=inquiry
        )
    )
    _remove(rows)
    return len(rows)


def answer_files_claim(
    *, inquiry: Inquiry, owner: User, references: Sequence[str]
) -> list[StagedAnswerFile]:
    """Inside the transaction that stores the answer: `owner`'s kept documents for `inquiry`,
    locked, checked again as of now, and their rows deleted (their stored files are the
    answer's now). ApplicationError (on ``documents``) if one is not there any more; the
    caller's rollback puts back what was taken."""
    public_ids, malformed = _public_ids(references)
    if not public_ids and not malformed:
        return []
    rows = list(
        StagedAnswerFile.objects.select_for_update()
        .filter(public_id__in=public_ids, uploaded_by=owner, inquiry=inquiry)
        .order_by("uploaded_at", "pk")
    )
    now = timezone.now()
    if any(row.expires_at <= now for row in rows):
        raise ApplicationError(expired_message(), field="documents")
    if malformed or len(rows) < len(set(public_ids)):
        raise ApplicationError(not_found_message(), field="documents")
    StagedAnswerFile.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return rows


def _remove(rows: list[StagedAnswerFile]) -> None:
    """Delete the rows, and their files once that commits."""
    rows_delete_with_files(StagedAnswerFile, rows, "staged answer file")


def answer_files_sweep(*, now: datetime | None = None) -> int:
    """Remove every kept answer document that expired; returns how many."""
    return expired_sweep(StagedAnswerFile, "staged answer file", now=now)
