"""Browser walks of issue 12 on the shared base (desk/tests/browser.py): a citizen who books and
cancels an appointment only after confirming each, by keyboard alone; the apply form by
keyboard alone; 200 % zoom without loss; touch targets of 44 px; an agency admin who edits a
service's form and sees the citizen's preview change. Every page is checked by axe-core at
360 and 1366 px; screenshots go to test-artifacts/pages/.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.urls import reverse

from desk.agencies.models import Role
from desk.appointments.models import (
    Appointment,
    AppointmentStatus,
    Office,
    SlotTemplate,
    Weekday,
)
from desk.lib.jalali import TEHRAN
from desk.notifications.models import Channel, MessageStatus, OutboundMessage
from desk.submissions import selectors as submission_selectors
from desk.submissions import services as submission_services
from desk.submissions.models import Submission
from desk.submissions.tests.base import checked_upload
from desk.test import (
    PDF_BYTES,
    create_agency,
    create_citizen,
    create_service,
    create_staff,
    define_permit_workflow,
    give_position,
)
from desk.tests.browser import SHOTS, BrowserTestCase, expect

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

ZOOM_200: ViewportSize = {"width": 683, "height": 400}  # a 1366 × 800 screen at 200 %


class CitizenWalkTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency = create_agency()
        self.service = create_service(self.agency)
        self.citizen = create_citizen()

    def _offer_slots(self) -> None:
        # A fixed working Sunday, 1404/03/11 09:00 in Tehran (the live server shares the clock).
        now = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=TEHRAN)
        clock = mock.patch("django.utils.timezone.now", return_value=now)
        clock.start()
        self.addCleanup(clock.stop)
        self.service.in_person_visits = 1
        self.service.save(update_fields=["in_person_visits"])
        office = Office.objects.create(
            agency=self.agency, name="دفتر مرکزی", address="تهران، خیابان انقلاب، پلاک ۱۰"
        )
        for weekday in Weekday:
            SlotTemplate.objects.create(
                office=office,
                service=self.service,
                weekday=weekday.value,
                starts_at=datetime.time(8, 0),
                ends_at=datetime.time(10, 0),
                slot_minutes=30,
                capacity=2,
            )

    # --- booking and cancelling, each confirmed, by keyboard alone ------------------------

    def test_a_citizen_books_and_cancels_an_appointment_only_after_confirming(self) -> None:
        self.walk(self._appointment_walk, "appointment")

    def _appointment_walk(self) -> None:
        page = self.page
        self._offer_slots()
        self.sign_in_as(self.citizen)
        self.go(reverse("appointments:book", args=[self.service.slug]))
        self.check("book")
        self.assertEqual(self.touch_targets_too_small(), [])
        # Keyboard only: to the first slot of Monday with Tab, Enter to choose it.
        slot = page.get_by_role("button", name="دوشنبه ۱۲ خرداد ۱۴۰۴ ساعت ۰۸:۳۰")
        self._tab_to(slot)
        page.keyboard.press("Enter")
        expect(page.locator("#confirm-when")).to_have_text("دوشنبه ۱۲ خرداد ۱۴۰۴ ساعت ۰۸:۳۰")
        expect(page.locator("#what-next li")).to_have_count(3)
        self.assertFalse(Appointment.objects.exists())  # the tap only asked
        self.check("book-confirm")
        self.assertEqual(self.touch_targets_too_small(), [])
        self._tab_to(page.get_by_role("button", name="تأیید و ثبت نوبت"))
        page.keyboard.press("Enter")
        expect(page.locator("#when")).to_have_text("دوشنبه ۱۲ خرداد ۱۴۰۴، ساعت ۰۸:۳۰")
        self.check("appointment")
        appointment = Appointment.objects.get()

        # Cancelling asks first, says what it means; «no» keeps it.
        page.get_by_role("link", name="لغو نوبت").click()
        expect(page.locator("#consequence")).to_contain_text("برگرداندنی نیست")
        self.check("cancel-confirm")
        page.get_by_role("link", name="نه، نوبت بماند").click()
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, AppointmentStatus.BOOKED)
        page.get_by_role("link", name="لغو نوبت").click()
        page.get_by_role("button", name="بله، نوبت را لغو کن").click()
        expect(page.locator(".alert-success")).to_contain_text("نوبت لغو شد")
        self.check("my-appointments")
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, AppointmentStatus.CANCELLED)

    # --- the apply form by keyboard alone ---------------------------------------------------

    def test_a_citizen_fills_the_apply_form_by_keyboard_alone(self) -> None:
        self.walk(self._keyboard_apply_walk, "keyboard-apply")

    def _keyboard_apply_walk(self) -> None:
        page = self.page
        self.sign_in_as(self.citizen)
        self.go(reverse("submissions:apply", args=[self.service.slug]))
        address = page.get_by_label("نشانی ملک")
        self._tab_to(address)
        page.keyboard.type("تهران، خیابان آزادی")
        # The file picker is reached by Tab too; the file is chosen by the system dialog.
        deed = page.get_by_label("تصویر سند")
        self._tab_to(deed)
        deed.set_input_files(self.file("sanad.pdf", PDF_BYTES))
        self._tab_to(page.get_by_role("button", name="ادامه", exact=True))
        page.keyboard.press("Enter")
        expect(page.locator("#check-answers")).to_contain_text("sanad.pdf")
        self._tab_to(page.get_by_role("button", name="تأیید و ثبت درخواست"))
        page.keyboard.press("Enter")
        expect(page.locator("#what-next")).to_be_visible()
        self.assertEqual(Submission.objects.count(), 1)

    # --- 200 % zoom, touch targets ----------------------------------------------------------

    def test_citizen_pages_lose_nothing_at_200_percent_zoom(self) -> None:
        self.walk(self._zoom_walk, "zoom")

    def _zoom_walk(self) -> None:
        self._offer_slots()
        self.sign_in_as(self.citizen)
        zoomed = self.browser.new_context(viewport=ZOOM_200, device_scale_factor=2, locale="fa-IR")
        self.addCleanup(zoomed.close)
        zoomed.add_cookies(self.context.cookies())  # type: ignore[arg-type]
        page = zoomed.new_page()
        for name, path in (
            ("home", reverse("catalog:home")),
            ("service", reverse("catalog:service_detail", args=[self.service.slug])),
            ("apply", reverse("submissions:apply", args=[self.service.slug])),
            ("book", reverse("appointments:book", args=[self.service.slug])),
            ("my-requests", reverse("submissions:my_requests")),
            ("track", reverse("submissions:track")),
        ):
            with self.subTest(page=name):
                page.goto(self.live_server_url + path)
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"zoom200-{name}.png"), full_page=True)
                width = page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, ZOOM_200["width"], f"{name} scrolls sideways")
                # The menu is reachable: the <details> opens and shows its links.
                menu = page.locator(".site-menu summary")
                if menu.is_visible():
                    menu.click()
                    expect(page.locator(".site-menu a").first).to_be_visible()

    def test_controls_on_citizen_pages_are_at_least_44_px(self) -> None:
        self.walk(self._targets_walk, "targets")

    def _targets_walk(self) -> None:
        self.sign_in_as(self.citizen)
        for path in (
            reverse("catalog:home"),
            reverse("catalog:service_detail", args=[self.service.slug]),
            reverse("submissions:apply", args=[self.service.slug]),
            reverse("submissions:track"),
        ):
            with self.subTest(path=path):
                self.go(path)
                self.assertEqual(self.touch_targets_too_small(), [], path)

    # --- inside -----------------------------------------------------------------------------

    def _tab_to(self, target: Any, limit: int = 80) -> None:
        """Press Tab until ``target`` has the focus (a keyboard user's way there)."""
        for _press in range(limit):
            if target.evaluate("e => e === document.activeElement"):
                return
            self.page.keyboard.press("Tab")
        self.fail(f"Tab never reached {target}")


class AgencyAdminWalkTests(BrowserTestCase):
    viewport_width = 1366

    def test_an_agency_admin_edits_the_form_and_sees_the_preview(self) -> None:
        self.walk(self._admin_walk, "admin-preview")

    def _admin_walk(self) -> None:
        page = self.page
        agency = create_agency()
        service = create_service(agency)
        admin = create_staff(agency, "agency-admin", Role.ADMIN)
        admin.is_staff = True
        admin.save()
        version = define_permit_workflow(service)
        self.sign_in_as(admin)
        # The admin pages of the job: axe at 360 and 1366 px, no sideways scrolling.
        for name, path in (
            ("admin-index", reverse("admin:index")),
            ("admin-services", reverse("admin:catalog_service_changelist")),
            ("admin-workflow", reverse("admin:workflow_workflowversion_change", args=[version.pk])),
            ("admin-departments", reverse("admin:workflow_department_changelist")),
            ("admin-offices", reverse("admin:appointments_office_changelist")),
        ):
            self.go(path)
            self.check(name)
            if name == "admin-workflow":  # the graph beside the editor
                expect(page.locator(".wf-graph")).to_be_visible()
        self.go(reverse("admin:catalog_service_change", args=[service.pk]))
        expect(page.locator("h1")).to_contain_text("خدمت")
        self.check("admin-service")
        frame = page.frame_locator("#form-preview-frame")
        expect(frame.locator("h1")).to_contain_text("ثبت درخواست: صدور پروانه ساختمانی")
        expect(frame.get_by_label("نشانی ملک")).to_be_visible()
        self.shot("admin-service-1366")
        # Typing a new label redraws the preview (JavaScript), nothing saved.
        label = page.locator("input[name='form_fields-0-label']")
        label.fill("نشانی کامل ملک")
        expect(frame.get_by_label("نشانی کامل ملک")).to_be_visible()
        self.shot("admin-service-edited-1366")
        # The preview is the citizen's page: axe finds nothing on it at either width.
        self.go(reverse("admin:catalog_service_preview", args=[service.pk]))
        self.check("admin-form-preview")
        # Without JavaScript the «پیش‌نمایش فرم» button does the same.
        nojs = self.browser.new_context(java_script_enabled=False, locale="fa-IR")
        self.addCleanup(nojs.close)
        nojs.add_cookies(self.context.cookies())  # type: ignore[arg-type]
        plain = nojs.new_page()
        plain.goto(
            self.live_server_url + reverse("admin:catalog_service_change", args=[service.pk])
        )
        plain.locator("input[name='form_fields-0-label']").fill("نشانی پستی ملک")
        plain.get_by_role("button", name="پیش‌نمایش فرم").click()
        redrawn = plain.frame_locator("#form-preview-frame").get_by_label("نشانی پستی ملک")
        expect(redrawn).to_be_visible()
        service.refresh_from_db()
        self.assertEqual(service.form_fields.get(name="address").label, "نشانی ملک")


class StaffTouchTargetTests(BrowserTestCase):
    """The staff pages of a working day: on a phone every control at least 44 × 44 px; axe
    finds nothing at 360 and 1366 px."""

    def setUp(self) -> None:
        super().setUp()
        # A fixed working Sunday, 1404/03/11 09:00 in Tehran (the live server shares the clock).
        now = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=TEHRAN)
        clock = mock.patch("django.utils.timezone.now", return_value=now)
        clock.start()
        self.addCleanup(clock.stop)
        self.agency = create_agency()
        self.service = create_service(self.agency, in_person_visits=1)
        define_permit_workflow(self.service)
        self.expert = create_staff(self.agency, "expert")
        give_position(self.expert, "پذیرش")
        self.manager = create_staff(self.agency, "manager", Role.MANAGER)
        citizen = create_citizen()
        self.submission = submission_services.submission_create(
            service=self.service,
            applicant=citizen,
            answers={"address": "تهران، خیابان آزادی"},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )
        office = Office.objects.create(
            agency=self.agency, name="دفتر مرکزی", address="تهران، خیابان انقلاب، پلاک ۱۰"
        )
        SlotTemplate.objects.create(
            office=office, service=self.service, weekday=Weekday.SUNDAY.value
        )
        starts = now + datetime.timedelta(hours=1)
        self.appointment = Appointment.objects.create(
            booking_code="123456789012",
            citizen=citizen,
            national_code=citizen.national_code or "",
            mobile=citizen.mobile,
            agency=self.agency,
            office=office,
            service=self.service,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=30),
            visit_on=starts.date(),
            created_by=citizen,
        )
        OutboundMessage.objects.create(
            to=citizen.mobile,
            channel=Channel.SMS,
            kind="status",
            body="درخواست شما ثبت شد.",
            reference=self.submission.tracking_code,
            agency=self.agency,
            status=MessageStatus.TEMPORARY_FAILURE,
            next_attempt_at=None,
        )

    def test_controls_on_staff_pages_are_at_least_44_px(self) -> None:
        self.walk(self._staff_targets_walk, "staff-targets")

    def test_on_a_phone_the_desk_shows_check_in_without_sideways_scrolling(self) -> None:
        self.walk(self._desk_on_a_phone, "desk-phone")

    @mock.patch.object(submission_selectors, "INBOX_PAGE_SIZE", 1)
    def test_the_inbox_pages_by_links_that_pass_axe(self) -> None:
        self.walk(self._inbox_pages, "inbox-pages")

    def _inbox_pages(self) -> None:
        submission_services.submission_create(
            service=self.service,
            applicant=create_citizen("0012345679", "+989121111111"),
            answers={"address": "تهران، خیابان انقلاب"},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )
        self.sign_in_as(self.expert)
        self.go(reverse("submissions:inbox"))
        expect(self.page.locator("main")).to_contain_text("ردیف ۱ تا ۱ از ۲")
        self.assertEqual(self.touch_targets_too_small(), [])
        self.check("staff-inbox-page-1")
        self.page.get_by_role("link", name="بعدی: ردیف ۲ به بعد").click()
        expect(self.page.locator("main")).to_contain_text("ردیف ۲ تا ۲ از ۲")
        self.assertEqual(self.touch_targets_too_small(), [])
        self.check("staff-inbox-page-2")
        self.page.get_by_role("link", name="صفحهٔ اول").click()
        expect(self.page.locator("main")).to_contain_text("ردیف ۱ تا ۱ از ۲")
        # The search, typed as a clerk would: the second applicant's national code in Persian.
        self.page.get_by_label("جستجو", exact=True).fill("۰۰۱۲۳۴۵۶۷۹")
        self.page.get_by_role("button", name="جستجو").click()
        expect(self.page.locator("#inbox-title")).to_contain_text("یافته‌ها در کارتابل")
        expect(self.page.locator("main")).to_contain_text("ردیف ۱ تا ۱ از ۱")
        self.assertEqual(self.touch_targets_too_small(), [])
        self.check("staff-inbox-search")

    def _desk_on_a_phone(self) -> None:
        self.sign_in_as(self.expert)
        self.page.set_viewport_size(self._size(360))
        self.go(reverse("appointments:desk"))
        today = self.page.locator("#today")
        box = today.get_by_role("button", name="ثبت حضور").bounding_box()
        assert box is not None
        self.assertGreaterEqual(box["x"], 0)
        self.assertLessEqual(box["x"] + box["width"], 360)
        # The list itself does not scroll sideways either (each appointment is a card).
        hidden = self.page.evaluate(
            "() => { const t = document.querySelector('#today').parentElement;"
            " return t.scrollWidth - t.clientWidth; }"
        )
        self.assertEqual(hidden, 0)
        self.assertEqual(self.touch_targets_too_small(), [])
        self.check("staff-desk-phone")

    def _staff_targets_walk(self) -> None:
        code = self.submission.tracking_code
        pages = (
            (self.expert, "inbox", reverse("submissions:inbox")),
            (self.expert, "staff-request", reverse("submissions:staff_request", args=[code])),
            (self.manager, "desk", reverse("appointments:desk")),
            (self.manager, "desk-found", reverse("appointments:desk") + "?q=123456789012"),
            (self.manager, "messages", reverse("notifications:failures")),
            (self.manager, "capacity", reverse("appointments:capacity")),
            (self.manager, "frontdesk", reverse("frontdesk:home")),
        )
        for user, name, path in pages:
            with self.subTest(page=name):
                self.context.clear_cookies()
                self.sign_in_as(user)
                self.go(path)
                self.assertEqual(self.touch_targets_too_small(), [], name)
                self.check(f"staff-{name}")  # axe at 360 and 1366 px, screenshots of both
