"""Documents staged as they are chosen: a form error never loses a chosen file, the request
carries references that the server checks again, and what expires goes."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from unittest import mock

from django.core.files.storage import default_storage
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from desk.submissions.models import StagedFile, Submission
from desk.submissions.staging import staged_sweep
from desk.submissions.tests.base import SubmissionTestCase, upload

_STAGED = re.compile(r'name="deed__staged" value="([0-9a-f-]{36})"')


class StagedUploadTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.citizen)
        self.form_url = reverse("submissions:apply", args=[self.service.slug])
        self.check_url = reverse("submissions:apply_check", args=[self.service.slug])
        self.file_url = reverse("submissions:apply_file", args=[self.service.slug, "deed"])

    def form(self, **data: object) -> dict[str, object]:
        return {"idempotency_key": str(uuid.uuid4()), "address": "تهران، خیابان آزادی", **data}

    def staged_reference(self, response: object) -> str:
        match = _STAGED.search(response.content.decode())  # type: ignore[attr-defined]
        self.assertIsNotNone(match, "the page names no staged file")
        assert match is not None
        return match.group(1)

    def stage_with_htmx(self, name: str = "sanad.pdf") -> str:
        r = self.client.post(self.file_url, {"deed": upload(name)}, HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, f'پرونده انتخاب‌شده: <strong class="staged-name">{name}</strong>')
        self.assertContains(r, "حذف این پرونده")
        return self.staged_reference(r)

    def test_without_javascript_a_file_posted_with_a_form_error_is_kept_and_not_asked_again(
        self,
    ) -> None:
        r = self.client.post(self.form_url, self.form(address="", deed=upload("sanad.pdf")))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "<title>خطا: ")
        self.assertContains(r, "«نشانی ملک» را وارد کنید.")
        self.assertContains(r, 'پرونده انتخاب‌شده: <strong class="staged-name">sanad.pdf</strong>')
        self.assertContains(r, "انتخاب پرونده دیگر")  # one way to replace it, named so
        self.assertNotContains(r, "دوباره انتخاب کنید")
        reference = self.staged_reference(r)
        # The citizen fixes the address and posts again, without choosing the file again.
        fixed = self.client.post(self.form_url, self.form(deed__staged=reference))
        self.assertRedirects(fixed, self.check_url)
        check = self.client.get(self.check_url)
        self.assertContains(check, "sanad.pdf")
        sent = self.client.post(self.check_url)
        submission = Submission.objects.get()
        self.assertRedirects(sent, reverse("submissions:receipt", args=[submission.tracking_code]))
        attachment = submission.attachments.get()
        self.assertEqual(attachment.original_name, "sanad.pdf")
        self.assertTrue(default_storage.exists(attachment.file.name or ""))
        self.assertFalse(StagedFile.objects.exists())

    def test_with_javascript_a_file_uploads_when_chosen_and_the_form_posts_its_reference(
        self,
    ) -> None:
        reference = self.stage_with_htmx()
        staged = StagedFile.objects.get()
        self.assertEqual((staged.owner, staged.field_name), (self.citizen, "deed"))
        self.assertEqual(staged.content_type, "application/pdf")
        # A form error (no address): the staged file stays chosen.
        r = self.client.post(self.form_url, self.form(address="", deed__staged=reference))
        self.assertContains(r, "«نشانی ملک» را وارد کنید.")
        self.assertEqual(self.staged_reference(r), reference)
        self.assertRedirects(
            self.client.post(self.form_url, self.form(deed__staged=reference)), self.check_url
        )
        self.client.post(self.check_url)
        self.assertEqual(Submission.objects.get().attachments.get().original_name, "sanad.pdf")

    def test_coming_back_to_a_form_left_with_an_error_shows_what_was_given(self) -> None:
        # The citizen leaves the page after an error (a link, the back button, the page
        # closed) and opens the form again: the file and the answers that passed are there.
        service = self.service
        service.form_fields.create(name="floors", label="تعداد طبقه", kind="text", order=5)
        reference = self.stage_with_htmx()
        r = self.client.post(
            self.form_url, self.form(address="", floors="سه طبقه", deed__staged=reference)
        )
        self.assertContains(r, "«نشانی ملک» را وارد کنید.")
        again = self.client.get(self.form_url)
        self.assertNotContains(again, "«نشانی ملک» را وارد کنید.")  # no error shown unasked
        self.assertContains(again, 'value="سه طبقه"')
        self.assertEqual(self.staged_reference(again), reference)
        # Not a draft: «check your answers» still sends the citizen back to the form.
        self.assertRedirects(self.client.get(self.check_url), self.form_url)
        # Once the form passes, what was kept for the way back is gone.
        self.assertRedirects(
            self.client.post(self.form_url, self.form(floors="سه", deed__staged=reference)),
            self.check_url,
        )
        self.assertNotIn(f"apply-partial:{self.service.pk}", self.client.session)

    def test_the_remove_button_takes_the_staged_file_back(self) -> None:
        reference = self.stage_with_htmx()
        path = StagedFile.objects.get().file.name or ""
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.file_url, {"remove": reference}, HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "پرونده انتخاب‌شده")
        self.assertFalse(StagedFile.objects.exists())
        self.assertFalse(default_storage.exists(path))

    def test_a_wrong_type_is_refused_in_persian_and_the_rest_is_kept(self) -> None:
        r = self.client.post(self.file_url, {"deed": upload("sanad.pdf", b"just some text")})
        self.assertContains(r, "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.")
        self.assertFalse(StagedFile.objects.exists())
        # Without JavaScript: the message next to the file, the address as typed.
        r = self.client.post(
            self.form_url,
            self.form(address="تبریز، خیابان امام", deed=upload("sanad.pdf", b"just some text")),
        )
        self.assertContains(r, "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.")
        self.assertContains(r, 'value="تبریز، خیابان امام"')
        self.assertFalse(StagedFile.objects.exists())

    def test_a_refused_replacement_leaves_the_file_chosen_before(self) -> None:
        # «تغییر» then a wrong file: the upload posts the question's reference beside it.
        reference = self.stage_with_htmx()
        r = self.client.post(
            self.file_url,
            {"deed": upload("notes.pdf", b"just some text"), "deed__staged": reference},
            HTTP_HX_REQUEST="true",
        )
        self.assertContains(r, "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.")
        self.assertContains(r, "پرونده‌ای که پیش‌تر انتخاب کرده بودید همچنان انتخاب‌شده است.")
        self.assertContains(r, 'پرونده انتخاب‌شده: <strong class="staged-name">sanad.pdf</strong>')
        self.assertEqual(self.staged_reference(r), reference)
        self.assertRedirects(
            self.client.post(self.form_url, self.form(deed__staged=reference)), self.check_url
        )
        # The picker sends the reference with the file.
        page = self.client.get(self.form_url)
        self.assertContains(page, 'hx-params="deed,deed__staged"')

    def test_an_accepted_replacement_takes_the_place_of_the_file_before(self) -> None:
        first = self.stage_with_htmx("first.pdf")
        r = self.client.post(
            self.file_url,
            {"deed": upload("second.pdf"), "deed__staged": first},
            HTTP_HX_REQUEST="true",
        )
        second = self.staged_reference(r)
        self.assertNotEqual(first, second)
        self.assertEqual(
            list(StagedFile.objects.values_list("original_name", flat=True)), ["second.pdf"]
        )

    def test_a_replacement_never_removes_a_file_of_another_question(self) -> None:
        reference = self.stage_with_htmx()
        row = StagedFile.objects.get()  # as if staged for another question of the form
        row.field_name = "another"
        row.save(update_fields=["field_name"])
        self.client.post(
            self.file_url,
            {"deed": upload("second.pdf"), "deed__staged": reference},
            HTTP_HX_REQUEST="true",
        )
        self.assertTrue(StagedFile.objects.filter(public_id=reference).exists())

    def test_another_citizens_staged_file_is_refused(self) -> None:
        reference = self.stage_with_htmx()
        self.client.force_login(self.other_citizen)
        r = self.client.post(self.form_url, self.form(deed__staged=reference))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "پرونده‌ای که انتخاب کرده بودید پیدا نشد؛ آن را دوباره انتخاب کنید.")
        self.assertNotContains(r, "sanad.pdf")
        # Nor can they take it away.
        removed = self.client.post(self.file_url, {"remove": reference})
        self.assertEqual(removed.status_code, 404)
        self.assertTrue(StagedFile.objects.exists())

    def test_a_staged_file_of_another_question_or_service_is_refused(self) -> None:
        reference = self.stage_with_htmx()
        StagedFile.objects.update(field_name="plan")
        r = self.client.post(self.form_url, self.form(deed__staged=reference))
        self.assertContains(r, "پرونده‌ای که انتخاب کرده بودید پیدا نشد")

    def test_an_expired_staged_file_is_refused_in_persian_and_removed(self) -> None:
        reference = self.stage_with_htmx()
        path = StagedFile.objects.get().file.name or ""
        StagedFile.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.form_url, self.form(deed__staged=reference))
        self.assertContains(r, "بیش از ۲۴ ساعت پیش بارگذاری شده و پاک شده است")
        self.assertContains(r, 'value="تهران، خیابان آزادی"')
        self.assertFalse(StagedFile.objects.exists())
        self.assertFalse(default_storage.exists(path))

    def test_a_file_that_expires_before_sending_is_refused_on_the_check_page(self) -> None:
        reference = self.stage_with_htmx()
        self.client.post(self.form_url, self.form(deed__staged=reference))
        StagedFile.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        r = self.client.post(self.check_url)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "بیش از ۲۴ ساعت پیش بارگذاری شده")
        self.assertContains(r, "پاسخ‌ها را تغییر دهید")
        self.assertFalse(Submission.objects.exists())

    def test_the_sweep_removes_expired_staged_files_only(self) -> None:
        self.stage_with_htmx("old.pdf")
        self.stage_with_htmx("new.pdf")
        old = StagedFile.objects.get(original_name="old.pdf")
        StagedFile.objects.filter(pk=old.pk).update(expires_at=timezone.now())
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(staged_sweep(), 1)
        self.assertFalse(default_storage.exists(old.file.name or ""))
        self.assertEqual(StagedFile.objects.get().original_name, "new.pdf")

    @override_settings(UPLOADS_PER_CITIZEN_PER_HOUR=1)
    def test_staging_counts_against_the_citizens_upload_quota(self) -> None:
        self.stage_with_htmx()
        r = self.client.post(self.file_url, {"deed": upload("dovom.pdf")})
        self.assertContains(r, "سقف بارگذاری مدرک برای هر نفر")
        self.assertEqual(StagedFile.objects.count(), 1)

    def test_the_request_adopts_its_staged_files_in_one_insert_without_a_second_check(
        self,
    ) -> None:
        reference = self.stage_with_htmx()
        self.client.post(self.form_url, self.form(deed__staged=reference))
        with (
            CaptureQueriesContext(connection) as queries,
            mock.patch("desk.submissions.drafts.check_document") as checked,
        ):
            self.client.post(self.check_url)
        checked.assert_not_called()
        sql = [q["sql"] for q in queries.captured_queries]
        self.assertEqual(sum('INSERT INTO "submissions_attachment"' in q for q in sql), 1)
        self.assertEqual(sum('DELETE FROM "submissions_stagedfile"' in q for q in sql), 1)
        self.assertFalse(any('UPDATE "submissions_submission"' in q for q in sql))
        self.assertTrue(Submission.objects.exists())
