"""Documents uploaded as they are chosen: each its own small request into a staging area that
belongs to the person who chose it, so that a form error never loses a chosen file.

- :func:`staged_create` checks nothing itself: it takes a document already checked the one way
  documents are checked (desk.core.uploads.check_document: size, structure, antivirus), counts
  it against the uploads quota (desk/submissions/quotas.py) and stores it with its row.
- :func:`staged_resolve_many` gives back the staged documents for the references a form sent,
  each only if it belongs to this person, this service and this question and has not expired; an
  expired one is removed on the spot. Anything else is refused with a Persian message
  (:class:`StagedRefused`).
- The request filed with it adopts the stored file (:class:`StagedDocument`): the insert
  claims the staged rows in one statement (:func:`staged_claim`, checking them again) and
  its attachments name the stored files as they are.
- :func:`staged_sweep` removes what expired (hourly, tasks.sweep_staged_uploads).

A clerk filing at the desk (desk/frontdesk) stages the same way: the files are the clerk's,
``acting_for`` the citizen being served (national code), and only that citizen's request takes
them; they are not counted against the citizens' upload quotas (``address=None``), like the
desk's filing itself.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.files import File
from django.db import connection
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.catalog.models import FieldKind, FormField, Service
from desk.core.errors import ApplicationError
from desk.core.uploads import (
    CheckedDocument,
    document_save,
    expired_sweep,
    files_deleted_on_error,
    rows_delete_with_files,
)
from desk.lib.persian import to_persian_digits
from desk.submissions.models import StagedFile
from desk.submissions.quotas import quota_consume

logger = logging.getLogger("desk.uploads")


class StagedRefused(Exception):
    """A staged reference that cannot be used; ``message`` says what to do, in Persian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Claimed:
    """What a request's attachment takes over from a staged file."""

    file: str
    original_name: str
    content_type: str
    size: int
    sha256: str


class StagedDocument(File):
    """A staged file named by its reference, handed to ``submission_create``: the insert claims
    it (:func:`staged_claim`) and its attachment takes the stored file as it is (no second
    write, no second check)."""

    def __init__(self, reference: str, *, name: str = "", size: int = 0) -> None:
        super().__init__(None, name=name)
        self.reference = reference
        self.size = size
        self.original_name = name
        self.claimed: Claimed | None = None


def lifetime() -> timedelta:
    return timedelta(hours=settings.STAGED_UPLOAD_HOURS)


def file_field_names(service: Service) -> set[str]:
    return {f.name for f in service.form_fields.all() if f.kind == FieldKind.FILE}


def file_question(service: Service, name: str) -> FormField | None:
    """The service's document question ``name`` (None if it has none by that name): the one
    question a staged upload's answer shows again."""
    return next(
        (f for f in service.form_fields.all() if f.name == name and f.kind == FieldKind.FILE),
        None,
    )


@files_deleted_on_error()
def staged_create(
    *,
    owner: User,
    service: Service,
    field_name: str,
    document: CheckedDocument,
    address: str | None,
    acting_for: str = "",
) -> StagedFile:
    """Keep a checked document chosen for `field_name` of `service`; ApplicationError when the
    uploads quota is spent (nothing is stored then). ``address`` None: not counted (a clerk at
    the desk, staging for the citizen whose national code is ``acting_for``)."""
    if address is not None:
        quota_consume(citizen_id=owner.pk, address=address, submissions=0, uploads=1)
    now = timezone.now()
    row = StagedFile(
        owner=owner,
        service=service,
        field_name=field_name,
        acting_for=acting_for,
        created_at=now,
        expires_at=now + lifetime(),
    )
    document_save(row, document)
    row.save()
    return row


def _not_found() -> StagedRefused:
    return StagedRefused(_("پرونده‌ای که انتخاب کرده بودید پیدا نشد؛ آن را دوباره انتخاب کنید."))


def _expired() -> StagedRefused:
    hours = settings.STAGED_UPLOAD_HOURS
    return StagedRefused(
        _(
            "پرونده‌ای که انتخاب کرده بودید بیش از %(hours)s ساعت پیش بارگذاری شده و پاک شده "
            "است؛ آن را دوباره انتخاب کنید."
        )
        % {"hours": to_persian_digits(hours)}
    )


def staged_resolve_many(
    *, owner: User, service: Service, references: dict[str, str], acting_for: str = ""
) -> tuple[dict[str, StagedFile], dict[str, str]]:
    """Every reference of a form at once (one query): the files found, and a Persian message
    per question whose reference was refused (a clerk's: only those staged ``acting_for`` this
    citizen)."""
    wanted: dict[uuid.UUID, str] = {}
    refused: dict[str, str] = {}
    for name, reference in references.items():
        try:
            wanted[uuid.UUID(str(reference))] = name
        except ValueError:
            refused[name] = _not_found().message
    found: dict[str, StagedFile] = {}
    rows = (
        StagedFile.objects.filter(
            public_id__in=wanted, owner=owner, service=service, acting_for=acting_for
        )
        if wanted
        else []
    )
    now = timezone.now()
    expired = []
    for row in rows:
        name = wanted.pop(row.public_id)
        if row.field_name != name:
            wanted[row.public_id] = name  # refused below
        elif row.expires_at <= now:
            expired.append(row)
            refused[name] = _expired().message
        else:
            found[name] = row
    for public_id, name in wanted.items():
        logger.info("staged reference refused for user %s: %s", owner.pk, public_id)
        refused[name] = _not_found().message
    _remove(expired)
    return found, refused


def staged_discard(
    *,
    owner: User,
    reference: str,
    service: Service,
    acting_for: str = "",
    field_name: str | None = None,
) -> bool:
    """Remove one of `owner`'s staged files for `service` (the citizen took it back; a clerk,
    for the citizen being served, ``acting_for``; ``field_name``: only if staged for that
    question); False if it is not one of those."""
    try:
        public_id = uuid.UUID(str(reference))
    except ValueError:
        return False
    found = StagedFile.objects.filter(
        public_id=public_id, owner=owner, service=service, acting_for=acting_for
    )
    if field_name is not None:
        found = found.filter(field_name=field_name)
    rows = list(found)
    _remove(rows)
    return bool(rows)


def staged_claim(
    *,
    owner: User,
    service: Service,
    documents: dict[str, StagedDocument],
    acting_for: str = "",
) -> None:
    """Inside the transaction that inserts the request: take its staged files, checked again
    as `owner`'s (staged ``acting_for`` this citizen when a clerk files at the desk),
    `service`'s and each one's question's and unexpired, in one statement that
    deletes the rows and returns what the attachments need (DELETE … RETURNING: PostgreSQL,
    SQLite ≥ 3.35). ApplicationError with the Persian reason if one is not there any more;
    the caller's rollback puts back what was taken."""
    if not documents:
        return
    wanted: dict[uuid.UUID, tuple[str, StagedDocument]] = {}
    for name, document in documents.items():
        try:
            wanted[uuid.UUID(str(document.reference))] = (name, document)
        except ValueError:
            raise ApplicationError(_not_found().message) from None
    meta = StagedFile._meta
    prep = {f: cast("Field[Any, Any]", meta.get_field(f)) for f in ("public_id", "expires_at")}
    table = connection.ops.quote_name(meta.db_table)
    marks = ", ".join(["%s"] * len(wanted))
    sql = (
        f"DELETE FROM {table} WHERE public_id IN ({marks}) AND owner_id = %s "
        "AND service_id = %s AND acting_for = %s AND expires_at > %s "
        "RETURNING public_id, field_name, file, original_name, content_type, size, sha256"
    )
    params = [prep["public_id"].get_db_prep_value(key, connection) for key in wanted]
    params += [owner.pk, service.pk, acting_for]
    params.append(prep["expires_at"].get_db_prep_value(timezone.now(), connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for public_id, field_name, *rest in rows:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
        name, document = wanted.pop(key)
        if field_name != name:
            wanted[key] = (name, document)
            continue
        document.claimed = Claimed(*rest)
    if wanted:
        references = {name: str(key) for key, (name, _document) in wanted.items()}
        _found, refused = staged_resolve_many(
            owner=owner, service=service, references=references, acting_for=acting_for
        )
        message = " ".join(sorted(set(refused.values()))) or _not_found().message
        raise ApplicationError(message)


def _remove(rows: list[StagedFile]) -> None:
    rows_delete_with_files(StagedFile, rows, "staged file")


def staged_sweep(*, now: datetime | None = None) -> int:
    """Remove every staged file that expired; returns how many."""
    return expired_sweep(StagedFile, "staged file", now=now)
