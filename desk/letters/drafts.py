"""A letter held server-side between the form and «check your answers» (as requests' drafts:
desk.submissions.drafts; kept files live in the same ``drafts/`` folder and are swept with them)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field

from django.contrib.sessions.backends.base import SessionBase
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from desk.core.uploads import check_document
from desk.submissions.drafts import DRAFTS_FOLDER, DraftFile

KEY = "letter-draft"
SENT_KEY = "letter-draft:sent"


@dataclass
class LetterDraft:
    idempotency_key: str
    agency_id: int
    subject: str
    body: str
    about_id: int | None = None
    files: list[DraftFile] = field(default_factory=list)


def draft_get(session: SessionBase) -> LetterDraft | None:
    raw = session.get(KEY)
    if not raw:
        return None
    files = [DraftFile(**spec) for spec in raw.pop("files", [])]
    return LetterDraft(**raw, files=files)


def draft_save(
    session: SessionBase,
    *,
    agency_id: int,
    subject: str,
    body: str,
    about_id: int | None,
    uploads: list[UploadedFile],
) -> LetterDraft:
    """Keep the letter; newly chosen files replace the ones kept, none chosen keeps them."""
    previous = draft_get(session)
    files = list(previous.files) if previous else []
    if uploads:
        for kept in files:
            default_storage.delete(kept.path)
        files = []
        for upload in uploads:
            stored = default_storage.save(f"{DRAFTS_FOLDER}/{uuid.uuid4().hex}", upload)
            shown = getattr(upload, "original_name", "") or upload.name or "file"
            files.append(DraftFile(path=stored, name=shown[-200:], size=upload.size or 0))
    key = previous.idempotency_key if previous else str(uuid.uuid4())
    draft = LetterDraft(key, agency_id, subject, body, about_id, files)
    session[KEY] = {**asdict(draft), "files": [asdict(f) for f in files]}
    return draft


def draft_uploads(draft: LetterDraft) -> list[File]:
    """The kept files, opened and checked again, ready for ``letter_create``."""
    uploads: list[File] = []
    for kept in draft.files:
        with default_storage.open(kept.path, "rb") as stored:
            uploads.append(check_document(UploadedFile(stored, name=kept.name, size=kept.size)))
    return uploads


def draft_discard(session: SessionBase, *, sent: str = "") -> None:
    draft = draft_get(session)
    if draft is not None:
        for kept in draft.files:
            default_storage.delete(kept.path)
        del session[KEY]
    if sent:
        session[SENT_KEY] = sent
