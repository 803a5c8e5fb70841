"""Run the generated hostile upload corpus (desk.lib.upload_corpus) through the same checks as
the upload forms (desk.core.uploads.check_document) and print the figures for
docs/reliability.md. Fails when any file gets the wrong verdict."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from desk.core.uploads import CheckedDocument, check_document, document_response, download_name
from desk.lib import filecheck, upload_corpus
from desk.lib.upload_corpus import Sample

SAFE_DOWNLOAD = re.compile(r'^attachment; filename="[A-Za-z0-9-]+\.(pdf|jpg|png)"$')


def verdict_of(sample: Sample, number: int) -> str:
    """The reason `sample` was refused; or "accepted" (and served safely) or "served unsafely"."""
    try:
        document = check_document(SimpleUploadedFile(sample.name, sample.data))
    except ValidationError as exc:
        return str(exc.code)
    return "accepted" if served_safely(document, number) else "served unsafely"


def served_safely(document: CheckedDocument, number: int) -> bool:
    """What a download of the stored document sends: an attachment under a name of our own
    with the detected type's extension, never sniffed."""
    name = download_name(f"100000000000-document-{number:08x}", document.mime)
    response = document_response(
        io.BytesIO(document.read()), filename=name, content_type=document.mime
    )
    disposition = SAFE_DOWNLOAD.match(response["Content-Disposition"])
    return (
        disposition is not None
        and disposition[1] == filecheck.EXTENSIONS[document.mime]
        and response["Content-Type"] == document.mime
        and response["X-Content-Type-Options"] == "nosniff"
    )


ACCEPTED = ("accepted", "served unsafely")


class Command(BaseCommand):
    help = "Print how the upload checks judge the generated hostile corpus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--antivirus",
            choices=("fake", "configured"),
            default="fake",
            help="fake: the EICAR-finding stand-in (default); configured: ANTIVIRUS_BACKEND.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        samples = upload_corpus.build()
        backend = {"ANTIVIRUS_BACKEND": "fake"} if options["antivirus"] == "fake" else {}
        uploads_log = logging.getLogger("desk.uploads")
        uploads_log.disabled = True  # one line per refusal would drown the figures
        try:
            with override_settings(**backend):
                verdicts = [(s, verdict_of(s, n)) for n, s in enumerate(samples)]
        finally:
            uploads_log.disabled = False
        self._print(verdicts, options["antivirus"])

    def _print(self, verdicts: list[tuple[Sample, str]], antivirus: str) -> None:
        good = sum(sample.safe for sample, _ in verdicts)
        accepted = [sample for sample, verdict in verdicts if verdict in ACCEPTED]
        wrongly_accepted = [s.label for s in accepted if not s.safe]
        wrongly_refused = [s.label for s, v in verdicts if s.safe and v not in ACCEPTED]
        unsafe = [s.label for s, v in verdicts if v == "served unsafely"]
        reasons = Counter(verdict for _, verdict in verdicts if verdict not in ACCEPTED)
        write = self.stdout.write
        write(f"files tried: {len(verdicts)} (antivirus: {antivirus})")
        write(f"hostile files: {len(verdicts) - good}; good documents: {good}")
        write(f"accepted: {len(accepted)}")
        write(f"refused: {sum(reasons.values())}")
        for reason, count in reasons.most_common():
            write(f"  refused as {reason}: {count}")
        write(f"served as attachment + nosniff with a safe name: {len(accepted) - len(unsafe)}")
        write(f"wrongly accepted: {len(wrongly_accepted)}")
        write(f"wrongly refused: {len(wrongly_refused)}")
        if wrongly_accepted or wrongly_refused or unsafe:
            raise CommandError(f"wrong verdicts: {wrongly_accepted + wrongly_refused + unsafe}")
