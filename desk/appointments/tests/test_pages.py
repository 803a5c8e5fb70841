"""The citizen's pages: booking from the service card, my appointments, cancel, reschedule."""

from __future__ import annotations

from django.urls import reverse

from desk.accounts.models import User
from desk.appointments.models import Appointment, AppointmentStatus
from desk.appointments.tests.helpers import MONDAY, TUESDAY, AppointmentTestCase, at
from desk.catalog.selectors import SERVICES_GENERATION
from desk.catalog.tests.test_admin_scope import _admin_post_data
from desk.core.cache import generation_bump


class CitizenPageTests(AppointmentTestCase):
    def test_the_service_card_offers_an_appointment_when_a_visit_is_needed(self) -> None:
        response = self.client.get(reverse("catalog:service_detail", args=[self.service.slug]))
        self.assertContains(response, "دریافت نوبت حضوری")
        self.service.in_person_visits = 0
        self.service.save(update_fields=["in_person_visits"])
        # The card is cached per version: every writer of a card bumps the generation, as the
        # admin does (desk/core/cache.py).
        generation_bump(SERVICES_GENERATION)
        response = self.client.get(reverse("catalog:service_detail", args=[self.service.slug]))
        self.assertNotContains(response, "دریافت نوبت حضوری")

    def test_the_service_card_stops_offering_appointments_once_the_office_closes_in_the_admin(
        self,
    ) -> None:
        page = reverse("catalog:service_detail", args=[self.service.slug])
        self.assertContains(self.client.get(page), "دریافت نوبت حضوری")
        self.client.force_login(User.objects.create_superuser("root", password="a-Strong-1404"))
        url = reverse("admin:appointments_office_change", args=[self.office.pk])
        data = _admin_post_data(self.client.get(url))
        data.pop("is_active")
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.client.logout()
        # The page is cached with the agency's generation, which the office's admin bumps.
        self.assertNotContains(self.client.get(page), "دریافت نوبت حضوری")

    def test_the_booking_page_lists_jalali_days_and_books_after_confirming(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("appointments:book", args=[self.service.slug])
        response = self.client.get(url)
        self.assertContains(response, "یکشنبه ۱۱ خرداد ۱۴۰۴")
        self.assertContains(response, "در مهلت سه روز کاری")
        # What the badge means, said once above the days.
        self.assertContains(response, "(سه روز کاری) به شما نوبت بدهد")
        slot = at(MONDAY, 8, 30).isoformat()
        # A tap on a slot only asks: what, when, where, and what happens next.
        response = self.client.post(url, {"slot": slot})
        self.assertContains(response, "این نوبت را می‌گیرید؟")
        self.assertContains(response, "دوشنبه ۱۲ خرداد ۱۴۰۴ ساعت ۰۸:۳۰")
        self.assertContains(response, '<ol id="what-next">')
        self.assertFalse(Appointment.objects.exists())
        response = self.client.post(url, {"slot": slot, "confirm": "1"})
        appointment = Appointment.objects.get()
        self.assertRedirects(
            response, reverse("appointments:detail", args=[appointment.booking_code])
        )
        response = self.client.get(reverse("appointments:detail", args=[appointment.booking_code]))
        self.assertContains(response, "دوشنبه ۱۲ خرداد ۱۴۰۴، ساعت ۰۸:۳۰")  # the weekday, as booked
        self.assertContains(response, "خیابان انقلاب")

    def test_a_full_slot_shows_a_persian_message_and_the_next_slots(self) -> None:
        for code in ("0010000011", "0010000021"):
            self.book(at(MONDAY, 8, 0), citizen=self.another_citizen(code))
        self.client.force_login(self.citizen)
        url = reverse("appointments:book", args=[self.service.slug])
        response = self.client.post(url, {"slot": at(MONDAY, 8, 0).isoformat(), "confirm": "1"})
        self.assertContains(response, "ظرفیت این نوبت همین حالا پر شد", status_code=400)
        self.assertContains(response, "نزدیک‌ترین نوبت‌های آزاد", status_code=400)

    def test_with_no_appointment_the_page_lists_the_services_to_book(self) -> None:
        self.client.force_login(self.citizen)
        response = self.client.get(reverse("appointments:mine"))
        self.assertContains(response, "هنوز نوبتی نگرفته‌اید.")
        self.assertContains(
            response, '<details class="border rounded p-3 mt-3" id="book-new" open>'
        )
        book = reverse("appointments:book", args=[self.service.slug])
        self.assertContains(response, f'href="{book}"')
        # A service without a visit in person, or without an office that takes it, is not listed.
        self.service.in_person_visits = 0
        self.service.save(update_fields=["in_person_visits"])
        response = self.client.get(reverse("appointments:mine"))
        self.assertNotContains(response, f'href="{book}"')
        self.assertContains(response, "اکنون هیچ خدمتی نوبت حضوری اینترنتی نمی‌دهد")

    def test_my_appointments_cancel_and_reschedule(self) -> None:
        appointment = self.book(at(MONDAY, 8, 0))
        self.client.force_login(self.citizen)
        response = self.client.get(reverse("appointments:mine"))
        self.assertContains(response, "جابه‌جایی")
        response = self.client.get(
            reverse("appointments:reschedule", args=[appointment.booking_code])
        )
        self.assertRedirects(
            response,
            reverse("appointments:book", args=[self.service.slug]) + f"?office={self.office.pk}"
            f"&reschedule={appointment.booking_code}",
        )
        response = self.client.post(
            response["Location"],
            {"slot": at(TUESDAY, 9, 0).isoformat(), "confirm": "1"},
            follow=True,
        )
        new = Appointment.objects.get(status=AppointmentStatus.BOOKED)
        self.assertEqual(new.rescheduled_from, appointment)
        response = self.client.post(
            reverse("appointments:cancel", args=[new.booking_code]), follow=True
        )
        self.assertContains(response, "نوبت لغو شد")
        new.refresh_from_db()
        self.assertEqual(new.status, AppointmentStatus.CANCELLED)

    def test_cancelling_asks_first_and_says_what_it_means(self) -> None:
        appointment = self.book(at(MONDAY, 8, 0))
        self.client.force_login(self.citizen)
        url = reverse("appointments:cancel", args=[appointment.booking_code])
        self.assertContains(self.client.get(reverse("appointments:mine")), f'href="{url}"')
        response = self.client.get(url)
        self.assertContains(response, "آیا می‌خواهید این نوبت را لغو کنید؟")
        self.assertContains(response, "برگرداندنی نیست")
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, AppointmentStatus.BOOKED)  # asking changes nothing
        self.assertContains(self.client.post(url, follow=True), "نوبت لغو شد")
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, AppointmentStatus.CANCELLED)

    def test_another_citizens_appointment_is_404(self) -> None:
        appointment = self.book(at(MONDAY, 8, 0))
        self.client.force_login(self.another_citizen("0010000011"))
        code = appointment.booking_code
        self.assertEqual(
            self.client.get(reverse("appointments:detail", args=[code])).status_code, 404
        )
        self.assertEqual(
            self.client.post(reverse("appointments:cancel", args=[code])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("appointments:cancel", args=[code])).status_code, 404
        )
        url = reverse("appointments:book", args=[self.service.slug]) + f"?reschedule={code}"
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_booking_needs_sign_in(self) -> None:
        response = self.client.get(reverse("appointments:book", args=[self.service.slug]))
        self.assertEqual(response.status_code, 302)
