"""A request's answers held server-side between the form and «check your answers».

The answers live in the session. A citizen's chosen files are staged as soon as they are
chosen (desk/submissions/staging.py: with JavaScript each on its own request, without it when
the form is posted, even a form with errors), and the draft names them by reference: the form
never asks twice for a file, and the request adopts the staged files when it is sent.

A clerk's drafts at the desk (desk/frontdesk) stage their files the same way, as the clerk's
files for the citizen being served (``owner``: their national code). A draft saved with
uploads rather than staged files (:func:`draft_save`) keeps them under ``drafts/`` in the
default (private) storage; those are checked again when the request is sent. A draft is
dropped when the request is sent or replaced; files of drafts nobody sent are removed by
``manage.py sweep_drafts``, and hourly by the job worker (tasks.sweep_abandoned_drafts).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.catalog.forms import ApplicationForm
from desk.catalog.models import FieldKind, Service
from desk.core.errors import ApplicationError
from desk.core.uploads import CheckedDocument, check_document
from desk.submissions import staging
from desk.submissions.models import StagedFile
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
    staged: str = ""  # the StagedFile's public id; its file is not the draft's to delete


# A staged file's reference is posted beside its question as "<question>__staged".
STAGED_SUFFIX = "__staged"


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
    uploads: dict[str, File],
    owner: str = "",
    verification: str = "",
    filled: list[str] | None = None,
    staged: dict[str, StagedFile] | None = None,
) -> Draft:
    """Keep the checked answers; a newly chosen file replaces the one kept for its question.
    ``staged``: the citizen's form names its files by their staged rows instead, all of them."""
    previous = draft_get(session, service, owner=owner)
    files = dict(previous.files) if previous else {}
    if staged is not None:
        for old in files.values():
            if not old.staged:
                default_storage.delete(old.path)
        files = {
            name: DraftFile(row.file.name or "", row.original_name, row.size, str(row.public_id))
            for name, row in staged.items()
        }
    for name, upload in uploads.items():
        stored = default_storage.save(f"{DRAFTS_FOLDER}/{uuid.uuid4().hex}", upload)
        if name in files and not files[name].staged:
            default_storage.delete(files[name].path)
        shown = getattr(upload, "original_name", "") or upload.name or "file"
        files[name] = DraftFile(path=stored, name=shown[-200:], size=upload.size or 0)
    plain = {k: v.isoformat() if isinstance(v, date) else v for k, v in answers.items()}
    draft = Draft(str(idempotency_key), plain, files, verification, sorted(filled or []))
    session.pop(_partial_key(service, owner), None)
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
    """The kept files, ready for ``submission_create``: staged ones by reference (the insert
    claims them, checking them again: desk.submissions.staging.staged_claim), others opened
    and checked again."""
    uploads: dict[str, File] = {
        name: staging.StagedDocument(kept.staged, name=kept.name, size=kept.size)
        for name, kept in draft.files.items()
        if kept.staged
    }
    for name, kept in draft.files.items():
        if kept.staged:
            continue
        with default_storage.open(kept.path, "rb") as stored:
            upload = UploadedFile(stored, name=kept.name, size=kept.size)
            uploads[name] = check_document(upload)
    return uploads


def draft_discard(
    session: SessionBase, service: Service, *, sent: str = "", owner: str = ""
) -> None:
    """Drop the draft and its files; ``sent``: the tracking code it was filed as."""
    session.pop(_partial_key(service, owner), None)
    draft = draft_get(session, service, owner=owner)
    if draft is not None:
        for kept in draft.files.values():
            if not kept.staged:  # a staged file is the request's now, or expires
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


def _partial_key(service: Service, owner: str = "") -> str:
    return "apply-partial:" + _key(service, owner).partition(":")[2]


def partial_keep(
    session: SessionBase, service: Service, form: ApplicationForm, *, owner: str = ""
) -> None:
    """After a form error: the answers that passed their checks and the staged files, kept
    so that coming back to the form (a link followed, the page closed) shows them again. Not
    a draft: «check your answers» and sending never read it."""
    cleaned = getattr(form, "cleaned_data", {})
    files = staging.file_field_names(service)
    answers = {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in cleaned.items()
        if name != "idempotency_key" and name not in files and value not in (None, "")
    }
    staged: dict[str, StagedFile] = getattr(form, "staged", {})
    session[_partial_key(service, owner)] = {
        "answers": answers,
        "staged": {name: str(row.public_id) for name, row in staged.items()},
    }


def _partial_get(session: SessionBase, service: Service, owner: str) -> Draft | None:
    raw = session.get(_partial_key(service, owner))
    if not raw:
        return None
    files = {
        name: DraftFile(path="", name="", size=0, staged=reference)
        for name, reference in raw.get("staged", {}).items()
    }
    return Draft(str(uuid.uuid4()), raw.get("answers", {}), files)


def draft_keep(
    session: SessionBase,
    service: Service,
    form: ApplicationForm,
    *,
    owner: str = "",
    check: FormCheck | None = None,
) -> Draft:
    """Keep a valid form's answers and files until «check your answers»; with the national
    systems' `check` (verification.form_verify), the answers they filled and their word. A
    form from :func:`staged_form` keeps references to its staged files."""
    staged: dict[str, StagedFile] | None = getattr(form, "staged", None)
    return draft_save(
        session,
        service=service,
        idempotency_key=form.cleaned_data["idempotency_key"],
        answers=check.answers if check else form.answers(),
        uploads={} if staged is not None else form.uploads(),
        owner=owner,
        verification=check.state if check else "",
        filled=sorted(check.filled) if check else None,
        staged=staged,
    )


def staged_form(
    request: HttpRequest, service: Service, user: User, *, owner: str = ""
) -> ApplicationForm:
    """The citizen's form for `service`: bound to what was posted, else showing the draft's
    answers. Its files are staged ones: named by the references posted beside them (or, on a
    GET, kept in the draft), each checked again as `user`'s, this service's and this
    question's and unexpired. ``form.staged`` maps questions to their staged files; call
    :func:`staged_clean` instead of ``is_valid``. ``owner``: a clerk (`user`) filing at the
    desk for the citizen with this national code (their draft, files staged for them)."""
    draft = draft_get(request.session, service, owner=owner)
    if draft is None and request.method != "POST":  # back after a form error
        draft = _partial_get(request.session, service, owner)
    names = staging.file_field_names(service)
    # The draft's files (the citizen came back from «check your answers», or to a form left
    # with an error), unless the page posted others.
    kept = {name: f.staged for name, f in (draft.files if draft else {}).items() if f.staged}
    posted = {
        name: request.POST[name + STAGED_SUFFIX]
        for name in names
        if request.POST.get(name + STAGED_SUFFIX)
    }
    references = {**kept, **posted}
    found, refused = (
        staging.staged_resolve_many(
            owner=user, service=service, references=references, acting_for=owner
        )
        if references
        else ({}, {})
    )
    # Only a reference the page posted is worth a word; a draft's file the citizen removed
    # since is simply no longer chosen.
    refused = {name: message for name, message in refused.items() if name in posted}
    bound = request.method == "POST"  # an empty POST too: bound, so it gets its errors
    form = ApplicationForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        service=service,
        kept={name: row.original_name for name, row in found.items()},
        initial=draft_initial(service, draft),
    )
    form.staged = found  # type: ignore[attr-defined]
    form.staged_refused = refused  # type: ignore[attr-defined]
    for name in names & set(form.fields):
        form.fields[name].staged = found.get(name)  # type: ignore[attr-defined]
    return form


def staged_clean(
    form: ApplicationForm, *, user: User, address: str | None, owner: str = ""
) -> bool:
    """Validate a posted :func:`staged_form` and stage every newly chosen file that passed its
    checks, whatever the rest of the form says: after an error the page shows it as chosen
    and posts its reference, never asking for it again. True when the form is valid.
    ``address`` None and ``owner``: a clerk at the desk (staging.staged_create)."""
    form.is_valid()
    staged: dict[str, StagedFile] = form.staged  # type: ignore[attr-defined]
    refused: dict[str, str] = form.staged_refused  # type: ignore[attr-defined]
    cleaned = getattr(form, "cleaned_data", {})
    for name in staging.file_field_names(form.service) & set(form.fields):
        document = cleaned.get(name)
        if isinstance(document, CheckedDocument):
            try:
                row = staging.staged_create(
                    owner=user,
                    service=form.service,
                    field_name=name,
                    document=document,
                    address=address,
                    acting_for=owner,
                )
            except ApplicationError as exc:
                form.add_error(name, exc.message)
                continue
            if name in staged:  # the file it replaces
                staging.staged_discard(
                    owner=user,
                    reference=str(staged[name].public_id),
                    service=form.service,
                    acting_for=owner,
                )
            staged[name] = row
            form.fields[name].staged = row  # type: ignore[attr-defined]
        elif name in refused and name not in form.files:
            # Say why the file is gone rather than only that the question is unanswered.
            form.errors.pop(name, None)
            form.add_error(name, refused[name])
    return form.is_bound and not form.errors


def staged_choose(
    request: HttpRequest,
    *,
    user: User,
    service: Service,
    field: str,
    address: str | None,
    owner: str = "",
) -> tuple[StagedFile | None, str]:
    """One document of a form, as its own request (htmx, submissions/_file_field.html): the
    posted ``remove`` takes `user`'s staged file back (Http404 if it is not theirs), else the
    chosen file is checked and staged (``address`` and ``owner`` as for :func:`staged_clean`).
    The staged row, or None and the Persian reason it was refused."""
    removed = request.POST.get("remove")
    if removed is not None:
        if not staging.staged_discard(
            owner=user, reference=removed, service=service, acting_for=owner
        ):
            raise Http404
        return None, ""
    # The file already staged for this question, if the page had one (posted beside the new
    # one): a new file that is refused leaves it chosen; one that is staged replaces it.
    previous = request.POST.get(field + STAGED_SUFFIX, "")
    chosen = request.FILES.get(field)
    try:
        if chosen is None:
            raise ValidationError(_("پرونده‌ای انتخاب نشده است؛ یک پرونده انتخاب کنید."))
        row = staging.staged_create(
            owner=user,
            service=service,
            field_name=field,
            document=check_document(chosen),
            address=address,
            acting_for=owner,
        )
    except (ValidationError, ApplicationError) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else exc.message
        kept = _staged_for(user, service, field, previous, owner) if previous else None
        if kept is not None:
            reason += " " + _("پرونده‌ای که پیش‌تر انتخاب کرده بودید همچنان انتخاب‌شده است.")
        return kept, reason
    if previous:
        staging.staged_discard(
            owner=user, reference=previous, service=service, acting_for=owner, field_name=field
        )
    return row, ""


def _staged_for(
    user: User, service: Service, field: str, reference: str, owner: str
) -> StagedFile | None:
    """`user`'s staged file for this question by its reference, checked as a form's are."""
    found, _refused = staging.staged_resolve_many(
        owner=user, service=service, references={field: reference}, acting_for=owner
    )
    return found.get(field)


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
