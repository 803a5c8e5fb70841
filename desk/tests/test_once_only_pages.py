"""The pages issue 13 changed, in Chromium with axe-core at 360 and 1366 px (screenshots in
test-artifacts/pages/): a form bound to national systems, «check your answers» with the
answers they filled, a request held for its applicant's identity as the citizen and the clerk
see it, and the inbox's verification badges."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from desk.accounts.models import Identity
from desk.catalog.models import FieldKind, FormField, RegistrySource
from desk.submissions.models import Submission
from desk.test import create_agency, create_service, create_staff
from desk.tests.browser import BrowserTestCase, expect


@override_settings(REGISTRY_BACKOFF_MS=0)
class OnceOnlyPagesTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency = create_agency()
        self.service = create_service(self.agency)
        self.expert = create_staff(self.agency, "expert")

    def test_a_bound_form_is_filled_by_the_national_systems_and_a_held_request_is_shown(
        self,
    ) -> None:
        self.walk(self._walk, "once-only")

    def _walk(self) -> None:
        from desk.test import create_citizen

        page = self.page
        service = self.service
        service.form_fields.all().delete()
        for order, (name, label, kind, registry) in enumerate(
            [
                ("birth_date", "تاریخ تولد", FieldKind.DATE, RegistrySource.BIRTH_DATE),
                ("first_name", "نام", FieldKind.TEXT, RegistrySource.FIRST_NAME),
                ("last_name", "نام خانوادگی", FieldKind.TEXT, RegistrySource.LAST_NAME),
                ("postal_code", "کد پستی", FieldKind.POSTAL_CODE, RegistrySource.POSTAL_CODE),
                ("address", "نشانی", FieldKind.TEXTAREA, RegistrySource.ADDRESS),
            ],
            start=1,
        ):
            FormField.objects.create(
                service=service, order=order, name=name, label=label, kind=kind,
                registry=registry,
            )  # fmt: skip
        citizen = create_citizen()
        citizen.identity = Identity.PENDING  # signed in while Shahkar did not answer
        citizen.save()
        self.sign_in_as(citizen)
        self.go(reverse("submissions:apply", args=[service.slug]))
        expect(page.get_by_text("از سامانه ملی خوانده می‌شود").first).to_be_visible()
        self.check("once-only-apply")
        page.locator("#id_birth_date_0").fill("۱۵")
        page.locator("#id_birth_date_1").fill("۱")
        page.locator("#id_birth_date_2").fill("۱۳۷۰")
        page.get_by_label("کد پستی").fill("1439959998")  # the fake post office times out
        page.get_by_role("button", name="ادامه", exact=True).click()
        expect(page.locator("#check-answers")).to_contain_text("از سامانه ملی")
        self.check("once-only-check-answers")
        page.get_by_role("button", name="تأیید و ثبت درخواست").click()
        expect(page.locator("#what-next")).to_be_visible()
        submission = Submission.objects.get()
        self.assertTrue(submission.held)
        self.go(reverse("submissions:my_request", args=[submission.tracking_code]))
        expect(page.locator("#held")).to_be_visible()
        self.check("once-only-held-citizen")

        self.context.clear_cookies()
        self.sign_in_as(self.expert)
        self.go(reverse("submissions:inbox"))
        expect(page.get_by_text("نگه‌داشته: هویت تأییدنشده")).to_be_visible()
        self.check("once-only-inbox")
        self.go(reverse("submissions:staff_request", args=[submission.tracking_code]))
        expect(page.get_by_text("در انتظار پاسخ استعلام")).to_be_visible()
        self.check("once-only-staff-request")
