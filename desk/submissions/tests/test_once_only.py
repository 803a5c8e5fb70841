"""Once-only: answers bound to a national system are filled and verified by it.

The fake systems (docs/registries.md): a birth year of 1299 or earlier does not match the
civil registry; postal codes ending in 9996 are unknown and in 9998 time out."""

from __future__ import annotations

import uuid
from typing import Any
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from desk.catalog.models import FieldKind, FormField, OnDeceased, RegistrySource
from desk.registries.fake import FakeTransport
from desk.registries.models import AdapterCall
from desk.registries.selectors import calls_for_submission
from desk.registries.transport import HttpRequest, HttpResponse
from desk.submissions.models import Submission, Verification
from desk.submissions.tests.base import SubmissionTestCase
from desk.submissions.verification import submissions_verify_awaiting
from desk.test import create_citizen, create_service, isolate_cache

FIELDS: list[tuple[str, str, str, str]] = [
    ("birth_date", "تاریخ تولد شما", FieldKind.DATE, RegistrySource.BIRTH_DATE),
    ("first_name", "نام", FieldKind.TEXT, RegistrySource.FIRST_NAME),
    ("last_name", "نام خانوادگی", FieldKind.TEXT, RegistrySource.LAST_NAME),
    ("father_name", "نام پدر", FieldKind.TEXT, RegistrySource.FATHER_NAME),
    ("postal_code", "کد پستی محل سکونت", FieldKind.POSTAL_CODE, RegistrySource.POSTAL_CODE),
    ("address", "نشانی", FieldKind.TEXTAREA, RegistrySource.ADDRESS),
]


class PostalCodeBack:
    """The fake, except that the post office, down at first, answers from now on."""

    def __call__(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        if request.url.endswith("post/address-by-postcode"):
            params = request.json()["params"]
            request = HttpRequest(
                request.method,
                request.url,
                request.headers,
                f'{{"params": {{"postalCode": "{params["postalCode"][:-4]}1234"}}}}'.encode(),
            )
        return FakeTransport()(request, timeout=timeout)


@override_settings(REGISTRY_BACKOFF_MS=0)
class OnceOnlyTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.bound = create_service(self.agency, slug="residence", title="گواهی سکونت")
        self.bound.form_fields.all().delete()
        for order, (name, label, kind, registry) in enumerate(FIELDS, start=1):
            FormField.objects.create(
                service=self.bound, order=order, name=name, label=label, kind=kind,
                registry=registry,
            )  # fmt: skip
        self.url = reverse("submissions:apply", args=[self.bound.slug])
        self.check_url = reverse("submissions:apply_check", args=[self.bound.slug])
        self.client.force_login(self.citizen)

    def _form(self, **changes: Any) -> dict[str, Any]:
        data = {
            "idempotency_key": str(uuid.uuid4()),
            "birth_date_0": "۱۵",
            "birth_date_1": "۰۱",
            "birth_date_2": "۱۳۷۰",
            "postal_code": "۱۴۳۹۹۵۱۱۱۱",
            **changes,
        }
        return data

    def _file(self, **changes: Any) -> Submission:
        r = self.client.post(self.url, self._form(**changes))
        self.assertRedirects(r, self.check_url, fetch_redirect_response=False)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.check_url)
        return Submission.objects.get(service=self.bound)

    def test_it_fills_the_name_and_address_from_the_national_systems(self) -> None:
        r = self.client.get(self.url)
        self.assertContains(r, "از سامانه ملی خوانده می‌شود")
        self.client.post(self.url, self._form(first_name="نام نادرست"))
        r = self.client.get(self.check_url)
        self.assertContains(r, "از سامانه ملی")
        self.assertNotContains(r, "نام نادرست")
        submission = self._file(first_name="نام نادرست")
        self.assertEqual(submission.verification, Verification.VERIFIED)
        self.assertNotEqual(submission.data["first_name"], "نام نادرست")
        self.assertTrue(submission.data["last_name"])
        self.assertIn("پلاک", submission.data["address"])
        self.assertEqual(
            submission.applicant_name,
            f"{submission.data['first_name']} {submission.data['last_name']}",
            "staff see the name the civil registry gave",
        )

    def test_the_calls_are_logged_against_the_request(self) -> None:
        submission = self._file()
        calls = calls_for_submission(submission.pk)
        self.assertEqual({c.adapter for c in calls}, {"civil_registry", "postal_code"})
        self.assertTrue(all(c.cached for c in calls), "asked again from the cache")
        self.assertTrue(all("گواهی سکونت" in c.purpose for c in calls))
        self.assertTrue(all(c.user_id == self.citizen.pk for c in AdapterCall.objects.all()))

    def test_a_birth_date_the_civil_registry_does_not_know_is_refused_beside_it(self) -> None:
        r = self.client.post(self.url, self._form(birth_date_2="۱۲۹۹"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("تاریخ تولد با اطلاعات ثبت احوال", r.context["form"].errors["birth_date"][0])
        self.assertContains(r, "۱۲۹۹")
        self.assertFalse(Submission.objects.exists())

    def test_an_unknown_postal_code_is_refused_beside_it(self) -> None:
        r = self.client.post(self.url, self._form(postal_code="1439959996"))
        self.assertIn(
            "این کد پستی در سامانه پست پیدا نشد", r.context["form"].errors["postal_code"][0]
        )
        self.assertContains(r, "1439959996")

    def test_a_system_that_does_not_answer_never_blocks_the_request(self) -> None:
        submission = self._file(postal_code="1439959998")  # the fake post office times out
        self.assertEqual(submission.verification, Verification.AWAITING)
        self.assertNotIn("address", submission.data)
        self.assertTrue(submission.data["first_name"], "the civil registry answered")
        self.client.force_login(self.expert)
        r = self.client.get(reverse("submissions:inbox"))
        self.assertContains(r, "در انتظار استعلام")
        r = self.client.get(reverse("submissions:staff_request", args=[submission.tracking_code]))
        self.assertContains(r, "در انتظار پاسخ استعلام")

    def test_the_job_asks_again_until_the_system_answers(self) -> None:
        submission = self._file(postal_code="1439959998")
        self.assertEqual(submissions_verify_awaiting(), 0)
        isolate_cache()  # the breaker forgot the failures: the post office is back
        with mock.patch(
            "desk.registries.client.transport_for_settings", return_value=PostalCodeBack()
        ):
            self.assertEqual(submissions_verify_awaiting(), 1)
        submission.refresh_from_db()
        self.assertEqual(submission.verification, Verification.VERIFIED)
        self.assertIn("پلاک", submission.data["address"])

    def _as_deceased(self) -> None:
        # The fake civil registry: a national code ending in 9994 is of a person who has died.
        self.client.force_login(create_citizen("0010109994", "+989351110000"))

    def test_an_application_in_a_deceased_persons_national_code_is_refused(self) -> None:
        self._as_deceased()
        r = self.client.post(self.url, self._form(postal_code="۱۴۳۹۹۵۱۱۱۳"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("دارنده این کد ملی درگذشته است", r.context["form"].errors["birth_date"][0])
        self.assertContains(r, "۱۴۳۹۹۵۱۱۱۳", msg_prefix="what was typed is kept")
        self.assertFalse(Submission.objects.exists())

    def test_a_service_whose_rule_says_so_files_it_flagged_for_the_expert(self) -> None:
        self.bound.on_deceased_applicant = OnDeceased.FLAG
        self.bound.save()
        self._as_deceased()
        submission = self._file()
        self.assertEqual(submission.verification, Verification.DECEASED)
        self.client.force_login(self.expert)
        r = self.client.get(reverse("submissions:inbox"))
        self.assertContains(r, "متقاضی درگذشته")
        r = self.client.get(reverse("submissions:staff_request", args=[submission.tracking_code]))
        self.assertContains(r, "دارنده کد ملی درگذشته است")

    def test_a_form_without_bound_fields_asks_nobody(self) -> None:
        self.create_submission()
        self.assertFalse(AdapterCall.objects.exists())
        self.assertEqual(Submission.objects.get().verification, Verification.NONE)


@override_settings(REGISTRY_BACKOFF_MS=0)
class CompanyOnceOnlyTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.company = create_service(self.agency, slug="signage", title="مجوز تابلو")
        self.company.form_fields.all().delete()
        FormField.objects.create(
            service=self.company, order=1, name="company_id", label="شناسه ملی شرکت",
            kind=FieldKind.TEXT, registry=RegistrySource.COMPANY_ID,
        )  # fmt: skip
        FormField.objects.create(
            service=self.company, order=2, name="company_name", label="نام شرکت",
            kind=FieldKind.TEXT, registry=RegistrySource.COMPANY_NAME,
        )  # fmt: skip
        self.url = reverse("submissions:apply", args=[self.company.slug])
        self.client.force_login(self.citizen)

    def test_the_company_registry_names_the_company(self) -> None:
        r = self.client.post(self.url, {"idempotency_key": str(uuid.uuid4()),
                                        "company_id": "10101234567"})  # fmt: skip
        self.assertEqual(r.status_code, 302)
        r = self.client.get(reverse("submissions:apply_check", args=[self.company.slug]))
        self.assertContains(r, "شرکت نمونه")

    def test_an_unknown_company_is_refused_beside_its_id(self) -> None:
        r = self.client.post(self.url, {"idempotency_key": str(uuid.uuid4()),
                                        "company_id": "10101239996"})  # fmt: skip
        self.assertIn("سامانه ثبت شرکت‌ها", r.context["form"].errors["company_id"][0])
