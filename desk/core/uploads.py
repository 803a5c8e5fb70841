"""Citizens' documents as the app handles them: checked on the way in, stored so that a failed
request leaves nothing behind, and served on the way out as a download with a name we chose.

- :func:`check_document` runs the size limit, the structure checks of :mod:`desk.lib.filecheck`
  and the antivirus scanner chosen by ANTIVIRUS_BACKEND, and returns the bytes to store.
- :func:`document_save` stores a checked document on its row: the content hash, size, type
  and the name given, the file under a random name, remembered for clean-up on failure.
- :func:`files_deleted_on_error` deletes what a failed request wrote to storage; what a killed
  worker leaves is removed later by ``manage.py sweep_uploads`` (desk.core.sweep).
- :func:`document_response` serves a stored document as an attachment that no browser renders.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone

from desk.lib import filecheck
from desk.lib.antivirus import (
    ClamdScanner,
    FakeScanner,
    NoScanner,
    Scanner,
    ScannerUnavailable,
)
from desk.lib.filecheck import Accepted, Reason
from desk.lib.persian import format_size, to_persian_digits

logger = logging.getLogger("desk.uploads")

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


class CheckedDocument(ContentFile):
    """An upload that passed every check: the bytes to store (images re-encoded), their type,
    and the name the citizen gave (shown to people, never used on disk or in a download)."""

    def __init__(self, content: bytes, *, mime: str, original_name: str) -> None:
        super().__init__(content, name=f"document.{filecheck.EXTENSIONS[mime]}")
        # The bytes themselves, for their hash (sha256_of) without reading them back in chunks.
        self.content = content
        self.mime = mime
        self.sniffed_type = mime
        self.original_name = original_name


class MemoryUploadHandler(MemoryFileUploadHandler):
    """Django's in-memory handler reading FILE_UPLOAD_CHUNK_BYTES at a time (settings
    FILE_UPLOAD_HANDLERS): the parser reads in the smallest chunk of its handlers."""

    chunk_size = settings.FILE_UPLOAD_CHUNK_BYTES


class TemporaryUploadHandler(TemporaryFileUploadHandler):
    """Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE go to FILE_UPLOAD_TEMP_DIR, in large chunks."""

    chunk_size = settings.FILE_UPLOAD_CHUNK_BYTES


@functools.cache
def scanner() -> Scanner:
    """The antivirus that ANTIVIRUS_BACKEND names; built once per process (the settings are
    read once; a test that changes them gets a new one, see _forget_scanner)."""
    backend = settings.ANTIVIRUS_BACKEND
    if backend == "clamav":
        return ClamdScanner(
            unix_socket=settings.CLAMAV_SOCKET,
            host=settings.CLAMAV_HOST,
            port=settings.CLAMAV_PORT,
            timeout=settings.CLAMAV_TIMEOUT_SECONDS,
        )
    if backend == "fake":
        return FakeScanner()
    return NoScanner()


def _forget_scanner(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(("ANTIVIRUS_", "CLAMAV_")):
        scanner.cache_clear()


setting_changed.connect(_forget_scanner)


def refusal(reason: Reason) -> ValidationError:
    """The Persian message for `reason`, as the error shown next to the file field."""
    params = {
        "size": format_size(settings.UPLOAD_MAX_BYTES),
        "megapixels": to_persian_digits(settings.UPLOAD_MAX_PIXELS // 1_000_000),
    }
    return ValidationError(filecheck.message_for(reason), code=reason.value, params=params)


def check_document(upload: UploadedFile) -> CheckedDocument:
    """The document to store for `upload`, or a ValidationError with the Persian reason."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise refusal(Reason.TOO_BIG)
    data = _content_of(upload, limit)
    if len(data) > limit:
        raise refusal(Reason.TOO_BIG)
    name = upload.name or ""
    verdict = filecheck.inspect(data, max_pixels=settings.UPLOAD_MAX_PIXELS)
    if not isinstance(verdict, Accepted):
        logger.info("upload refused: %s (%s) %r", verdict.reason, verdict.detail, name[-80:])
        raise refusal(verdict.reason)
    _scan(data, name)
    return CheckedDocument(verdict.content, mime=verdict.mime, original_name=name[-200:])


def _content_of(upload: UploadedFile, limit: int) -> bytes:
    """The bytes of `upload`, at most `limit` + 1 of them. One held in memory (Django's
    in-memory handler writes it to a BytesIO) is taken as it is, without a copy."""
    held = upload.file
    if isinstance(held, io.BytesIO):
        held.seek(0)
        data = held.getvalue()
        return data if len(data) <= limit else data[: limit + 1]
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    return data


def _scan(data: bytes, name: str) -> None:
    active = scanner()
    try:
        result = active.scan(data)
    except ScannerUnavailable as exc:
        if settings.ANTIVIRUS_FAIL_OPEN:
            logger.error(
                "antivirus %s unavailable, upload accepted unscanned: %s", active.name, exc
            )
            return
        logger.error("antivirus %s unavailable, upload refused: %s", active.name, exc)
        raise refusal(Reason.SCAN_FAILED) from exc
    if result.infected:
        logger.warning("upload refused: %s found in %r", result.signature, name[-80:])
        raise refusal(Reason.INFECTED)


# The files written under the innermost files_deleted_on_error() block of this thread/task.
_STORED: ContextVar[list[FieldFile] | None] = ContextVar("desk_stored_files", default=None)


@contextmanager
def files_deleted_on_error() -> Iterator[None]:
    """Delete the files stored (see :func:`remember_stored`) inside this block if it raises.

    Put it outside the transaction (``@files_deleted_on_error()`` above
    ``@transaction.atomic``): a file is written before its row commits, so no committed row
    ever lacks its file, and when the block fails nothing references what it wrote. A block
    that succeeds hands its files to an enclosing one. A process killed mid-request cannot run
    this: ``manage.py sweep_uploads`` removes those orphans after a grace period.
    """
    files: list[FieldFile] = []
    token = _STORED.set(files)
    try:
        yield
    except BaseException:
        _delete_stored(files)
        raise
    finally:
        _STORED.reset(token)
    enclosing = _STORED.get()
    if enclosing is not None:
        enclosing.extend(files)


def remember_stored(field_file: FieldFile) -> None:
    """Record a file just written, for the enclosing files_deleted_on_error() block."""
    files = _STORED.get()
    if files is not None:
        files.append(field_file)


def sha256_of(upload: File) -> str:
    """The hex SHA-256 of a file's content, read in chunks; the file is rewound after (a
    checked document's bytes are hashed as they are, without reading them back)."""
    if isinstance(upload, CheckedDocument):
        return hashlib.sha256(upload.content).hexdigest()
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def document_save(row: Any, upload: File, *, field: str = "file", keep_name: bool = True) -> None:
    """Store `upload` (a :class:`CheckedDocument`: type detected, images re-encoded) on `row`,
    a model with ``original_name``, ``content_type``, ``size``, ``sha256`` and a file field
    `field` whose ``upload_to`` draws a random name. Fills those fields, writes the file and
    remembers it for the enclosing :func:`files_deleted_on_error` block; the caller saves the
    row. The one way a citizen's, a clerk's or another agency's document is stored.

    ``keep_name=False`` for a row that must not keep the name the citizen gave (it may name
    them: an anonymous report's file) and has no ``original_name``."""
    if keep_name:
        row.original_name = (getattr(upload, "original_name", "") or upload.name or "file")[-200:]
    row.content_type = getattr(upload, "sniffed_type", "") or "application/octet-stream"
    row.size = upload.size or 0
    row.sha256 = sha256_of(upload)
    stored: FieldFile = getattr(row, field)
    stored.save(upload.name or "file", upload, save=False)
    remember_stored(stored)


def _delete_stored(files: list[FieldFile]) -> None:
    for field_file in files:
        try:
            field_file.storage.delete(field_file.name or "")
        except Exception:  # the sweeper gets it; the original error matters more
            logger.exception("could not delete %s after a failed request", field_file.name)


def download_name(stem: str, mime: str) -> str:
    """A download name from our own words (`stem`: a tracking code, a kind) and the one safe
    extension of the detected type; nothing the citizen typed."""
    clean = _UNSAFE_NAME.sub("-", stem).strip("-")[:80] or "document"
    return f"{clean}.{filecheck.EXTENSIONS.get(mime, 'bin')}"


def served_type(mime: str) -> str:
    """Only the types we accept are served as themselves; anything else as opaque bytes."""
    return mime if mime in filecheck.EXTENSIONS else "application/octet-stream"


def document_response(file: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A stored document as a download: never rendered inline, never sniffed, never cached,
    and sandboxed should a browser open it anyway."""
    response = FileResponse(
        file, as_attachment=True, filename=filename, content_type=served_type(content_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def rows_delete_with_files(model: type[Model], rows: Sequence[Any], what: str) -> None:
    """Delete ``rows`` of ``model`` (each with a ``file``) now, and their stored files once
    that commits: a rollback keeps both. A file that cannot be deleted is logged (``what``
    names it) and left to the orphan sweep (desk/core/sweep.py)."""
    if not rows:
        return
    stored = [(row.file.storage, row.file.name or "") for row in rows]
    model._default_manager.filter(pk__in=[row.pk for row in rows]).delete()

    def delete_files() -> None:
        for storage, name in stored:
            try:
                storage.delete(name)
            except Exception:  # the orphan sweep gets it later
                logger.exception("could not delete %s %s", what, name)

    transaction.on_commit(delete_files)


def expired_sweep(model: type[Model], what: str, *, now: datetime | None = None) -> int:
    """Remove every row of ``model`` whose ``expires_at`` has passed, with its file, 500 at a
    time; returns how many."""
    cutoff = now or timezone.now()
    removed = 0
    while True:
        rows = list(model._default_manager.filter(expires_at__lte=cutoff).order_by("pk")[:500])
        if not rows:
            return removed
        rows_delete_with_files(model, rows, what)
        removed += len(rows)
