from __future__ import annotations

from django.urls import reverse

from desk.agencies.models import Role
from desk.calendars.models import OfficeHours, WeeklyDaysOff
from desk.calendars.tests.base import CalendarTestCase, jalali
from desk.test import create_staff

CHANGELIST = reverse("admin:calendars_weeklydaysoff_changelist")
ADD = reverse("admin:calendars_weeklydaysoff_add")


class WeeklyDaysOffAdminTests(CalendarTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency_admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.agency_admin.is_staff = True
        self.agency_admin.save()
        self.national = WeeklyDaysOff.objects.create(starts_on=jalali(1405, 1, 1), saturday=True)
        self.own = WeeklyDaysOff.objects.create(agency=self.agency, starts_on=jalali(1404, 1, 1))
        self.gas = WeeklyDaysOff.objects.create(
            agency=self.other_agency, starts_on=jalali(1404, 1, 1)
        )

    def test_it_lists_every_rule_for_the_superuser_with_jalali_dates(self):
        self.client.force_login(self.root)
        r = self.client.get(CHANGELIST)
        self.assertEqual(set(r.context["cl"].result_list), {self.national, self.own, self.gas})
        self.assertContains(r, "۱۴۰۵/۰۱/۰۱")
        self.assertContains(r, "سراسر کشور")

    def test_it_lists_only_the_agency_admins_own_rules(self):
        self.client.force_login(self.agency_admin)
        r = self.client.get(CHANGELIST)
        self.assertEqual(set(r.context["cl"].result_list), {self.own})

    def test_it_keeps_national_and_other_agencies_rules_out_of_reach(self):
        self.client.force_login(self.agency_admin)
        for rule in (self.national, self.gas):
            url = reverse("admin:calendars_weeklydaysoff_change", args=[rule.pk])
            with self.subTest(rule=str(rule)):
                r = self.client.post(url, {"starts_on": "1404/01/01", "saturday": "on"})
                self.assertIn(r.status_code, {302, 403, 404})
                rule.refresh_from_db()
                self.assertEqual(
                    rule.starts_on,
                    jalali(1405, 1, 1) if rule.agency is None else jalali(1404, 1, 1),
                )

    def test_it_forces_a_new_rule_into_the_agency_admins_agency(self):
        self.client.force_login(self.agency_admin)
        r = self.client.get(ADD)
        self.assertNotIn("agency", r.context["adminform"].form.fields)
        r = self.client.post(
            ADD,
            {
                "agency": str(self.other_agency.pk),  # not on the form; ignored
                "starts_on": "۱۴۰۵/۰۷/۰۱",
                "friday": "on",
                "note": "پنجشنبه‌ها کار می‌کنیم",
            },
        )
        self.assertRedirects(r, CHANGELIST)
        rule = WeeklyDaysOff.objects.get(starts_on=jalali(1405, 7, 1))
        self.assertEqual(rule.agency, self.agency)
        self.assertEqual(rule.weekdays, frozenset({4}))

    def test_it_refuses_a_week_without_working_days(self):
        self.client.force_login(self.root)
        days = ["saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday"]
        r = self.client.post(ADD, {"starts_on": "1405/01/01", **dict.fromkeys(days, "on")})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "دست‌کم یک روز هفته باید کاری باشد.")
        self.assertEqual(WeeklyDaysOff.objects.count(), 3)

    def test_it_hides_the_calendar_from_experts(self):
        self.expert.is_staff = True
        self.expert.save()
        self.client.force_login(self.expert)
        with self.assertLogs("django.request", "WARNING"):
            self.assertEqual(self.client.get(CHANGELIST).status_code, 403)


class OfficeHoursAdminTests(CalendarTestCase):
    def test_it_lets_the_superuser_set_national_hours(self):
        self.client.force_login(self.root)
        add = reverse("admin:calendars_officehours_add")
        r = self.client.post(
            add, {"starts_on": "1405/01/01", "opens_at": "07:00", "closes_at": "14:00"}
        )
        self.assertRedirects(r, reverse("admin:calendars_officehours_changelist"))
        hours = OfficeHours.objects.get()
        self.assertIsNone(hours.agency)

    def test_it_refuses_closing_before_opening(self):
        self.client.force_login(self.root)
        add = reverse("admin:calendars_officehours_add")
        r = self.client.post(
            add, {"starts_on": "1405/01/01", "opens_at": "14:00", "closes_at": "07:00"}
        )
        self.assertContains(r, "ساعت پایان باید پس از ساعت شروع باشد.")
        self.assertFalse(OfficeHours.objects.exists())
