"""Helpers shared by the request tests: requests made through the services, uploads, a second
citizen. (Candidates for desk/test.py once another app needs them.)"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from desk.accounts.models import User
from desk.catalog.models import Service
from desk.core.uploads import CheckedDocument, check_document
from desk.submissions import services
from desk.submissions.models import Attachment, AttachmentKind, Submission
from desk.test import PDF_BYTES, BaseTestCase, create_citizen

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# Valid national codes besides the main citizen's 0084575948.
OTHER_NATIONAL_CODE = "0013542419"
SPARE_NATIONAL_CODE = "1234567891"

# Each render masks the CSRF token differently: in the forms and in the page's htmx headers.
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')


def upload(name: str = "deed.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def checked_upload(name: str = "deed.pdf", content: bytes = PDF_BYTES) -> CheckedDocument:
    """An upload as the form hands it to a service: checked, with its detected type."""
    return check_document(upload(name, content))


def use_own_media(test: TestCase) -> Path:
    """Give `test` a storage folder of its own (the suite's is shared by every test), for
    tests that count the files on disk."""
    folder = Path(tempfile.mkdtemp(prefix="desk-test-own-media-"))
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    override = override_settings(
        MEDIA_ROOT=str(folder),
        STORAGES={**settings.STORAGES, "default": {**storage, "OPTIONS": {"location": folder}}},
    )
    override.enable()
    test.addCleanup(shutil.rmtree, folder, ignore_errors=True)
    test.addCleanup(override.disable)
    return folder


def body_without_csrf(response: Response) -> str:
    return _CSRF.sub("", response.content.decode())


# The personas' passwords are hashed on every setUp; the production hasher would make each test
# take about a second. (desk.test.Runner could set this for the whole suite.)
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class SubmissionTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.other_citizen = create_citizen(OTHER_NATIONAL_CODE, "+989351112233")

    def create_submission(
        self,
        applicant: User | None = None,
        *,
        service: Service | None = None,
        address: str = "تهران، خیابان آزادی، پلاک ۱۲",
    ) -> Submission:
        return services.submission_create(
            service=service or self.service,
            applicant=applicant or self.citizen,
            answers={"address": address},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )

    def transition(
        self,
        submission: Submission,
        action: str,
        *,
        actor: User | None = None,
        message: str = "",
        files: Sequence[File] | None = None,
    ) -> Submission:
        return services.submission_transition(
            submission_id=submission.pk,
            actor=actor or self.expert,
            action=action,
            message=message,
            files=files,
        )

    def create_completed(self, applicant: User | None = None) -> Submission:
        submission = self.create_submission(applicant)
        self.transition(submission, "start_review")
        return self.transition(
            submission, "complete", files=[checked_upload("permit.pdf", PDF_BYTES)]
        )

    def apply_with_file(
        self,
        name: str,
        content: bytes,
        *,
        address: str = "تهران، خیابان انقلاب",
        ip: str = "127.0.0.1",
    ) -> Response:
        """The citizen files a request through the form with one document (field "deed"), then
        sends it from «check your answers» when the form was accepted."""
        self.client.force_login(self.citizen)
        r = self.client.post(
            reverse("submissions:apply", args=[self.service.slug]),
            {
                "idempotency_key": str(uuid.uuid4()),
                "address": address,
                "deed": upload(name, content),
            },
            REMOTE_ADDR=ip,
        )
        if r.status_code != 302 or "/check/" not in r["Location"]:
            return r
        return self.client.post(r["Location"], REMOTE_ADDR=ip)

    def document_of(self, submission: Submission) -> Attachment:
        return submission.attachments.get(kind=AttachmentKind.DOCUMENT)

    def result_of(self, submission: Submission) -> Attachment:
        return submission.attachments.get(kind=AttachmentKind.RESULT)

    def download_url(self, attachment: Attachment) -> str:
        return reverse("submissions:download", args=[attachment.public_id])

    def track(
        self, code: str, national_code: str = "0084575948", *, ip: str = "127.0.0.1"
    ) -> Response:
        return self.client.post(
            reverse("submissions:track"),
            {"code": code, "national_code": national_code},
            REMOTE_ADDR=ip,
        )
