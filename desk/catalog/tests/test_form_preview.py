"""The agency admin sees the form as a citizen will, beside the service card, as it stands."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from desk.agencies.models import Role
from desk.catalog.models import FormField
from desk.test import BaseTestCase, create_service, create_staff


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class FormPreviewTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency_admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.agency_admin.is_staff = True
        self.agency_admin.save()
        self.client.force_login(self.agency_admin)
        self.url = reverse("admin:catalog_service_preview", args=[self.service.pk])

    def test_the_card_page_has_the_preview_beside_it_and_a_button_without_javascript(self) -> None:
        response = self.client.get(reverse("admin:catalog_service_change", args=[self.service.pk]))
        self.assertContains(response, "پیش‌نمایش فرم برای شهروند")
        self.assertContains(response, f'formaction="{self.url}"')
        self.assertContains(response, '<iframe name="form-preview-frame"')
        self.assertContains(response, "desk/admin-preview.js")

    def test_the_saved_form_is_drawn_as_the_citizen_sees_it(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "ثبت درخواست: صدور پروانه ساختمانی")
        self.assertContains(response, "نشانی ملک")
        self.assertContains(response, 'type="file"')
        # Framed by the admin page of this site only.
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
        self.assertIn("frame-ancestors 'self'", response["Content-Security-Policy"])

    def test_the_form_as_it_stands_is_drawn_before_it_is_saved(self) -> None:
        data = {
            "form_fields-TOTAL_FORMS": "3",
            "form_fields-0-order": "2",
            "form_fields-0-name": "plate",
            "form_fields-0-label": "شماره پلاک ثبتی",
            "form_fields-0-kind": "number",
            "form_fields-0-required": "on",
            "form_fields-0-help_text": "مثلاً ۱۲۳۴",
            "form_fields-1-order": "1",
            "form_fields-1-name": "visit_day",
            "form_fields-1-label": "روز بازدید",
            "form_fields-1-kind": "date",
            "form_fields-2-order": "3",
            "form_fields-2-name": "address",
            "form_fields-2-label": "نشانی ملک",
            "form_fields-2-kind": "text",
            "form_fields-2-DELETE": "on",
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "سند مالکیت",
            "documents-0-is_required": "on",
        }
        response = self.client.post(self.url, data)
        html = response.content.decode()
        self.assertIn("شماره پلاک ثبتی", html)
        self.assertIn("مثلاً ۱۲۳۴", html)
        self.assertIn("(اختیاری)", html)  # the date, not required
        self.assertNotIn("نشانی ملک", html)  # deleted in the form
        self.assertLess(html.index("روز بازدید"), html.index("شماره پلاک ثبتی"))  # by order
        # The card lists a document the form has no upload field for: said live.
        self.assertIn("جاهای بارگذاری فرم یکی نیستند", html)
        # Nothing was saved.
        self.assertEqual(
            list(FormField.objects.filter(service=self.service).values_list("name", flat=True)),
            ["address", "deed"],
        )

    def test_another_agencys_card_has_no_preview_for_this_admin(self) -> None:
        other = create_service(self.other_agency, slug="gas-connection", title="انشعاب گاز")
        url = reverse("admin:catalog_service_preview", args=[other.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {}).status_code, 404)
