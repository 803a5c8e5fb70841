"""The result files of the generated completed requests, as in life: the default workflow's
«complete» action asks for one (Action.needs_result), so every completed request has a result
attachment, and the tracking lookup of a completed request lists it and lets the browser
download it (the lookup's dearer case, 70 % of the replayed codes).

Every generated result row points at one shared PDF in the private storage (the bench's
`var/private`, which bench/run.py deletes between runs: `ensure_result_file` writes it again).
`add_missing_results` inserts the rows in one INSERT … SELECT where they are missing, so it
fills a database generated before this existed and does nothing the second time.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import connection, transaction

from desk.benchdata.pdf import pdf_of
from desk.submissions.models import (
    Attachment,
    AttachmentKind,
    EventKind,
    Status,
    Submission,
    TimelineEvent,
)

RESULT_FILE = "bench/result.pdf"  # its name in the storage, shared by every generated result
RESULT_PDF = pdf_of(120 * 1024)
RESULT_NAME = "نتیجه درخواست.pdf"  # what the agency's expert uploaded


def ensure_result_file() -> None:
    """The shared result PDF in the storage, unless it is there already."""
    storage = Attachment._meta.get_field("file").storage
    if not storage.exists(RESULT_FILE):
        storage.save(RESULT_FILE, ContentFile(RESULT_PDF))


def add_missing_results(*, up_to: int) -> int:
    """A result attachment for every generated (pk ≤ `up_to`) completed request without one,
    uploaded by the expert who completed it when it was closed. Returns the rows inserted."""
    a, s, e = (m._meta for m in (Attachment, Submission, TimelineEvent))

    def col(meta: object, name: str) -> str:
        return connection.ops.quote_name(meta.get_field(name).column)  # type: ignore[attr-defined]

    table = connection.ops.quote_name
    new_uuid = (
        "gen_random_uuid()" if connection.vendor == "postgresql" else "lower(hex(randomblob(16)))"
    )
    columns = ", ".join(
        col(a, name)
        for name in (
            "public_id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "submission",
            "kind",
            "field_name",
            "label",
            "file",
        )
    )
    sql = (
        f"INSERT INTO {table(a.db_table)} ({columns}) "
        f"SELECT {new_uuid}, %s, %s, %s, %s, ev.{col(e, 'actor')}, sub.{col(s, 'closed_at')}, "
        f"sub.{col(s, 'id')}, %s, '', '', %s "
        f"FROM {table(s.db_table)} sub JOIN {table(e.db_table)} ev "
        f"ON ev.{col(e, 'submission')} = sub.{col(s, 'id')} AND ev.{col(e, 'kind')} = %s "
        f"WHERE sub.{col(s, 'status')} = %s AND sub.{col(s, 'id')} <= %s "
        f"AND ev.{col(e, 'actor')} IS NOT NULL AND NOT EXISTS ("
        f"SELECT 1 FROM {table(a.db_table)} att "
        f"WHERE att.{col(a, 'submission')} = sub.{col(s, 'id')} "
        f"AND att.{col(a, 'kind')} = %s)"
    )
    params: list[str | int] = [
        RESULT_NAME,
        "application/pdf",
        len(RESULT_PDF),
        hashlib.sha256(RESULT_PDF).hexdigest(),
        AttachmentKind.RESULT.value,
        RESULT_FILE,
        EventKind.COMPLETED.value,
        Status.COMPLETED.value,
        up_to,
        AttachmentKind.RESULT.value,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Before the first run the planner knows the attachments table as empty and probes
            # it by a sequential scan per completed request, a scan that grows with every row
            # the statement inserts: hours at 1,000,000 requests. A hash anti join reads it once.
            cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql, params)
        inserted = cursor.rowcount
    if inserted:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table(a.db_table)}")
    return max(0, inserted)
