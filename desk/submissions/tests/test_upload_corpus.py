"""The hostile upload corpus (desk.lib.upload_corpus, ≥ 200 files built at test time) through the
citizen's apply form: nothing hostile is accepted, every good document is, and each accepted
file comes back only as an attachment, never sniffed, under a name we chose."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from django.http import FileResponse
from django.test import override_settings
from django.urls import reverse

from desk.lib import filecheck, upload_corpus
from desk.submissions.models import Attachment, Submission
from desk.submissions.tests.base import SubmissionTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SAFE_DISPOSITION = re.compile(r'^attachment; filename="(\d+-document-[0-9a-f]{8})\.(pdf|jpg|png)"$')
NO_QUOTA = {
    f"{what}_PER_{who}_PER_{window}": 100_000
    for what in ("SUBMISSIONS", "UPLOADS")
    for who in ("CITIZEN", "ADDRESS")
    for window in ("HOUR", "DAY")
}


@override_settings(ANTIVIRUS_BACKEND="fake", **NO_QUOTA)
class HostileCorpusTests(SubmissionTestCase):
    def apply(self, name: str, content: bytes) -> Response:
        return self.apply_with_file(name, content)

    def test_no_hostile_file_is_accepted_and_every_good_one_is_served_safely(self) -> None:
        samples = upload_corpus.build()
        self.assertGreaterEqual(len(samples), 200)
        self.client.force_login(self.citizen)
        accepted = 0
        for sample in samples:
            before = Submission.objects.count()
            r = self.apply(sample.name, sample.data)
            stored = Submission.objects.count() > before
            self.assertEqual(stored, sample.safe, sample.label)
            if stored:
                accepted += 1
                self.assertEqual(r.status_code, 302, sample.label)
                self.assert_served_safely(Attachment.objects.latest("pk"), sample.label)
            else:
                self.assertEqual(r.status_code, 200, sample.label)
                self.assertContains(r, "is-invalid")
                self.assertContains(r, "تهران، خیابان انقلاب")  # what was typed is kept
        self.assertEqual(accepted, sum(s.safe for s in samples))
        self.assertEqual(Attachment.objects.count(), accepted)

    def assert_served_safely(self, attachment: Attachment, label: str) -> None:
        r = self.client.get(reverse("submissions:download", args=[attachment.public_id]))
        self.assertEqual(r.status_code, 200, label)
        match = SAFE_DISPOSITION.match(r["Content-Disposition"])
        self.assertIsNotNone(match, (label, r["Content-Disposition"]))
        assert match is not None
        mime = {"pdf": filecheck.PDF, "jpg": filecheck.JPEG, "png": filecheck.PNG}[match[2]]
        self.assertEqual(r["Content-Type"], mime, label)
        self.assertEqual(r["X-Content-Type-Options"], "nosniff", label)
        content = b"".join(cast(FileResponse, r).streaming_content)  # type: ignore[arg-type]
        # What is served passes the checks itself (images: the re-encoded picture).
        verdict = filecheck.inspect(content)
        assert isinstance(verdict, filecheck.Accepted), label
        self.assertEqual(verdict.mime, mime, label)
