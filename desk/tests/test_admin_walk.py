"""The admin pages of an agency admin's day, and the operator's audit log and users, walked in a
real browser (issue 12): each page checked by axe-core (WCAG 2.1 A/AA) at 360 and 1366 px,
without sideways scrolling, and failing on any Content-Security-Policy violation (the base
fails the walk on one: Django's admin, our admin templates and their scripts need no inline
style or script). The change list's counts, pages and «selected» counter are in Persian digits.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.appointments.models import Office, Policy, SlotException, SlotTemplate
from desk.audit.models import AuditEntry
from desk.audit.services import audit_record
from desk.calendars.models import Closure, OfficeHours, WeeklyDaysOff
from desk.lib.persian import to_persian_digits
from desk.test import create_agency, create_service, create_staff, define_permit_workflow
from desk.tests.browser import BrowserTestCase, expect
from desk.workflow.models import Department


class AdminWalkTests(BrowserTestCase):
    viewport_width = 1366

    def setUp(self) -> None:
        super().setUp()
        self.agency = create_agency()
        self.service = create_service(self.agency, in_person_visits=1)
        self.version = define_permit_workflow(self.service)
        self.admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.admin.is_staff = True
        self.admin.save(update_fields=["is_staff"])
        today = timezone.localdate()
        WeeklyDaysOff.objects.create(agency=self.agency, starts_on=today, friday=True)
        self.hours = OfficeHours.objects.create(agency=self.agency, starts_on=today)
        Closure.objects.create(
            scope="agency",
            agency=self.agency,
            starts_on=today + datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=30),
            kind="energy",
            reason="صرفه‌جویی در برق",
            created_by=self.admin,
        )
        self.office = Office.objects.create(
            agency=self.agency, name="دفتر مرکزی", address="تهران، خیابان انقلاب", counters=2
        )
        self.policy = Policy.objects.create(agency=self.agency)
        SlotTemplate.objects.create(office=self.office, service=self.service, weekday=0)
        SlotException.objects.create(
            office=self.office, service=self.service, date=today, note="جلسه"
        )

    def test_an_agency_admin_walks_the_pages_of_the_job(self) -> None:
        self.walk(self._agency_admin_walk, "admin-agency")

    def _agency_admin_walk(self) -> None:
        page = self.page
        self.sign_in_as(self.admin)
        department = Department.objects.filter(agency=self.agency).first()
        assert department is not None
        step = self.version.steps.first()
        for name, path in (
            ("admin-index", reverse("admin:index")),
            ("admin-service", reverse("admin:catalog_service_change", args=[self.service.pk])),
            (
                "admin-workflow",
                reverse("admin:workflow_workflowversion_change", args=[self.version.pk]),
            ),
            ("admin-step", reverse("admin:workflow_step_change", args=[step.pk])),
            ("admin-departments", reverse("admin:workflow_department_changelist")),
            ("admin-department", reverse("admin:workflow_department_change", args=[department.pk])),
            ("admin-days-off", reverse("admin:calendars_weeklydaysoff_changelist")),
            ("admin-hours", reverse("admin:calendars_officehours_change", args=[self.hours.pk])),
            ("admin-closures", reverse("admin:calendars_closure_changelist")),
            ("admin-closure-add", reverse("admin:calendars_closure_add")),
            ("admin-offices", reverse("admin:appointments_office_changelist")),
            ("admin-office", reverse("admin:appointments_office_change", args=[self.office.pk])),
            ("admin-policy", reverse("admin:appointments_policy_change", args=[self.policy.pk])),
            ("admin-slots", reverse("admin:appointments_slottemplate_changelist")),
            ("admin-slot-add", reverse("admin:appointments_slottemplate_add")),
            ("admin-slot-exceptions", reverse("admin:appointments_slotexception_changelist")),
        ):
            with self.subTest(page=name):
                self.go(path)
                expect(page.locator("html")).to_have_attribute("lang", "fa")
                self.check(name)
        # The change list's selection counter, drawn by Django's script: Persian digits.
        self.go(reverse("admin:workflow_department_changelist"))
        total = to_persian_digits(Department.objects.filter(agency=self.agency).count())
        expect(page.locator(".action-counter")).to_contain_text(f"۰ از {total}")
        page.locator("input.action-select").first.check()
        expect(page.locator(".action-counter")).to_contain_text(f"۱ از {total}")

    def test_the_operator_reads_the_audit_log_and_the_users(self) -> None:
        self.walk(self._operator_walk, "admin-operator")

    def _operator_walk(self) -> None:
        page = self.page
        root = get_user_model().objects.create_superuser("root", password="a-Strong-pass-1404")
        for action in ("auth.signed_in", "auth.signed_out"):
            audit_record(action=action, agency_id=None, actor=root)
        audit_record(action="auth.signed_in", agency_id=self.agency.pk, actor=self.admin)
        entry = AuditEntry.objects.filter(agency__isnull=True).first()
        assert entry is not None
        self.sign_in_as(root)
        for name, path in (
            ("admin-audit", reverse("admin:audit_auditentry_changelist")),
            ("admin-audit-entry", reverse("admin:audit_auditentry_change", args=[entry.pk])),
            ("admin-users", reverse("admin:accounts_user_changelist")),
            ("admin-user", reverse("admin:accounts_user_change", args=[self.admin.pk])),
        ):
            with self.subTest(page=name):
                self.go(path)
                self.check(name)
        # The chains by their Persian names, the count in Persian digits.
        self.go(reverse("admin:audit_auditentry_changelist"))
        expect(page.locator("#changelist")).to_contain_text("زنجیره ملی")
        expect(page.locator("#changelist")).to_contain_text(f"زنجیره {self.agency.name}")
        count = to_persian_digits(AuditEntry.objects.count())
        expect(page.locator(".paginator")).to_contain_text(f"{count} رویدادهای ممیزی")
