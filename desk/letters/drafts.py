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
# Files accepted on a form sent back for another answer, before any draft exists: kept so that
# the error costs nothing chosen (the request form keeps its files the same way).
KEPT_KEY = "letter-draft:kept-files"


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
    files = kept_files(session)
    if uploads:
        files = _replace(files, uploads)
    session.pop(KEPT_KEY, None)
    key = previous.idempotency_key if previous else str(uuid.uuid4())
    draft = LetterDraft(key, agency_id, subject, body, about_id, files)
    session[KEY] = {**asdict(draft), "files": [asdict(f) for f in files]}
    return draft


def kept_files(session: SessionBase) -> list[DraftFile]:
    """The files the letter carries so far: its draft's, or those kept from a form sent
    back with an error."""
    draft = draft_get(session)
    if draft is not None and draft.files:
        return list(draft.files)
    return [DraftFile(**spec) for spec in session.get(KEPT_KEY, [])]


def files_keep(session: SessionBase, uploads: list[UploadedFile]) -> list[DraftFile]:
    """Files chosen on a form that came back with an error elsewhere, already checked: kept
    (replacing the ones kept before) until the letter is sent or discarded."""
    files = _replace(kept_files(session), uploads)
    draft = draft_get(session)
    if draft is not None:
        draft.files = files
        session[KEY] = {**asdict(draft), "files": [asdict(f) for f in files]}
    else:
        session[KEPT_KEY] = [asdict(f) for f in files]
    return files


def _replace(files: list[DraftFile], uploads: list[UploadedFile]) -> list[DraftFile]:
    for kept in files:
        default_storage.delete(kept.path)
    stored_files = []
    for upload in uploads:
        stored = default_storage.save(f"{DRAFTS_FOLDER}/{uuid.uuid4().hex}", upload)
        shown = getattr(upload, "original_name", "") or upload.name or "file"
        stored_files.append(DraftFile(path=stored, name=shown[-200:], size=upload.size or 0))
    return stored_files


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
    for kept in [DraftFile(**spec) for spec in session.pop(KEPT_KEY, [])]:
        default_storage.delete(kept.path)
    if sent:
        session[SENT_KEY] = sent
