"""The admin warns when a service card's documents and its form's upload fields differ."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from desk.agencies.models import Role
from desk.catalog.models import FieldKind, FormField, RequiredDocument
from desk.catalog.selectors import documents_mismatch
from desk.test import BaseTestCase, create_staff


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DocumentsCheckTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin.is_staff = True
        admin.save()
        self.client.force_login(admin)
        self.url = reverse("admin:catalog_service_change", args=[self.service.pk])
        # The card lists two documents; the form has one upload field (the deed).
        RequiredDocument.objects.create(service=self.service, order=1, title="سند مالکیت")
        RequiredDocument.objects.create(service=self.service, order=2, title="کارت ملی مالک")

    def _warnings(self, response: object) -> list[str]:
        return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]

    def test_the_service_card_page_warns_when_documents_and_uploads_differ(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "کارت خدمت ۲ مدرک (۲ الزامی) نام می‌برد")
        self.assertContains(response, "فرم ۱ جای بارگذاری (۱ الزامی) دارد")

    def test_the_list_marks_the_service_whose_documents_and_uploads_differ(self) -> None:
        response = self.client.get(reverse("admin:catalog_service_changelist"))
        self.assertContains(response, "مدارک و فرم یکی است")
        self.assertContains(response, 'alt="False"')

    def test_no_warning_once_every_document_has_its_upload_field(self) -> None:
        FormField.objects.create(
            service=self.service, order=3, name="id_card", label="کارت ملی", kind=FieldKind.FILE
        )
        self.assertIsNone(documents_mismatch(self.service))
        response = self.client.get(self.url)
        self.assertNotContains(response, "جاهای بارگذاری فرم یکی نیستند")

    def test_an_optional_document_needs_an_optional_upload_field(self) -> None:
        RequiredDocument.objects.create(
            service=self.service, order=3, title="وکالت‌نامه", is_required=False
        )
        FormField.objects.create(
            service=self.service, order=3, name="id_card", label="کارت ملی", kind=FieldKind.FILE
        )
        FormField.objects.create(
            service=self.service, order=4, name="proxy", label="وکالت‌نامه", kind=FieldKind.FILE
        )
        self.assertIn("(۲ الزامی)", documents_mismatch(self.service) or "")
        FormField.objects.filter(name="proxy").update(required=False)
        self.assertIsNone(documents_mismatch(self.service))
