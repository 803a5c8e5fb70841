"""Paying a fee in a real browser: the citizen at a payment step pays through the fake gateway
and the request moves on; a citizen who gives up at the bank can try again. Each page is
checked with axe-core (WCAG 2.1 A/AA) at 360 and 1366 px (desk/tests/browser.py)."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.core.forms import check_document
from desk.payments.models import (
    Charge,
    ChargeState,
    FeeKind,
    GatewayAccount,
    Payment,
    PaymentState,
    Provider,
    ServiceFee,
)
from desk.submissions import services as submissions
from desk.submissions.models import Status, Submission
from desk.submissions.selectors import inbox_for_staff
from desk.test import (
    PDF_BYTES,
    create_agency,
    create_citizen,
    create_service,
    create_staff,
    define_permit_workflow,
    give_position,
    isolate_cache,
)
from desk.tests.browser import BrowserTestCase, expect

if TYPE_CHECKING:
    from playwright.sync_api import Page


class PaymentBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        isolate_cache()
        overrides = override_settings(PAYMENT_FAKE_ALLOWED=True, SITE_URL=self.live_server_url)
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.agency = create_agency()
        self.service = create_service(self.agency)
        define_permit_workflow(self.service)
        ServiceFee.objects.create(
            service=self.service, kind=FeeKind.FIXED, amount=1_200_000, purpose="عوارض پروانه"
        )
        GatewayAccount.objects.create(agency=self.agency, provider=Provider.FAKE)
        self.citizen = create_citizen()

    def _at_payment(self) -> Any:
        staff = {}
        for name, department in (("intake", "پذیرش"), ("engineer", "فنی")):
            staff[name] = create_staff(self.agency, name)
            give_position(staff[name], department)
        submission = self._filed()
        for actor, action in (
            ("intake", "start_review"),
            ("intake", "accept"),
            ("engineer", "approve"),
        ):
            submissions.submission_transition(
                submission_id=submission.pk, actor=staff[actor], action=action
            )
        # Announced after commit: the live server's test transaction never commits here.
        from desk.payments.services import charge_for_step

        submission.refresh_from_db()
        charge_for_step(submission_id=submission.pk, step_id=submission.current_step_id)
        return submission

    def _filed(self) -> Submission:
        upload = SimpleUploadedFile("deed.pdf", PDF_BYTES)
        check_document(upload)
        return submissions.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران"},
            files={"deed": upload},
            idempotency_key=uuid.uuid4(),
        )

    def _sign_in(self) -> None:
        self.sign_in_as(self.citizen)

    def _check(self, page: Page, name: str) -> None:
        self.assertEqual(page.locator("html").get_attribute("dir"), "rtl")
        self.check(f"payments-{name}")

    def test_a_citizen_pays_at_the_payment_step_and_the_request_moves_on(self) -> None:
        submission = self._at_payment()
        self._sign_in()
        page = self.page
        code = submission.tracking_code
        page.goto(self.live_server_url + reverse("submissions:my_request", args=[code]))
        expect(page.locator("#payments")).to_contain_text("۱۲۰٬۰۰۰ تومان")
        page.locator("#payments").get_by_role("link", name="پرداخت").click()
        expect(page.locator("#amount")).to_have_text("۱۲۰٬۰۰۰ تومان")
        self._check(page, "01-pay")
        page.get_by_role("button", name="پرداخت").click()
        expect(page.get_by_role("heading", name="درگاه پرداخت آزمایشی")).to_be_visible()
        self._check(page, "02-fake-gateway")
        page.get_by_role("button", name="پرداخت موفق").click()
        expect(page.locator("#payment-result")).to_contain_text("انجام شد")
        self._check(page, "03-paid")
        page.get_by_role("link", name="رسید پرداخت").click()
        expect(page.locator("#receipt-amount")).to_have_text("۱٬۲۰۰٬۰۰۰ ریال")
        self._check(page, "04-receipt")
        submission.refresh_from_db()
        self.assertEqual(submission.current_step.key if submission.current_step else "", "decision")
        charge = Charge.objects.get(submission=submission)
        self.assertEqual(charge.state, ChargeState.PAID)

    def test_a_citizen_who_gives_up_at_the_bank_can_pay_again(self) -> None:
        submission = self._at_payment()
        self._sign_in()
        page = self.page
        page.goto(f"{self.live_server_url}/payments/requests/{submission.tracking_code}/")
        page.get_by_role("button", name="پرداخت").click()
        page.get_by_role("button", name="انصراف").click()
        expect(page.locator("#payment-result")).to_contain_text("پرداخت انجام نشد")
        self._check(page, "05-failed")
        page.get_by_role("link", name="تلاش دوباره برای پرداخت").click()
        page.get_by_role("button", name="پرداخت").click()
        page.get_by_role("button", name="پرداخت موفق").click()
        expect(page.locator("#payment-result")).to_contain_text("انجام شد")
        states = sorted(Charge.objects.get().payments.values_list("state", flat=True))
        self.assertEqual(states, sorted([PaymentState.FAILED, PaymentState.SETTLED]))

    def test_a_fee_paid_at_application_holds_the_request_until_paid_with_a_retry(self) -> None:
        """«ثبت» leads straight to paying; the request waits «در انتظار پرداخت» (out of the
        inbox) through a payment given up at the bank, and goes to the agency once paid."""
        self.service.pay_at_application = True
        self.service.save()
        intake = create_staff(self.agency, "intake")
        give_position(intake, "پذیرش")
        self._sign_in()
        page = self.page
        page.goto(self.live_server_url + reverse("submissions:apply", args=[self.service.slug]))
        page.get_by_label("نشانی ملک").fill("تهران، خیابان آزادی، پلاک ۱۲")
        page.get_by_label("تصویر سند").set_input_files(self.file("deed.pdf", PDF_BYTES))
        page.get_by_role("button", name="ادامه", exact=True).click()
        page.get_by_role("button", name="تأیید و ثبت درخواست").click()

        # Straight on to paying: the request is filed but waits for its fee.
        expect(page.locator("#awaiting-payment")).to_contain_text("در انتظار پرداخت")
        expect(page.locator("#amount")).to_have_text("۱۲۰٬۰۰۰ تومان")
        submission = Submission.objects.get()
        self.assertEqual(submission.status, Status.AWAITING_PAYMENT)
        self.assertNotIn(submission, inbox_for_staff(intake.staff))
        self._check(page, "10-pay-at-application")
        page.get_by_role("button", name="پرداخت").click()
        page.get_by_role("button", name="انصراف").click()  # gives up at the bank
        expect(page.locator("#payment-result")).to_contain_text("پرداخت انجام نشد")

        # Their request page says what it waits for, with the way to pay.
        page.goto(
            self.live_server_url
            + reverse("submissions:my_request", args=[submission.tracking_code])
        )
        expect(page.locator(".status-unpaid")).to_have_text("در انتظار پرداخت")
        expect(page.locator("#next-step")).to_contain_text("برای دستگاه فرستاده نمی‌شود")
        self._check(page, "11-request-awaiting-payment")
        page.locator("#next-step-link").click()
        page.get_by_role("button", name="پرداخت").click()
        page.get_by_role("button", name="پرداخت موفق").click()
        expect(page.locator("#released")).to_contain_text("به کارتابل دستگاه فرستاده شد")
        self._check(page, "12-paid-and-submitted")
        submission.refresh_from_db()
        self.assertEqual(submission.status, Status.SUBMITTED)
        self.assertIn(submission, inbox_for_staff(intake.staff))
        states = sorted(Charge.objects.get().payments.values_list("state", flat=True))
        self.assertEqual(states, sorted([PaymentState.FAILED, PaymentState.SETTLED]))

    def test_an_unpaid_request_that_expired_says_how_to_apply_again(self) -> None:
        """The request page, the public tracking page and the payment page of a request whose
        fee paid at application was not paid in time."""
        from desk.payments.services import charge_for_step, unpaid_expire

        self.service.pay_at_application = True
        self.service.unpaid_expiry_hours = 24
        self.service.save()
        submission = self._filed()
        charge_for_step(submission_id=submission.pk, step_id=None)
        Submission.objects.filter(pk=submission.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(hours=25)
        )
        self.assertEqual(unpaid_expire(), {"expired": 1, "kept": 0})
        code = submission.tracking_code
        page = self.page

        page.goto(self.live_server_url + reverse("submissions:track"))
        page.get_by_label("کد رهگیری").fill(code)
        page.get_by_label("کد ملی").fill(self.citizen.national_code or "")
        page.get_by_role("button", name="پیگیری").click()
        expect(page.locator(".status-expired")).to_have_text("منقضی‌شده؛ هزینه پرداخت نشد")
        expect(page.locator("#next-step")).to_contain_text("درخواست تازه‌ای ثبت کنید")
        self._check(page, "20-expired-tracking")

        self._sign_in()
        page.goto(self.live_server_url + reverse("submissions:my_request", args=[code]))
        expect(page.locator("#next-step")).to_contain_text("در مهلت پرداخت نشد")
        self._check(page, "21-expired-request")
        page.goto(self.live_server_url + reverse("payments:request", args=[code]))
        expect(page.locator("#expired")).to_contain_text("دیگر نمی‌توانید برای آن پرداخت کنید")
        self._check(page, "22-expired-payment-page")
        page.locator("#expired").get_by_role("link", name="درخواست دوباره این خدمت").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(self.service.title)

    def test_a_manager_confirms_a_refund_on_a_page_of_its_own(self) -> None:
        submission = self._at_payment()
        charge = Charge.objects.get(submission=submission)
        payment = Payment.objects.create(
            charge=charge,
            agency=self.agency,
            provider=Provider.FAKE,
            amount=charge.amount,
            state=PaymentState.SETTLED,
            reference="100000042",
        )
        manager = create_staff(self.agency, "boss", Role.MANAGER)
        give_position(manager, "درآمد", role="manager")
        self.sign_in_as(manager)
        page = self.page
        page.goto(self.live_server_url + reverse("payments:staff_refund", args=[payment.public_id]))
        page.get_by_label("مبلغ استرداد (ریال)").fill("۲۰۰۰۰۰")
        page.get_by_label("علت استرداد (برای متقاضی پیامک می‌شود)").fill("محاسبه نادرست")
        page.get_by_role("button", name="ثبت استرداد").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("آیا مطمئن هستید")
        expect(page.locator("#refund-amount")).to_have_text("۲۰۰٬۰۰۰ ریال")
        self._check(page, "13-refund-confirm")
        payment.refresh_from_db()
        self.assertEqual(payment.refunded_amount, 0)
        page.get_by_role("button", name="بله، استرداد ثبت شود").click()
        page.wait_for_url(
            "**" + reverse("submissions:staff_request", args=[submission.tracking_code])
        )
        payment.refresh_from_db()
        self.assertEqual(payment.refunded_amount, 200_000)
