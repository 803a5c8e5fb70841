from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import SimpleTestCase

from desk.lib import upload_corpus


class UploadCorpusReportTests(SimpleTestCase):
    def test_it_prints_the_figures_with_no_wrong_verdict(self) -> None:
        samples = upload_corpus.build()
        out = StringIO()
        call_command("upload_corpus_report", stdout=out)
        text = out.getvalue()
        good = sum(s.safe for s in samples)
        self.assertIn(f"files tried: {len(samples)} (antivirus: fake)", text)
        self.assertIn(f"accepted: {good}\n", text)
        self.assertIn("refused as infected: ", text)
        self.assertIn("refused as active_content: ", text)
        self.assertIn(f"served as attachment + nosniff with a safe name: {good}\n", text)
        self.assertIn("wrongly accepted: 0\n", text)
        self.assertIn("wrongly refused: 0\n", text)
