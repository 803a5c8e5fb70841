"""Backups hold everything, and the drill restores them beside the live system and proves it.

TransactionTestCase: pg_dump reads committed rows from its own connection."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import uuid
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import SimpleTestCase, TransactionTestCase, override_settings

from desk.audit.services import audit_record
from desk.core.cache import GENERATIONS
from desk.operations.backup import MANIFEST, backup_create, manifest_read
from desk.operations.drill import restore_drill
from desk.operations.restore import RestoreError, Verification
from desk.submissions import services
from desk.submissions.models import Attachment, Submission
from desk.submissions.tests.base import checked_upload
from desk.test import create_agency, create_citizen, create_service, create_staff


class BackupTestCase(TransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(tempfile.mkdtemp(prefix="desk-backup-test-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        # Uploads of this test only: a backup takes every file in storage.
        media = tempfile.mkdtemp(prefix="desk-backup-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        storages = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": media},
            },
        }
        self.enterContext(override_settings(STORAGES=storages))
        agency = create_agency()
        self.expert = create_staff(agency, "expert")
        service = create_service(agency)
        citizen = create_citizen()
        for _ in range(2):
            services.submission_create(
                service=service,
                applicant=citizen,
                answers={"address": "تهران، خیابان آزادی"},
                files={"deed": checked_upload()},
                idempotency_key=uuid.uuid4(),
            )
        audit_record(action="read.request", agency_id=agency.pk, actor=self.expert)

    def backup(self) -> Path:
        return backup_create(destination=self.folder).path


class BackupTest(BackupTestCase):
    def test_it_writes_the_database_every_file_and_a_manifest(self) -> None:
        folder = self.backup()

        manifest = manifest_read(folder)
        self.assertEqual(manifest["vendor"], connections["default"].vendor)
        self.assertTrue((folder / manifest["database"]["file"]).is_file())
        self.assertEqual(manifest["tables"]["submissions.submission"], 2)
        self.assertEqual(manifest["tables"]["audit.auditentry"], 3)
        names = set(Attachment.objects.values_list("file", flat=True))
        self.assertEqual(set(manifest["files"]), names)
        for name in names:
            self.assertEqual(
                (folder / "files" / name).read_bytes(), default_storage.open(name).read()
            )
        ((_scope, (sequence, head)),) = manifest["audit_heads"].items()
        self.assertEqual(sequence, 3)
        self.assertEqual(len(head), 64)

    def test_the_command_reports_what_it_wrote(self) -> None:
        out = io.StringIO()

        call_command("backup", "--output", str(self.folder), stdout=out)

        self.assertRegex(
            out.getvalue(), r"backup .*mizkhedmat-\d+T\d+Z: \d+ tables, \d+ rows, 2 files"
        )


class RestoreDrillTest(BackupTestCase):
    def test_it_restores_beside_the_live_system_and_verifies_everything(self) -> None:
        folder = self.backup()
        Submission.objects.all().delete()  # the live system moves on; the drill must not care

        result = restore_drill(folder=folder)

        check = result.verification
        self.assertEqual(check.problems, [])
        self.assertEqual((check.files, check.files_verified), (2, 2))
        self.assertEqual((check.chains, check.audit_entries), (1, 3))
        self.assertGreater(check.rows, 10)
        self.assertGreater(result.rto_seconds, 0)
        self.assertEqual(Submission.objects.count(), 0, "the live database was left alone")

    def test_it_finds_a_damaged_file(self) -> None:
        folder = self.backup()
        name = next(iter(manifest_read(folder)["files"]))
        (folder / "files" / name).write_bytes(b"%PDF-1.4 something else")

        result = restore_drill(folder=folder)

        self.assertEqual(result.verification.files_verified, 1)
        self.assertIn(f"file {name}: SHA-256 differs", result.verification.problems)

    def test_it_finds_a_file_the_backup_lost(self) -> None:
        folder = self.backup()
        manifest = manifest_read(folder)
        name = next(iter(manifest["files"]))
        del manifest["files"][name]
        (folder / MANIFEST).write_text(json.dumps(manifest), "utf-8")

        result = restore_drill(folder=folder)

        self.assertIn("no such file", " ".join(result.verification.problems))

    def test_it_finds_rows_that_differ_from_the_manifest(self) -> None:
        folder = self.backup()
        manifest = manifest_read(folder)
        manifest["tables"]["submissions.submission"] = 3
        (folder / MANIFEST).write_text(json.dumps(manifest), "utf-8")

        result = restore_drill(folder=folder)

        self.assertIn(
            "table submissions.submission: 2 rows, the backup had 3", result.verification.problems
        )

    def test_it_refuses_a_damaged_database_file(self) -> None:
        folder = self.backup()
        database = folder / manifest_read(folder)["database"]["file"]
        with database.open("ab") as handle:
            handle.write(b"junk")

        with self.assertRaisesMessage(RestoreError, "does not match the manifest"):
            restore_drill(folder=folder)

    def test_the_command_takes_a_fresh_backup_and_writes_its_figures(self) -> None:
        out = io.StringIO()
        figures = self.folder / "drill.json"

        call_command("restore_drill", "--json", str(figures), stdout=out)

        self.assertIn("2/2 files verified; RTO", out.getvalue())
        data = json.loads(figures.read_text("utf-8"))
        self.assertEqual(data["problems"], [])
        self.assertGreater(data["rto_seconds"], 0)


class RestoreCommandTest(BackupTestCase):
    def test_it_refuses_a_folder_that_is_no_backup(self) -> None:
        with self.assertRaisesMessage(CommandError, "is not a usable backup"):
            call_command("restore", str(self.folder), "--yes")


class RestoreForgetsCachedConfigurationTest(SimpleTestCase):
    # The bump is also queued for the commit (desk.core.cache.generation_bump), which asks the
    # connection whether it is in a transaction.
    databases = {"default"}

    def test_the_restore_command_makes_the_cached_configuration_stale(self) -> None:
        # Redis outlives the database a restore replaces: the service cards, calendars and
        # templates cached from the old rows must not be served afterwards.
        command = "desk.operations.management.commands.restore"
        for generation in GENERATIONS:
            cache.set(generation, 5)
        self.addCleanup(cache.delete_many, list(GENERATIONS))
        verified = Verification(files=1, files_verified=1)
        with (
            mock.patch(f"{command}.backup_check", return_value={}),
            mock.patch(f"{command}.database_restore") as database_restore,
            mock.patch(f"{command}.files_restore", return_value=1),
            mock.patch(f"{command}.restore_verify", return_value=verified),
        ):
            call_command("restore", "/nowhere", "--yes", stdout=io.StringIO())

        database_restore.assert_called_once()
        for generation in GENERATIONS:
            self.assertNotEqual(cache.get(generation), 5, generation)
