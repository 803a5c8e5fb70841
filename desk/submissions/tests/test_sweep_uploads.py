"""The upload sweeper: orphan files (no row) and stale temporary uploads go after the grace
period; referenced and recent files stay. Includes a worker "killed" mid-submission."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import OperationalError, models

from desk.core import uploads
from desk.core.sweep import _file_fields, sweep_uploads
from desk.submissions import services
from desk.submissions.models import Attachment, Submission
from desk.submissions.tests.base import SubmissionTestCase, use_own_media

HOUR = 3600


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def on_disk(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


class SweepTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        use_own_media(self)
        self.temp_dir = tempfile.mkdtemp(prefix="desk-upload-tmp-")
        override = self.settings(FILE_UPLOAD_TEMP_DIR=self.temp_dir, UPLOAD_SWEEP_GRACE_MINUTES=60)
        override.enable()
        self.addCleanup(override.disable)

    def orphan(self, folder: str = "submissions/2026/11", *, seconds_old: float = 2 * HOUR) -> Path:
        name = storages["default"].save(f"{folder}/{uuid.uuid4().hex}", ContentFile(b"x" * 100))
        age(on_disk(name), seconds_old)
        return on_disk(name)

    def temp_upload(self, name: str, *, seconds_old: float) -> Path:
        path = Path(self.temp_dir) / name
        path.write_bytes(b"y" * 50)
        age(path, seconds_old)
        return path

    def test_it_deletes_old_orphans_and_keeps_referenced_and_recent_files(self) -> None:
        submission = self.create_submission()
        kept = on_disk(self.document_of(submission).file.name or "")
        age(kept, 10 * HOUR)
        old = [self.orphan(), self.orphan("delivery/2026/10")]
        recent = self.orphan(seconds_old=60)
        report = sweep_uploads(grace=timedelta(hours=1))
        self.assertEqual((report.orphans, report.orphan_bytes), (2, 200))
        self.assertEqual(report.recent_orphans_kept, 1)
        self.assertTrue(kept.exists())
        self.assertTrue(recent.exists())
        self.assertFalse(any(path.exists() for path in old))

    def test_it_deletes_stale_temporary_uploads_only(self) -> None:
        stale = self.temp_upload("tmpab12cd.upload.pdf", seconds_old=3 * HOUR)
        live = self.temp_upload("tmpef34gh.upload.png", seconds_old=30)
        other = self.temp_upload("notes.txt", seconds_old=3 * HOUR)
        out = StringIO()
        call_command("sweep_uploads", stdout=out)
        self.assertIn("stale temporary uploads deleted: 1 (50 bytes)", out.getvalue())
        self.assertFalse(stale.exists())
        self.assertTrue(live.exists())
        self.assertTrue(other.exists())

    def test_a_dry_run_counts_and_deletes_nothing(self) -> None:
        orphan = self.orphan()
        out = StringIO()
        call_command("sweep_uploads", "--dry-run", stdout=out)
        self.assertIn("dry run: orphan files deleted: 1 (100 bytes)", out.getvalue())
        self.assertTrue(orphan.exists())

    def test_files_of_a_worker_killed_mid_submission_are_swept(self) -> None:
        # A killed process runs no cleanup: the file stays, the transaction is rolled back.
        with (
            mock.patch.object(uploads, "_delete_stored"),
            mock.patch.object(services, "_notify_status", side_effect=OperationalError("killed")),
            self.assertRaises(OperationalError),
        ):
            self.create_submission()
        self.assertFalse(Submission.objects.exists())
        left = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
        self.assertEqual(len(left), 1)
        age(left[0], 2 * HOUR)
        out = StringIO()
        call_command("sweep_uploads", stdout=out)
        self.assertIn("orphan files deleted: 1", out.getvalue())
        self.assertFalse(left[0].exists())
        self.assertFalse(Attachment.objects.exists())

    def test_the_huey_job_sweeps(self) -> None:
        from desk.core.tasks import sweep_orphan_uploads

        orphan = self.orphan()
        sweep_orphan_uploads.call_local()
        self.assertFalse(orphan.exists())

    def test_the_sweep_is_a_few_queries_per_batch(self) -> None:
        for _ in range(30):
            self.orphan()
        # One query per FileField for the whole batch, whatever the number of files.
        with self.assertNumQueries(len(_file_fields())):
            sweep_uploads(grace=timedelta(hours=1))


class SweptFoldersTests(SubmissionTestCase):
    def test_every_stored_document_lives_in_a_folder_the_sweeper_walks(self) -> None:
        from desk.core.sweep import SWEPT_FOLDERS

        for model, name in _file_fields():
            field = model._meta.get_field(name)
            assert isinstance(field, models.FileField)
            with self.subTest(model=model.__name__, field=name):
                path = field.generate_filename(model(), "x.pdf")
                self.assertIn(path.split("/")[0], SWEPT_FOLDERS)
