"""Letters made through the services, for the letters tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.core.files import File

from desk.accounts.models import User
from desk.agencies.models import Agency, Role
from desk.catalog.models import Service
from desk.letters import services
from desk.letters.models import Letter
from desk.submissions import services as submission_services
from desk.submissions.models import Submission
from desk.submissions.tests.base import checked_upload
from desk.test import BaseTestCase, create_staff


def write_letter(
    citizen: User,
    agency: Agency,
    *,
    subject: str = "اصلاح نشانی در پروانه",
    body: str = "نشانی پروانه کسب من اشتباه ثبت شده است.",
    files: Sequence[File] | None = None,
) -> Letter:
    return services.letter_create(
        agency=agency,
        citizen=citizen,
        registered_by=citizen,
        subject=subject,
        body=body,
        files=[checked_upload("letter.pdf")] if files is None else files,
        idempotency_key=uuid.uuid4(),
    )


class LettersTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.clerk = create_staff(self.agency, "clerk", Role.CLERK)


def file_request(citizen: User, service: Service) -> Submission:
    return submission_services.submission_create(
        service=service,
        applicant=citizen,
        answers={"address": "تهران، خیابان آزادی"},
        files={"deed": checked_upload()},
        idempotency_key=uuid.uuid4(),
    )
