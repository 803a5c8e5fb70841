"""«confirmed» before an irreversible act (cancel a booking, reject or complete a request)
is true or false, never any other text taken as yes: «no» and «maybe» cancelled bookings
and rejected requests."""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase

from desk.api.forms import ConfirmForm
from desk.api.serializers import _as_form_data
from desk.api.tests.base import ApiTestCase, token_for
from desk.core.uploads import check_document
from desk.submissions import services
from desk.submissions.forms import StaffActionForm
from desk.submissions.models import Status
from desk.test import PDF_BYTES


class ConfirmedTests(SimpleTestCase):
    def confirmed(self, form_class: type, value: object) -> tuple[bool, object]:
        form = form_class(data={})
        form.data = _as_form_data({"confirmed": value}, set())
        valid = form.is_valid()
        return valid, form.cleaned_data.get("confirmed") if valid else form.errors

    def test_only_true_or_false_confirms_or_declines(self) -> None:
        accepted: tuple[tuple[object, bool], ...] = (
            (True, True),
            ("true", True),
            ("1", True),
            (False, False),
            ("no", False),
            ("false", False),
        )
        for value, expected in accepted:
            with self.subTest(value=value):
                self.assertEqual(self.confirmed(ConfirmForm, value), (True, expected))
        refused: tuple[object, ...] = ("maybe", "yes please", 2, "نه")
        for value in refused:
            with self.subTest(value=value):
                valid, errors = self.confirmed(ConfirmForm, value)
                self.assertFalse(valid)
                self.assertIn("true یا false", str(errors))

    def test_a_staff_action_is_not_confirmed_by_any_text(self) -> None:
        form = StaffActionForm(data={"action": "reject", "confirmed": "maybe"})
        form.is_valid()
        self.assertIn("confirmed", form.errors)


class ConfirmedOverJsonTests(ApiTestCase):
    """In a JSON body a confirmation is JSON true or false: the text «yes» or «on», or the
    number 1, rejected requests that cannot be taken back (docs/api.md)."""

    def test_a_rejection_is_confirmed_by_json_true_only(self) -> None:
        submission = services.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران، خیابان آزادی، پلاک ۱۲"},
            files={"deed": check_document(SimpleUploadedFile("deed.pdf", PDF_BYTES))},
            idempotency_key=uuid.uuid4(),
        )
        token = token_for(self.expert)
        url = f"/api/v1/staff/requests/{submission.tracking_code}/act/"
        body = {"action": "reject", "message": "مدارک ناقص است."}
        for value in ("yes", "on", "true", 1, "1"):
            with self.subTest(value=value):
                r = self.call("post", url, token, {**body, "confirmed": value})
                self.assertEqual(r.status_code, 400, r.content)
                self.assertEqual(r.json()["errors"]["confirmed"], ["فقط true یا false بنویسید."])
                submission.refresh_from_db()
                self.assertNotEqual(submission.status, Status.REJECTED)
        r = self.call("post", url, token, {**body, "confirmed": True})
        self.assertEqual(r.status_code, 200, r.content)
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.REJECTED)
