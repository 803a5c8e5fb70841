"""«Check your answers» before a request is sent: answers and chosen files kept server-side."""

from __future__ import annotations

import tempfile
import uuid
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.submissions.drafts import draft_get, draft_save, drafts_sweep
from desk.submissions.models import StagedFile, Submission
from desk.submissions.tests.base import SubmissionTestCase, checked_upload, upload
from desk.test import PDF_BYTES


class CheckAnswersTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.citizen)
        self.form_url = reverse("submissions:apply", args=[self.service.slug])
        self.check_url = reverse("submissions:apply_check", args=[self.service.slug])

    def fill(self, address: str = "تهران، خیابان آزادی", **files: object) -> None:
        data = {"idempotency_key": str(uuid.uuid4()), "address": address, **files}
        r = self.client.post(self.form_url, data)
        self.assertRedirects(r, self.check_url)

    def test_it_shows_every_answer_with_a_change_link_before_sending(self) -> None:
        self.fill(deed=upload("sanad.pdf"))
        r = self.client.get(self.check_url)
        self.assertContains(r, "تهران، خیابان آزادی")
        self.assertContains(r, "sanad.pdf")
        self.assertContains(r, f'href="{self.form_url}#id_address"')
        self.assertContains(r, f'href="{self.form_url}#id_deed"')
        self.assertFalse(Submission.objects.exists())

    def kept_path(self) -> str:
        draft = draft_get(self.client.session, self.service)
        assert draft is not None
        return draft.files["deed"].path

    def test_sending_files_the_request_with_the_kept_file_and_drops_the_draft(self) -> None:
        self.fill(deed=upload("sanad.pdf"))
        kept = self.kept_path()
        self.assertTrue(default_storage.exists(kept))
        r = self.client.post(self.check_url)
        submission = Submission.objects.get()
        self.assertRedirects(r, reverse("submissions:receipt", args=[submission.tracking_code]))
        attachment = submission.attachments.get()
        self.assertEqual(attachment.original_name, "sanad.pdf")
        self.assertEqual(attachment.content_type, "application/pdf")
        with attachment.file.open("rb") as f:
            self.assertEqual(f.read(), PDF_BYTES)
        # The request adopted the staged file as it was: no copy, nothing left behind.
        self.assertEqual(attachment.file.name, kept)
        self.assertFalse(StagedFile.objects.exists())
        # A second tap on «send» lands on the same receipt, not on a second request.
        again = self.client.post(self.check_url)
        self.assertRedirects(again, reverse("submissions:receipt", args=[submission.tracking_code]))
        self.assertEqual(Submission.objects.count(), 1)

    def test_changing_an_answer_keeps_the_file_already_chosen(self) -> None:
        self.fill(deed=upload("sanad.pdf"))
        r = self.client.get(self.form_url)
        self.assertContains(r, "تهران، خیابان آزادی")
        self.assertContains(r, 'پرونده انتخاب‌شده: <strong class="staged-name">sanad.pdf</strong>')
        self.fill(address="تبریز، خیابان امام")
        self.client.post(self.check_url)
        submission = Submission.objects.get()
        self.assertEqual(submission.data["address"], "تبریز، خیابان امام")
        self.assertEqual(submission.attachments.get().original_name, "sanad.pdf")

    def test_the_check_page_without_answers_sends_back_to_the_form(self) -> None:
        self.assertRedirects(self.client.get(self.check_url), self.form_url)

    def _private_storage(self) -> None:
        """The sweep removes every old draft of its storage: the parallel test processes share
        one media folder, so a sweeping test sweeps a folder of its own."""
        location = self.enterContext(tempfile.TemporaryDirectory())
        default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        storages = {**settings.STORAGES, "default": {**default, "OPTIONS": {"location": location}}}
        self.enterContext(override_settings(STORAGES=storages))

    def keep_desk_draft(self) -> str:
        """A clerk's draft at the desk keeps its file under drafts/ (no staging there)."""
        session = self.client.session
        draft = draft_save(
            session,
            service=self.service,
            idempotency_key=uuid.uuid4(),
            answers={},
            uploads={"deed": checked_upload("sanad.pdf")},
            owner="0013542419",
        )
        return draft.files["deed"].path

    def test_the_sweep_removes_abandoned_draft_files(self) -> None:
        self._private_storage()
        kept = self.keep_desk_draft()
        drafts_sweep()
        self.assertTrue(default_storage.exists(kept))  # fresh: someone may still send it
        self.assertGreaterEqual(drafts_sweep(older_than=-timedelta(days=1)), 1)
        self.assertFalse(default_storage.exists(kept))

    def test_the_job_worker_sweeps_drafts_every_hour(self) -> None:
        from huey.api import PeriodicTask

        from desk.submissions.tasks import sweep_abandoned_drafts

        self.assertIsInstance(sweep_abandoned_drafts.task_class(), PeriodicTask)
        self._private_storage()
        kept = self.keep_desk_draft()
        later = timezone.now() + timedelta(days=2)
        with mock.patch("desk.submissions.drafts.timezone.now", return_value=later):
            sweep_abandoned_drafts.call_local()
        self.assertFalse(default_storage.exists(kept))
