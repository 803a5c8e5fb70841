"""The admin speaks Persian and the Jalali calendar: app and model names, list columns, date
filters, object history and date inputs (desk/core/admin_persian.py)."""

from __future__ import annotations

import datetime
import re
from unittest import mock

from django.apps import apps
from django.contrib import admin
from django.contrib.admin import FieldListFilter
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory, override_settings
from django.urls import reverse

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.appointments.models import Breach
from desk.audit.models import AuditEntry
from desk.audit.services import audit_record
from desk.core.admin_persian import JalaliDateFieldListFilter
from desk.core.dates import (
    JalaliDatePartsField,
    JalaliDatePartsWidget,
    JalaliDateTimePartsField,
    JalaliDateTimePartsWidget,
)
from desk.lib.jalali import TEHRAN
from desk.test import BaseTestCase, create_staff, define_permit_workflow
from desk.workflow.models import WorkflowVersion

LATIN_LETTERS = re.compile(r"[A-Za-z]")
GREGORIAN_YEAR = re.compile(r"\b20[0-9]{2}\b")


def _text(html: bytes) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html.decode(), flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class AdminInPersianTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency_admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.agency_admin.is_staff = True
        self.agency_admin.save()
        self.version = define_permit_workflow(self.service)

    def test_every_app_the_admin_lists_has_a_persian_name(self) -> None:
        for config in apps.get_app_configs():
            if config.name.startswith("desk.") or config.label == "auditlog":
                with self.subTest(app=config.label):
                    self.assertIsNone(LATIN_LETTERS.search(str(config.verbose_name)))

    def test_every_model_of_ours_has_a_persian_name(self) -> None:
        # Shown wherever the admin names a model: permission lists, history, headings.
        for model in apps.get_models():
            if model.__module__.startswith("desk."):
                with self.subTest(model=model._meta.label):
                    name = str(model._meta.verbose_name).replace("API", "")  # «کلید API»
                    self.assertIsNone(LATIN_LETTERS.search(name))

    def test_the_agency_admins_pages_have_persian_headings(self) -> None:
        self.client.force_login(self.agency_admin)
        for url in (
            reverse("admin:index"),
            reverse("admin:catalog_service_changelist"),
            reverse("admin:catalog_service_change", args=[self.service.pk]),
            reverse("admin:workflow_workflowversion_change", args=[self.version.pk]),
            reverse("admin:workflow_department_changelist"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                headings = re.findall(
                    r"<(?:h1|h2|th scope=\"col\")[^>]*>(.*?)</", response.content.decode(), re.S
                )
                english = [h for h in headings if LATIN_LETTERS.search(re.sub(r"<[^>]+>", "", h))]
                self.assertEqual(english, [], url)

    def test_list_columns_show_jalali_times_in_persian_digits(self) -> None:
        published = datetime.datetime(2025, 3, 30, 10, 5, tzinfo=TEHRAN)  # ۱۴۰۴/۰۱/۱۰
        WorkflowVersion.objects.filter(pk=self.version.pk).update(published_at=published)
        self.client.force_login(self.agency_admin)
        response = self.client.get(reverse("admin:workflow_workflowversion_changelist"))
        text = _text(response.content)
        self.assertIn("۱۴۰۴/۰۱/۱۰ ساعت ۱۰:۰۵", text)
        self.assertIsNone(GREGORIAN_YEAR.search(text))

    def test_a_date_filter_offers_this_jalali_month_and_year(self) -> None:
        # 1404/01/10 in Tehran: the Jalali month and year both began on 21 March 2025.
        field = Breach._meta.get_field("requested_on")
        request = RequestFactory().get("/")
        request.user = self.agency_admin
        filter_class = FieldListFilter.create  # Django picks the filter registered for dates
        today = datetime.date(2025, 3, 30)
        with mock.patch("desk.core.admin_persian.today_tehran", return_value=today):
            date_filter = filter_class(
                field, request, {}, Breach, admin.site._registry[Breach], "requested_on"
            )
        assert isinstance(date_filter, JalaliDateFieldListFilter)
        links = {str(label): params for label, params in date_filter.links}
        self.assertEqual(
            links["این ماه"],
            {
                "requested_on__gte": datetime.date(2025, 3, 21),
                "requested_on__lt": datetime.date(2025, 4, 21),
            },
        )
        self.assertEqual(links["امسال"]["requested_on__lt"], datetime.date(2026, 3, 21))
        self.assertEqual(links["امروز"]["requested_on__gte"], datetime.date(2025, 3, 30))

    def test_the_object_history_shows_jalali_times(self) -> None:
        LogEntry.objects.create(
            user=self.agency_admin,
            content_type=ContentType.objects.get_for_model(self.service),
            object_id=str(self.service.pk),
            object_repr=str(self.service),
            action_flag=CHANGE,
            change_message="",
            action_time=datetime.datetime(2025, 3, 30, 10, 5, tzinfo=TEHRAN),
        )
        self.client.force_login(self.agency_admin)
        response = self.client.get(reverse("admin:catalog_service_history", args=[self.service.pk]))
        text = _text(response.content)
        self.assertIn("۱۴۰۴/۰۱/۱۰ ساعت ۱۰:۰۵", text)
        self.assertIsNone(GREGORIAN_YEAR.search(text))

    def test_a_date_column_is_asked_as_day_month_year_in_either_digits(self) -> None:
        model_admin = admin.site._registry[Breach]
        request = RequestFactory().get("/")
        request.user = self.agency_admin
        field = model_admin.formfield_for_dbfield(Breach._meta.get_field("requested_on"), request)
        assert isinstance(field, JalaliDatePartsField)
        self.assertIsInstance(field.widget, JalaliDatePartsWidget)
        self.assertEqual(field.clean(["۱۰", "۱", "۱۴۰۴"]), datetime.date(2025, 3, 30))
        self.assertEqual(field.clean(["10", "01", "1404"]), datetime.date(2025, 3, 30))
        boxes = JalaliDatePartsWidget().render("requested_on", datetime.date(2025, 3, 30))
        self.assertIn("روز", boxes)
        self.assertIn('value="۱۰"', boxes)

    def test_a_stored_instant_is_shown_in_jalali_and_tehran_time(self) -> None:
        # 2025-03-20 21:05 UTC is 1404/01/01 00:35 in Tehran: a day later than in UTC.
        instant = datetime.datetime(2025, 3, 20, 21, 5, tzinfo=datetime.UTC)
        boxes = JalaliDateTimePartsWidget().render("expires_at", instant)
        for label, value in (("روز", "۱"), ("ماه", "۱"), ("سال", "۱۴۰۴"), ("ساعت", "۰")):
            self.assertIn(f">{label}</label>", boxes)
            self.assertIn(f'value="{value}"', boxes)
        self.assertIn('value="۳۵"', boxes)
        self.assertEqual(JalaliDateTimePartsField().clean(["۱", "۱", "۱۴۰۴", "۰", "۳۵"]), instant)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class JalaliDrillDownAndPersianPermissionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        # 1403/12/30 23:00, 1404/01/01 01:00 and 1404/02/01 10:00, Tehran time.
        for action, moment in (
            ("last-of-1403", datetime.datetime(2025, 3, 20, 23, 0, tzinfo=TEHRAN)),
            ("nowruz-1404", datetime.datetime(2025, 3, 21, 1, 0, tzinfo=TEHRAN)),
            ("ordibehesht-1404", datetime.datetime(2025, 4, 21, 10, 0, tzinfo=TEHRAN)),
        ):
            with mock.patch("django.utils.timezone.now", return_value=moment):
                audit_record(action=action, agency_id=None)
        self.client.force_login(self.root)
        self.url = reverse("admin:audit_auditentry_changelist")

    def _drill_down(self, query: dict[str, str]) -> tuple[str, str]:
        response = self.client.get(self.url, query)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        nav = re.search(r'<nav class="toplinks">(.*?)</nav>', html, re.S)
        assert nav is not None
        return _text(nav.group(1).encode()), _text(response.content)

    def test_the_audit_drill_down_walks_jalali_years_months_and_days(self) -> None:
        nav, _page = self._drill_down({})
        self.assertIn("۱۴۰۳", nav)
        self.assertIn("۱۴۰۴", nav)
        self.assertIsNone(GREGORIAN_YEAR.search(nav))
        nav, page = self._drill_down({"created_at__year": "1404"})
        self.assertIn("فروردین ۱۴۰۴", nav)
        self.assertIn("اردیبهشت ۱۴۰۴", nav)
        self.assertIn("۱۴۰۴/۰۱/۰۱ ساعت ۰۱:۰۰", page)
        self.assertIn("۱۴۰۴/۰۲/۰۱ ساعت ۱۰:۰۰", page)
        self.assertNotIn("۱۴۰۳/۱۲/۳۰ ساعت ۲۳:۰۰", page)
        nav, page = self._drill_down({"created_at__year": "1404", "created_at__month": "1"})
        self.assertIn("۱ فروردین", nav)
        self.assertIn("۱۴۰۴/۰۱/۰۱ ساعت ۰۱:۰۰", page)
        self.assertNotIn("۱۴۰۴/۰۲/۰۱ ساعت ۱۰:۰۰", page)
        nav, page = self._drill_down(
            {"created_at__year": "1403", "created_at__month": "12", "created_at__day": "30"}
        )
        self.assertIn("۱۴۰۳/۱۲/۳۰ ساعت ۲۳:۰۰", page)
        self.assertNotIn("۱۴۰۴/۰۱/۰۱ ساعت ۰۱:۰۰", page)

    def test_a_drill_down_date_that_does_not_exist_is_refused_not_a_500(self) -> None:
        response = self.client.get(
            self.url, {"created_at__year": "1404", "created_at__month": "13"}
        )
        self.assertNotEqual(response.status_code, 500)

    def test_permissions_are_offered_in_persian(self) -> None:
        group = Group.objects.create(name="کارشناسان")
        response = self.client.get(reverse("admin:auth_group_change", args=[group.pk]))
        options = re.findall(r"<option[^>]*>(.*?)</option>", response.content.decode())
        self.assertTrue(options)
        english = [o for o in options if re.search(r"\bCan (add|change|delete|view)\b", o)]
        self.assertEqual(english, [])
        latin = [o for o in options if LATIN_LETTERS.search(o.replace("API", ""))]
        self.assertEqual(latin, [])
        self.assertTrue(any("افزودن " in o for o in options))
        self.assertTrue(any("دیدن " in o for o in options))
        response = self.client.get(reverse("admin:accounts_user_change", args=[self.root.pk]))
        self.assertNotContains(response, "Can add")


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ChangeListCountsInPersianTests(BaseTestCase):
    """Counts, pages and the «selected» note of a change list; the audit log's chains and
    actions by their Persian names."""

    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        self.client.force_login(self.root)

    def test_the_count_the_pages_and_the_selection_note_are_in_persian_digits(self) -> None:
        User.objects.bulk_create(  # one more than a page of 100 match the search
            User(username=f"clerk-{number:03d}", last_name="کارمند") for number in range(101)
        )
        response = self.client.get(
            reverse("admin:accounts_user_changelist"), {"q": "clerk", "o": "1.-2"}
        )
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        page = _text(response.content)
        self.assertIn("۱۰۱ کاربران", page)  # the paginator
        self.assertIn("۱۰۱ نتیجه", page)  # beside the search box
        self.assertRegex(page, r"در مجموع [۰-۹]+ تا")
        self.assertIn("۰ از ۱۰۰ انتخاب شده‌اند", page)
        self.assertIn("انتخاب تمامی ۱۰۱", page)
        self.assertIn(">۱</span>", html)  # the sorting priority
        paginator = re.search(r'<p class="paginator">(.*?)</p>', html, re.S)
        assert paginator is not None
        self.assertIn('<span class="this-page">۱</span>', paginator.group(1))
        self.assertIn('class="end">۲</a>', paginator.group(1))
        self.assertIn("p=2", paginator.group(1))  # the link itself stays Latin
        self.assertIsNone(re.search(r"[0-9]", _text(paginator.group(1).encode())))

    def test_the_audit_log_names_its_chains_and_actions_in_persian(self) -> None:
        audit_record(action="auth.signed_in", agency_id=None)
        audit_record(action="auth.signed_out", agency_id=self.agency.pk)
        response = self.client.get(reverse("admin:audit_auditentry_changelist"))
        page = _text(response.content)
        self.assertIn("زنجیره ملی", page)
        self.assertIn(f"زنجیره {self.agency.name}", page)
        self.assertIn("ورود", page)
        self.assertIn("خروج", page)
        self.assertNotIn("national", page)
        self.assertNotIn("auth.signed_in", page)
        entry = AuditEntry.objects.get(action="auth.signed_out")
        self.assertEqual(str(entry), "خروج (رویداد ۱)")
