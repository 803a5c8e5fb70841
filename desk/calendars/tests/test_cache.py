"""Calendars are cached per agency and day (see calendar_for_agency): every write of the rows
they are built from must be seen by the next read, and by the next request's deadline."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from desk.calendars import services
from desk.calendars.models import WeeklyDaysOff
from desk.calendars.selectors import calendar_for_agency
from desk.calendars.tests.base import CalendarTestCase, jalali
from desk.lib.jalali import format_date, today_tehran
from desk.lib.persian import to_ascii_digits
from desk.submissions.models import Submission
from desk.test import PDF_BYTES

SATURDAY = jalali(1404, 2, 6)


def _admin_date(day: datetime.date) -> str:
    return to_ascii_digits(format_date(day))


class CalendarCacheTests(CalendarTestCase):
    def test_it_reads_a_cached_calendar_without_queries(self) -> None:
        calendar_for_agency(self.agency)
        with self.assertNumQueries(0):
            calendar = calendar_for_agency(self.agency)
        self.assertEqual(calendar.add_working_days(SATURDAY, 2), jalali(1404, 2, 8))

    def test_it_sees_a_closure_added_and_removed_after_the_calendar_was_cached(self) -> None:
        calendar_for_agency(self.agency)
        closure = self.close(scope="agency", agency=self.agency, reason="قطعی برق")
        self.assertFalse(calendar_for_agency(self.agency).is_working_day(jalali(1404, 2, 7)))
        services.closure_delete(closure=closure, deleted_by=self.root)
        self.assertTrue(calendar_for_agency(self.agency).is_working_day(jalali(1404, 2, 7)))

    def test_it_sees_weekly_days_off_saved_and_deleted_in_the_admin(self) -> None:
        self.assertTrue(calendar_for_agency(self.agency).is_working_day(SATURDAY))
        self.client.force_login(self.root)
        r = self.client.post(
            reverse("admin:calendars_weeklydaysoff_add"),
            {"agency": self.agency.pk, "starts_on": "1404/01/01", "saturday": "on"},
        )
        self.assertEqual(r.status_code, 302)
        self.assertFalse(calendar_for_agency(self.agency).is_working_day(SATURDAY))
        rule = WeeklyDaysOff.objects.get(agency=self.agency)
        r = self.client.post(
            reverse("admin:calendars_weeklydaysoff_delete", args=[rule.pk]), {"post": "yes"}
        )
        self.assertEqual(r.status_code, 302)
        self.assertTrue(calendar_for_agency(self.agency).is_working_day(SATURDAY))

    def test_it_gives_an_agency_moved_to_another_province_that_provinces_closures(self) -> None:
        self.close(scope="province", province="تهران", reason="آلودگی هوای تهران")
        self.assertTrue(calendar_for_agency(self.isfahan_agency).is_working_day(jalali(1404, 2, 7)))
        self.isfahan_agency.province = "تهران"
        self.isfahan_agency.save()
        self.assertFalse(
            calendar_for_agency(self.isfahan_agency).is_working_day(jalali(1404, 2, 7))
        )


class DeadlineCacheTests(CalendarTestCase):
    """The citizen's request reads the cached calendar: a closure added in the admin moves the
    deadline of the very next one."""

    def apply(self) -> datetime.date:
        self.client.force_login(self.citizen)
        r = self.client.post(
            reverse("submissions:apply", args=[self.service.slug]),
            {
                "address": "تهران",
                "deed": SimpleUploadedFile("deed.pdf", PDF_BYTES),
                "idempotency_key": str(uuid.uuid4()),
            },
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.post(r["Location"]).status_code, 302)  # check answers, send
        return Submission.objects.latest("pk").due_on

    def test_it_moves_the_next_requests_deadline_for_a_closure_added_in_the_admin(self) -> None:
        before = self.apply()
        closed = calendar_for_agency(self.agency).add_working_days(today_tehran(), 1)
        self.client.force_login(self.root)
        r = self.client.post(
            reverse("admin:calendars_closure_add"),
            {
                "scope": "agency",
                "agency": self.agency.pk,
                "starts_on": _admin_date(closed),
                "ends_on": _admin_date(closed),
                "kind": "energy",
                "reason": "صرفه‌جویی برق",
            },
        )
        self.assertEqual(r.status_code, 302)
        after = self.apply()
        self.assertEqual(after, calendar_for_agency(self.agency).add_working_days(before, 1))
        self.assertGreater(after, before)
