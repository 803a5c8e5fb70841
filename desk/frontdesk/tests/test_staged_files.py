"""The desk stages scanned documents as the clerk chooses them, like the citizen's form
(desk/submissions/staging.py): a form error never loses a chosen file; the files are the
clerk's, for the citizen being served, this service and this question; they expire and are
swept the same way."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.core.errors import ApplicationError
from desk.frontdesk import services
from desk.frontdesk.models import Consent
from desk.frontdesk.tests.base import NEW_CODE, DeskTestCase
from desk.submissions.models import StagedFile, Submission
from desk.submissions.staging import StagedDocument, staged_sweep
from desk.submissions.tests.base import upload
from desk.test import create_staff

_STAGED = re.compile(r'name="deed__staged" value="([0-9a-f-]{36})"')
SLUG = "building-permit"
FORM = reverse("frontdesk:apply", args=[SLUG])
CHECK = reverse("frontdesk:apply_check", args=[SLUG])
FILE = reverse("frontdesk:apply_file", args=[SLUG, "deed"])


def answers(**data: object) -> dict[str, object]:
    return {"idempotency_key": str(uuid.uuid4()), "address": "تهران، خیابان آزادی", **data}


class DeskStagedFileTests(DeskTestCase):
    def staged_reference(self, response: object) -> str:
        match = _STAGED.search(response.content.decode())  # type: ignore[attr-defined]
        self.assertIsNotNone(match, "the page names no staged file")
        assert match is not None
        return match.group(1)

    def test_a_form_error_keeps_the_chosen_scan_and_the_filing_claims_it(self) -> None:
        self.consent()
        # Without JavaScript: the scan posted with a form that has an error (no address).
        r = self.client.post(FORM, answers(address="", deed=upload("scan.pdf")))
        self.assertContains(r, "«نشانی ملک» را وارد کنید.", status_code=400)
        self.assertContains(
            r, 'پرونده انتخاب‌شده: <strong class="staged-name">scan.pdf</strong>', status_code=400
        )
        self.assertNotContains(r, "نگه داشته نشد", status_code=400)
        reference = self.staged_reference(r)
        staged = StagedFile.objects.get()
        self.assertEqual(
            (staged.owner, staged.acting_for, staged.field_name),
            (self.clerk, self.citizen.national_code, "deed"),
        )
        # The clerk types the address and sends the form again, without scanning again.
        self.assertRedirects(self.client.post(FORM, answers(deed__staged=reference)), CHECK)
        self.assertContains(self.client.get(CHECK), "scan.pdf")
        self.client.post(CHECK)
        submission = Submission.objects.get()
        self.assertEqual((submission.applicant, submission.filed_by), (self.citizen, self.clerk))
        attachment = submission.attachments.get()
        self.assertEqual((attachment.original_name, attachment.field_name), ("scan.pdf", "deed"))
        self.assertEqual(attachment.file.name, staged.file.name, "adopted as stored, no copy")
        self.assertTrue(default_storage.exists(attachment.file.name or ""))
        self.assertFalse(StagedFile.objects.exists())

    def test_with_javascript_the_scan_uploads_when_chosen_and_can_be_taken_back(self) -> None:
        self.consent()
        r = self.client.post(FILE, {"deed": upload("scan.pdf")}, HTTP_HX_REQUEST="true")
        self.assertContains(r, 'پرونده انتخاب‌شده: <strong class="staged-name">scan.pdf</strong>')
        self.assertContains(r, f'hx-post="{FILE}"')
        reference = self.staged_reference(r)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(FILE, {"remove": reference}, HTTP_HX_REQUEST="true")
        self.assertNotContains(r, "پرونده انتخاب‌شده")
        self.assertFalse(StagedFile.objects.exists())
        # Chosen again, kept through a form error, filed.
        r = self.client.post(FILE, {"deed": upload("scan-2.pdf")}, HTTP_HX_REQUEST="true")
        reference = self.staged_reference(r)
        r = self.client.post(FORM, answers(address="", deed__staged=reference))
        self.assertEqual(self.staged_reference(r), reference)
        self.assertRedirects(self.client.post(FORM, answers(deed__staged=reference)), CHECK)
        self.client.post(CHECK)
        self.assertEqual(Submission.objects.get().attachments.get().original_name, "scan-2.pdf")

    def test_the_same_checks_refuse_a_file_that_is_not_a_document(self) -> None:
        self.consent()
        r = self.client.post(FILE, {"deed": upload("scan.pdf", b"just some text")})
        self.assertContains(r, "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.")
        r = self.client.post(FORM, answers(deed=upload("scan.pdf", b"just some text")))
        self.assertContains(r, "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.", status_code=400)
        self.assertFalse(StagedFile.objects.exists())

    def test_nothing_is_staged_without_the_citizens_consent(self) -> None:
        self.look_up()
        self.assertEqual(self.client.post(FILE, {"deed": upload()}).status_code, 404)
        self.assertFalse(StagedFile.objects.exists())

    def test_a_scan_staged_for_one_citizen_never_goes_into_anothers_request(self) -> None:
        self.consent()
        r = self.client.post(FILE, {"deed": upload("scan.pdf")})
        reference = self.staged_reference(r)
        first = Consent.objects.get()
        self.client.post(reverse("frontdesk:finish"))
        self.consent(NEW_CODE, mobile="09351234567")
        r = self.client.post(FORM, answers(deed__staged=reference))
        self.assertContains(r, "پرونده‌ای که انتخاب کرده بودید پیدا نشد", status_code=400)
        self.assertNotContains(r, "scan.pdf", status_code=400)
        # Nor when the filing itself names it: the insert claims only this citizen's files.
        second = Consent.objects.exclude(pk=first.pk).get()
        with self.assertRaisesMessage(ApplicationError, "پیدا نشد"):
            services.desk_file(
                clerk=self.clerk,
                consent_id=second.pk,
                service=self.service,
                answers={"address": "تهران"},
                files={"deed": StagedDocument(reference, name="scan.pdf")},
                idempotency_key=uuid.uuid4(),
            )
        self.assertFalse(Submission.objects.exists())
        self.assertTrue(StagedFile.objects.filter(acting_for=first.national_code).exists())
        # Nor can the clerk, now serving the second citizen, take the first one's scan back.
        self.assertEqual(self.client.post(FILE, {"remove": reference}).status_code, 404)
        self.assertTrue(StagedFile.objects.filter(acting_for=first.national_code).exists())

    def test_another_clerks_staged_scan_is_refused(self) -> None:
        self.consent()
        reference = self.staged_reference(self.client.post(FILE, {"deed": upload("scan.pdf")}))
        StagedFile.objects.update(owner=create_staff(self.agency, "clerk-2", Role.CLERK))
        r = self.client.post(FORM, answers(deed__staged=reference))
        self.assertContains(r, "پرونده‌ای که انتخاب کرده بودید پیدا نشد", status_code=400)
        self.assertEqual(self.client.post(FILE, {"remove": reference}).status_code, 404)

    @override_settings(UPLOADS_PER_CITIZEN_PER_HOUR=1, UPLOADS_PER_ADDRESS_PER_HOUR=1)
    def test_a_busy_desk_is_not_held_to_a_citizens_upload_quota(self) -> None:
        self.consent()
        for name in ("one.pdf", "two.pdf"):
            r = self.client.post(FILE, {"deed": upload(name)})
            self.assertContains(r, f'<strong class="staged-name">{name}</strong>')
        self.assertEqual(StagedFile.objects.count(), 2)

    def test_an_expired_scan_is_asked_for_again_and_swept(self) -> None:
        self.consent()
        reference = self.staged_reference(self.client.post(FILE, {"deed": upload("scan.pdf")}))
        path = StagedFile.objects.get().file.name or ""
        StagedFile.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(FORM, answers(deed__staged=reference))
        self.assertContains(r, "بیش از ۲۴ ساعت پیش بارگذاری شده", status_code=400)
        self.assertFalse(StagedFile.objects.exists())
        self.assertFalse(default_storage.exists(path))
        reference = self.staged_reference(self.client.post(FILE, {"deed": upload("scan.pdf")}))
        StagedFile.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(staged_sweep(), 1)
        self.assertFalse(StagedFile.objects.exists())
