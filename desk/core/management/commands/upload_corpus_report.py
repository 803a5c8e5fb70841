"""Run the generated hostile upload corpus (desk.lib.upload_corpus) through the same checks as
the upload forms (desk.core.uploads.check_document) and print the figures for
docs/reliability.md. Fails when any file gets the wrong verdict."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from desk.core.uploads import check_document
from desk.lib import upload_corpus
from desk.lib.upload_corpus import Sample


def verdict_of(sample: Sample) -> str:
    """ "accepted", or the code of the reason it was refused."""
    try:
        check_document(SimpleUploadedFile(sample.name, sample.data))
    except ValidationError as exc:
        return str(exc.code)
    return "accepted"


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
                verdicts = [(sample, verdict_of(sample)) for sample in samples]
        finally:
            uploads_log.disabled = False
        self._print(verdicts, options["antivirus"])

    def _print(self, verdicts: list[tuple[Sample, str]], antivirus: str) -> None:
        good = sum(sample.safe for sample, _ in verdicts)
        accepted = [sample for sample, verdict in verdicts if verdict == "accepted"]
        wrongly_accepted = [s.label for s in accepted if not s.safe]
        wrongly_refused = [s.label for s, v in verdicts if s.safe and v != "accepted"]
        reasons = Counter(verdict for _, verdict in verdicts if verdict != "accepted")
        write = self.stdout.write
        write(f"files tried: {len(verdicts)} (antivirus: {antivirus})")
        write(f"hostile files: {len(verdicts) - good}; good documents: {good}")
        write(f"accepted: {len(accepted)}")
        write(f"refused: {sum(reasons.values())}")
        for reason, count in reasons.most_common():
            write(f"  refused as {reason}: {count}")
        write(f"wrongly accepted: {len(wrongly_accepted)}")
        write(f"wrongly refused: {len(wrongly_refused)}")
        if wrongly_accepted or wrongly_refused:
            raise CommandError(f"wrong verdicts: {wrongly_accepted + wrongly_refused}")
