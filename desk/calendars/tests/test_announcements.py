"""Every write to the working calendar announces what changed, for the apps above to react."""

from __future__ import annotations

import datetime
from unittest import mock

from desk.agencies.models import Role
from desk.calendars import services
from desk.calendars.models import WeeklyDaysOff
from desk.calendars.tests.base import CalendarTestCase, jalali
from desk.core.errors import ApplicationError
from desk.core.events import CalendarChanged, CalendarScope
from desk.test import create_staff


class AnnouncementTests(CalendarTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.announce = self.enterContext(mock.patch("desk.calendars.services.announce"))

    def announced(self) -> list[CalendarChanged]:
        return [c.args[0] for c in self.announce.call_args_list]

    def test_a_closure_added_and_removed_announces_its_place_and_days(self) -> None:
        closure = self.close(
            scope="province", province="تهران", start=jalali(1404, 9, 1), end=jalali(1404, 9, 2)
        )
        services.closure_delete(closure=closure, deleted_by=self.root)
        change = CalendarChanged(
            scope=CalendarScope.PROVINCE,
            start=jalali(1404, 9, 1),
            end=jalali(1404, 9, 2),
            province="تهران",
        )
        self.assertEqual(self.announced(), [change, change])

    def test_a_holiday_correction_announces_its_day_nationally(self) -> None:
        day = jalali(1404, 9, 10)
        override = services.holiday_override_set(date=day, name="عزای عمومی", created_by=self.root)
        services.holiday_override_delete(override=override, deleted_by=self.root)
        change = CalendarChanged(scope=CalendarScope.NATIONAL, start=day, end=day)
        self.assertEqual(self.announced(), [change, change])

    def test_a_weekly_rule_changed_announces_the_days_it_covered_and_covers(self) -> None:
        rule = services.weekly_days_off_save(
            rule=WeeklyDaysOff(agency=self.agency, starts_on=jalali(1405, 1, 1), saturday=True),
            saved_by=self.root,
        )
        rule.starts_on = jalali(1404, 12, 1)
        rule.ends_on = jalali(1405, 6, 31)
        services.weekly_days_off_save(rule=rule, saved_by=self.root)
        services.weekly_days_off_delete(rule=rule, deleted_by=self.root)

        def own(start: datetime.date, end: datetime.date | None) -> CalendarChanged:
            return CalendarChanged(
                scope=CalendarScope.AGENCY, start=start, end=end, agency_id=self.agency.pk
            )

        first, second = own(jalali(1405, 1, 1), None), own(jalali(1404, 12, 1), jalali(1405, 6, 31))
        self.assertEqual(self.announced(), [first, first, second, second])

    def test_an_agency_admin_changes_only_their_own_weekly_rules(self) -> None:
        admin_user = create_staff(self.agency, "agency-admin", Role.ADMIN)
        mine = WeeklyDaysOff(agency=self.agency, starts_on=jalali(1405, 1, 1), saturday=True)
        services.weekly_days_off_save(rule=mine, saved_by=admin_user)
        for rule in (
            WeeklyDaysOff(agency=self.other_agency, starts_on=jalali(1405, 1, 1)),
            WeeklyDaysOff(agency=None, starts_on=jalali(1405, 1, 1)),
        ):
            with self.assertRaisesMessage(ApplicationError, "اجازه"):
                services.weekly_days_off_save(rule=rule, saved_by=admin_user)
        self.assertEqual(list(WeeklyDaysOff.objects.all()), [mine])
        self.assertEqual(len(self.announced()), 1)

    def test_a_week_without_a_working_day_is_refused_in_persian(self) -> None:
        every_day = {name: True for name, _number in WeeklyDaysOff.WEEKDAY_FIELDS}
        rule = WeeklyDaysOff(agency=self.agency, starts_on=jalali(1405, 1, 1), **every_day)
        with self.assertRaisesMessage(ApplicationError, "دست‌کم یک روز هفته باید کاری باشد."):
            services.weekly_days_off_save(rule=rule, saved_by=self.root)
        self.assertEqual(self.announced(), [])
