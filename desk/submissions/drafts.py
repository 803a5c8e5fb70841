"""A request's answers held server-side between the form and «check your answers».

The answers live in the session; chosen files are stored once, under ``drafts/`` in the
default (private) storage, so the citizen neither loses them on the check page nor uploads
them twice. Files are checked when chosen and again when the request is sent. A draft is
dropped when the request is sent or replaced; files of drafts nobody sent are removed by
``manage.py sweep_drafts``, and hourly by the job worker (tasks.sweep_abandoned_drafts).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone

from desk.catalog.forms import ApplicationForm
from desk.catalog.models import FieldKind, Service
from desk.core.uploads import check_document
from desk.submissions.selectors import answer_text
from desk.submissions.verification import FormCheck

DRAFTS_FOLDER = "drafts"
# A draft older than this is abandoned: the session that held it has expired anyway.
DRAFT_MAX_AGE = timedelta(days=1)


@dataclass
class DraftFile:
    path: str
    name: str
    size: int


@dataclass
class Draft:
    idempotency_key: str
    answers: dict[str, Any]  # JSON-safe: a date as ISO text
    files: dict[str, DraftFile] = field(default_factory=dict)
    # The national systems' word on the bound answers, and the answers they filled.
    verification: str = ""
    filled: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckRow:
    """One line of «check your answers»: the question, the answer, where to change it."""

    name: str
    label: str
    answer: str
    from_registry: bool = False  # filled by a national system (once-only)


def _key(service: Service, owner: str = "") -> str:
    """A citizen's own drafts are one per service; a clerk's (desk/frontdesk) are one per
    service and ``owner``, the citizen being served, so that two citizens' answers never mix."""
    return f"apply-draft:{service.pk}" + (f":{owner}" if owner else "")


def draft_get(session: SessionBase, service: Service, *, owner: str = "") -> Draft | None:
    raw = session.get(_key(service, owner))
    if not raw:
        return None
    files = {name: DraftFile(**spec) for name, spec in raw.get("files", {}).items()}
    return Draft(
        raw["idempotency_key"],
        raw["answers"],
        files,
        raw.get("verification", ""),
        raw.get("filled", []),
    )


def draft_save(
    session: SessionBase,
    *,
    service: Service,
    idempotency_key: uuid.UUID,
    answers: dict[str, Any],
    uploads: dict[str, UploadedFile],
    owner: str = "",
    verification: str = "",
    filled: list[str] | None = None,
) -> Draft:
    """Keep the checked answers; a newly chosen file replaces the one kept for its question."""
    previous = draft_get(session, service, owner=owner)
    files = dict(previous.files) if previous else {}
    for name, upload in uploads.items():
        stored = default_storage.save(f"{DRAFTS_FOLDER}/{uuid.uuid4().hex}", upload)
        if name in files:
            default_storage.delete(files[name].path)
        shown = getattr(upload, "original_name", "") or upload.name or "file"
        files[name] = DraftFile(path=stored, name=shown[-200:], size=upload.size or 0)
    plain = {k: v.isoformat() if isinstance(v, date) else v for k, v in answers.items()}
    draft = Draft(str(idempotency_key), plain, files, verification, sorted(filled or []))
    session[_key(service, owner)] = {
        "idempotency_key": draft.idempotency_key,
        "answers": draft.answers,
        "files": {n: f.__dict__ for n, f in files.items()},
        "verification": draft.verification,
        "filled": draft.filled,
        "saved_at": timezone.now().isoformat(),
    }
    return draft


def draft_uploads(draft: Draft) -> dict[str, File]:
    """The kept files, opened and checked again, ready for ``submission_create``."""
    uploads: dict[str, File] = {}
    for name, kept in draft.files.items():
        with default_storage.open(kept.path, "rb") as stored:
            upload = UploadedFile(stored, name=kept.name, size=kept.size)
            uploads[name] = check_document(upload)
    return uploads


def draft_discard(
    session: SessionBase, service: Service, *, sent: str = "", owner: str = ""
) -> None:
    """Drop the draft and its files; ``sent``: the tracking code it was filed as."""
    draft = draft_get(session, service, owner=owner)
    if draft is not None:
        for kept in draft.files.values():
            default_storage.delete(kept.path)
        del session[_key(service, owner)]
    if sent:
        session[f"{_key(service, owner)}:sent"] = sent


def last_sent(session: SessionBase, service: Service, *, owner: str = "") -> str:
    """The tracking code this session's last draft for ``service`` was filed as, if any."""
    return str(session.get(f"{_key(service, owner)}:sent", ""))


def draft_initial(service: Service, draft: Draft | None) -> dict[str, object]:
    """The form as the citizen left it when they come back to change an answer."""
    if draft is None:
        return {"idempotency_key": uuid.uuid4()}
    dates = {f.name for f in service.form_fields.all() if f.kind == FieldKind.DATE}
    answers = {
        name: date.fromisoformat(value) if name in dates and value else value
        for name, value in draft.answers.items()
    }
    return {**answers, "idempotency_key": draft.idempotency_key}


def draft_form(request: HttpRequest, service: Service, *, owner: str = "") -> ApplicationForm:
    """The service's form, bound to what was posted, else showing the draft's answers; files
    kept in the draft stay unless another is chosen."""
    draft = draft_get(request.session, service, owner=owner)
    return ApplicationForm(
        request.POST or None,
        request.FILES or None,
        service=service,
        kept={name: kept.name for name, kept in draft.files.items()} if draft else None,
        initial=draft_initial(service, draft),
    )


def draft_keep(
    session: SessionBase,
    service: Service,
    form: ApplicationForm,
    *,
    owner: str = "",
    check: FormCheck | None = None,
) -> Draft:
    """Keep a valid form's answers and files until «check your answers»; with the national
    systems' `check` (verification.form_verify), the answers they filled and their word."""
    return draft_save(
        session,
        service=service,
        idempotency_key=form.cleaned_data["idempotency_key"],
        answers=check.answers if check else form.answers(),
        uploads=form.uploads(),
        owner=owner,
        verification=check.state if check else "",
        filled=sorted(check.filled) if check else None,
    )


def check_rows(service: Service, draft: Draft) -> list[CheckRow]:
    rows = []
    for spec in service.form_fields.all():
        if spec.kind == FieldKind.FILE:
            kept = draft.files.get(spec.name)
            answer = kept.name if kept else ""
        else:
            value = draft.answers.get(spec.name)
            answer = "" if value in (None, "") else answer_text(spec, value)
        rows.append(CheckRow(spec.name, spec.label, answer, spec.name in draft.filled))
    return rows


def drafts_sweep(*, older_than: timedelta = DRAFT_MAX_AGE) -> int:
    """Remove kept files of drafts nobody sent; returns how many were removed."""
    cutoff = timezone.now() - older_than
    try:
        _folders, names = default_storage.listdir(DRAFTS_FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{DRAFTS_FOLDER}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed
