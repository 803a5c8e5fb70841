from __future__ import annotations

from typing import Any

from desk.agencies.models import Role
from desk.calendars import services
from desk.calendars.models import Closure, ClosureScope, HolidayOverride
from desk.calendars.tests.base import CalendarTestCase, jalali
from desk.core.errors import ApplicationError
from desk.test import create_staff


class ClosureCreateTests(CalendarTestCase):
    def test_it_stores_a_province_closure_under_the_provinces_own_name(self):
        closure = self.close(scope="province", province="استان تهران", reason="  آلودگی  هوا ")
        self.assertEqual(closure.province, "تهران")
        self.assertEqual(closure.reason, "آلودگی هوا")
        self.assertIsNone(closure.agency)

    def test_it_refuses_an_end_before_the_start(self):
        with self.assertRaisesMessage(ApplicationError, "تاریخ پایان نمی‌تواند پیش از تاریخ شروع"):
            self.close(start=jalali(1404, 2, 8), end=jalali(1404, 2, 7))
        self.assertFalse(Closure.objects.exists())

    def test_it_refuses_an_inconsistent_scope(self):
        cases: list[tuple[dict[str, Any], str]] = [
            ({"scope": "national", "province": "تهران"}, "scope"),
            ({"scope": "national", "agency": self.agency}, "scope"),
            ({"scope": "province"}, "province"),
            ({"scope": "province", "province": "تهرانپارس"}, "province"),
            ({"scope": "province", "province": "تهران", "agency": self.agency}, "agency"),
            ({"scope": "agency"}, "agency"),
            ({"scope": "agency", "agency": self.agency, "province": "تهران"}, "province"),
            ({"scope": "planet"}, "scope"),
        ]
        for kwargs, field in cases:
            with self.subTest(**{k: str(v) for k, v in kwargs.items()}):
                with self.assertRaises(ApplicationError) as caught:
                    self.close(**kwargs)
                self.assertEqual(caught.exception.field, field)
        self.assertFalse(Closure.objects.exists())

    def test_it_refuses_a_missing_reason_or_kind(self):
        with self.assertRaisesMessage(ApplicationError, "شرح تعطیلی را بنویسید."):
            self.close(reason="   ")
        with self.assertRaisesMessage(ApplicationError, "علت تعطیلی را انتخاب کنید."):
            self.close(kind="rain")

    def test_it_refuses_a_closure_longer_than_a_month(self):
        with self.assertRaisesMessage(ApplicationError, "بیش از ۳۱ روز"):
            self.close(start=jalali(1404, 2, 1), end=jalali(1405, 2, 1))

    def test_it_lets_an_agency_admin_close_only_their_own_agency(self):
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        closure = self.close(scope="agency", agency=self.agency, created_by=admin)
        self.assertEqual(closure.scope, ClosureScope.AGENCY)
        for kwargs in (
            {"scope": "agency", "agency": self.other_agency},
            {"scope": "province", "province": "تهران"},
            {"scope": "national"},
        ):
            with (
                self.subTest(scope=kwargs["scope"]),
                self.assertRaisesMessage(ApplicationError, "اجازه"),
            ):
                self.close(created_by=admin, **kwargs)

    def test_it_refuses_experts_and_citizens(self):
        for user in (self.expert, self.citizen):
            with (
                self.subTest(user=user.username),
                self.assertRaisesMessage(ApplicationError, "اجازه"),
            ):
                self.close(scope="agency", agency=self.agency, created_by=user)


class ClosureDeleteTests(CalendarTestCase):
    def test_it_withdraws_a_closure(self):
        closure = self.close()
        services.closure_delete(closure=closure, deleted_by=self.root)
        self.assertFalse(Closure.objects.exists())

    def test_it_refuses_an_agency_admin_a_national_closure(self):
        closure = self.close()
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        with self.assertRaisesMessage(ApplicationError, "اجازه"):
            services.closure_delete(closure=closure, deleted_by=admin)
        self.assertTrue(Closure.objects.exists())


class HolidayOverrideServiceTests(CalendarTestCase):
    def test_it_adds_then_replaces_a_correction(self):
        day = jalali(1404, 2, 7)
        services.holiday_override_set(date=day, name="عزای عمومی", created_by=self.root)
        services.holiday_override_set(date=day, name="", is_day_off=False, created_by=self.root)
        override = HolidayOverride.objects.get()
        self.assertFalse(override.is_day_off)
        services.holiday_override_delete(override=override, deleted_by=self.root)
        self.assertFalse(HolidayOverride.objects.exists())

    def test_it_needs_a_name_for_a_new_holiday(self):
        with self.assertRaisesMessage(ApplicationError, "نام مناسبت را بنویسید."):
            services.holiday_override_set(date=jalali(1404, 2, 7), name=" ", created_by=self.root)

    def test_it_leaves_official_holidays_to_the_superuser(self):
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        with self.assertRaises(ApplicationError):
            services.holiday_override_set(date=jalali(1404, 2, 7), name="x", created_by=admin)
