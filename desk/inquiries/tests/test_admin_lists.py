"""An inquiry rule in the admin's list names its step by the workflow's label, the key small
beneath (the other lists' Persian columns: desk/core/tests/test_admin_changelists.py)."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from desk.agencies.models import Role
from desk.inquiries.models import InquiryRule
from desk.test import BaseTestCase, create_staff, define_permit_workflow


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class InquiryAdminListsTests(BaseTestCase):
    def test_an_inquiry_rule_names_its_step_by_the_workflows_label(self) -> None:
        define_permit_workflow(self.service)
        for key in ("technical", "decision"):
            InquiryRule.objects.create(
                service=self.service, step_key=key, question="پرسش", shared_fields=""
            )
        admin_user = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin_user.is_staff = True
        admin_user.save(update_fields=["is_staff"])
        self.client.force_login(admin_user)
        url = reverse("admin:inquiries_inquiryrule_changelist")
        # The rules' steps come with the list's own query, however many rules there are (the
        # count differs by session backend: database sessions on SQLite, Redis on PostgreSQL).
        with CaptureQueriesContext(connection) as two_rules:
            self.client.get(url)
        InquiryRule.objects.create(
            service=self.service, step_key="intake", question="پرسش", shared_fields=""
        )
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(len(queries), len(two_rules))
        self.assertContains(
            response, 'بازدید و بررسی فنی<br><small class="admin-key" dir="ltr">technical</small>'
        )
        self.assertContains(
            response, 'تصمیم مدیر<br><small class="admin-key" dir="ltr">decision</small>'
        )
