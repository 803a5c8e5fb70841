"""At the office: finding a booking, arrival with a queue number, no-shows, walk-ins."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from desk.appointments.models import Appointment, AppointmentStatus
from desk.appointments.services import appointment_check_in, appointment_mark_no_show
from desk.appointments.tests.helpers import MONDAY, SUNDAY, AppointmentTestCase, at
from desk.core.errors import ApplicationError
from desk.lib.persian import to_persian_digits


class CheckInTests(AppointmentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.first = self.book(at(MONDAY, 8, 0))
        self.second = self.book(at(MONDAY, 8, 30), citizen=self.another_citizen("0010000011"))

    def test_arrivals_get_sequential_queue_numbers_per_office_and_day(self) -> None:
        self.set_now(at(MONDAY, 7, 50))
        second = appointment_check_in(appointment_id=self.second.pk, actor=self.expert)
        first = appointment_check_in(appointment_id=self.first.pk, actor=self.expert)
        self.assertEqual((second.queue_number, first.queue_number), (1, 2))
        self.assertEqual(first.status, AppointmentStatus.CHECKED_IN)
        with self.assertRaisesRegex(ApplicationError, "حاضر شد"):
            appointment_check_in(appointment_id=self.first.pk, actor=self.expert)

    def test_check_in_is_only_on_the_day(self) -> None:
        with self.assertRaisesRegex(ApplicationError, "امروز"):
            appointment_check_in(appointment_id=self.first.pk, actor=self.expert)

    def test_another_agency_cannot_check_in(self) -> None:
        self.set_now(at(MONDAY, 7, 50))
        with self.assertRaises(ApplicationError):
            appointment_check_in(appointment_id=self.first.pk, actor=self.outsider)

    def test_a_no_show_is_recorded_after_the_start_only(self) -> None:
        with self.assertRaisesRegex(ApplicationError, "نرسیده"):
            appointment_mark_no_show(appointment_id=self.first.pk, actor=self.expert)
        self.set_now(at(MONDAY, 8, 20))
        appointment_mark_no_show(appointment_id=self.first.pk, actor=self.expert)
        self.first.refresh_from_db()
        self.assertEqual(self.first.status, AppointmentStatus.NO_SHOW)


class DeskViewTests(AppointmentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.appointment = self.book(at(MONDAY, 8, 0))

    def test_the_clerk_finds_a_booking_by_national_code_and_checks_it_in(self) -> None:
        self.set_now(at(MONDAY, 7, 55))
        self.client.force_login(self.expert)
        response = self.client.get(reverse("appointments:desk"), {"q": "۰۰۸۴۵۷۵۹۴۸"})
        self.assertContains(response, self.service.title)
        self.assertContains(response, "ثبت حضور")
        response = self.client.post(
            reverse("appointments:check_in", args=[self.appointment.booking_code]), follow=True
        )
        self.assertContains(response, "شماره صف: ۱")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.queue_number, 1)

    def test_a_booking_of_another_day_offers_no_check_in_and_a_post_is_refused(self) -> None:
        # Sunday 09:00 in Tehran; the booking is for Monday.
        self.client.force_login(self.expert)
        code = self.appointment.booking_code
        url = reverse("appointments:check_in", args=[code])
        page = self.client.get(reverse("appointments:desk"), {"q": code})
        self.assertContains(page, self.service.title)
        self.assertNotContains(page, f'action="{url}"')
        self.assertContains(page, "حضور در روز نوبت (۱۴۰۴/۰۳/۱۲) ثبت می‌شود.")
        refused = self.client.post(url, follow=True)
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "این نوبت برای امروز نیست؛ حضور فقط در روز نوبت، دوشنبه")
        self.appointment.refresh_from_db()
        self.assertEqual(
            (self.appointment.status, self.appointment.queue_number),
            (AppointmentStatus.BOOKED, None),
        )

    def test_check_in_follows_the_day_in_tehran_not_in_utc(self) -> None:
        code = self.appointment.booking_code
        url = reverse("appointments:check_in", args=[code])
        self.set_now(at(SUNDAY, 23, 59))
        self.client.force_login(self.expert)
        self.assertNotContains(self.client.get(reverse("appointments:desk"), {"q": code}), url)
        self.set_now(at(MONDAY, 0, 30))  # Monday in Tehran, still Sunday 21:00 in UTC
        self.client.force_login(self.expert)  # a new shift's sign-in (staff sessions idle out)
        self.assertContains(self.client.get(reverse("appointments:desk"), {"q": code}), url)
        self.assertContains(self.client.post(url, follow=True), "شماره صف: ۱")

    def test_no_show_is_recorded_only_after_the_clerk_confirms(self) -> None:
        self.set_now(at(MONDAY, 8, 20))
        self.client.force_login(self.expert)
        url = reverse("appointments:no_show", args=[self.appointment.booking_code])
        desk = self.client.get(reverse("appointments:desk"))
        self.assertContains(desk, f'href="{url}"')
        page = self.client.get(url)
        self.assertContains(page, "غیبت این مراجعه‌کننده ثبت شود؟")
        self.assertContains(page, "برگرداندنی نیست")
        self.assertContains(page, 'name="confirmed"')
        # A bare POST (one tap, no confirmation) is sent back to the question.
        self.assertContains(self.client.post(url), "غیبت این مراجعه‌کننده ثبت شود؟")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, AppointmentStatus.BOOKED)
        response = self.client.post(url, {"confirmed": "1"}, follow=True)
        self.assertContains(response, "غیبت ثبت شد.")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, AppointmentStatus.NO_SHOW)

    def test_done_is_recorded_only_after_the_clerk_confirms(self) -> None:
        self.set_now(at(MONDAY, 7, 55))
        appointment_check_in(appointment_id=self.appointment.pk, actor=self.expert)
        self.client.force_login(self.expert)
        url = reverse("appointments:done", args=[self.appointment.booking_code])
        self.assertContains(self.client.get(url), "این نوبت انجام‌شده ثبت شود؟")
        self.client.post(url)
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, AppointmentStatus.CHECKED_IN)
        response = self.client.post(url, {"confirmed": "1"}, follow=True)
        self.assertContains(response, "نوبت انجام‌شده ثبت شد.")
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.status, AppointmentStatus.COMPLETED)

    def test_todays_list_shows_the_day_in_jalali(self) -> None:
        self.set_now(at(MONDAY, 7, 55))
        self.client.force_login(self.expert)
        response = self.client.get(reverse("appointments:desk"))
        self.assertContains(response, "۱۴۰۴/۰۳/۱۲ ساعت ۰۸:۰۰")
        self.assertContains(response, to_persian_digits("0084575948"))

    def test_outsiders_get_404(self) -> None:
        self.client.force_login(self.outsider)
        code = self.appointment.booking_code
        for url in (
            reverse("appointments:check_in", args=[code]),
            reverse("appointments:no_show", args=[code]),
            reverse("appointments:done", args=[code]),
        ):
            self.assertEqual(self.client.post(url).status_code, 404, url)
            if "check-in" not in url:  # the others ask «are you sure?» on GET
                self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.get(reverse("appointments:desk"), {"q": code})
        self.assertNotContains(response, self.service.title)
        self.assertEqual(self.client.get(reverse("appointments:capacity")).status_code, 404)

    def test_a_citizen_gets_404_on_the_desk(self) -> None:
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(reverse("appointments:desk")).status_code, 404)

    def test_the_desks_link_opens_the_choice_without_errors(self) -> None:
        # The in-person desk links here with the citizen only: nothing chosen yet, no error.
        self.client.force_login(self.expert)
        response = self.client.get(
            reverse("appointments:walk_in") + "?national_code=0010000038&mobile=09125554433"
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "این مقدار لازم است")
        self.assertContains(response, "انتخاب کنید")

    def test_the_clerk_books_a_walk_in_and_a_bad_code_keeps_what_was_typed(self) -> None:
        self.client.force_login(self.expert)
        url = (
            reverse("appointments:walk_in") + f"?service={self.service.pk}&office={self.office.pk}"
        )
        response = self.client.get(url)
        self.assertContains(response, "۰۹:۳۰")
        slot = at(MONDAY, 9, 0).isoformat()
        response = self.client.post(
            url, {"national_code": "۱۲۳۴۵۶۷۸۹۰", "mobile": "۰۹۱۲۵۵۵۴۴۳۳", "slot": slot}
        )
        self.assertContains(response, "۰۹۱۲۵۵۵۴۴۳۳", status_code=400)
        self.assertContains(response, "۱۲۳۴۵۶۷۸۹۰", status_code=400)
        self.assertContains(response, "is-invalid", status_code=400)
        response = self.client.post(
            url, {"national_code": "۰۰۱۰۰۰۰۰۳۸", "mobile": "۰۹۱۲۵۵۵۴۴۳۳", "slot": slot}
        )
        walk_in = Appointment.objects.get(national_code="0010000038")
        query = urlencode({"q": to_persian_digits(walk_in.booking_code)})
        self.assertRedirects(response, reverse("appointments:desk") + f"?{query}")
        self.assertEqual(walk_in.created_by, self.expert)

    def test_the_walk_in_page_offers_only_own_agency_services(self) -> None:
        self.client.force_login(self.outsider)
        url = (
            reverse("appointments:walk_in") + f"?service={self.service.pk}&office={self.office.pk}"
        )
        response = self.client.get(url)
        self.assertNotContains(response, "۰۹:۳۰")
        self.assertFalse(Appointment.objects.filter(created_by=self.outsider).exists())
