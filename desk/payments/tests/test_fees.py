"""Fees set by staff with a reason, chosen by the citizen from options, and the revenue report."""

from __future__ import annotations

import io

from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from desk.lib.jalali import to_jalali
from desk.payments.models import Charge, ChargeState, FeeKind, FeeOption, Payment
from desk.payments.tests.base import FEE, PaymentTestCase


class StaffFeeTests(PaymentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.fee.kind = FeeKind.STAFF
        self.fee.save()

    def test_staff_set_the_amount_with_a_reason_the_citizen_reads(self) -> None:
        submission = self.submission_at_payment()
        self.assertFalse(Charge.objects.exists())
        self.client.force_login(self.cashier)
        page = self.client.get(
            reverse("submissions:staff_request", args=[submission.tracking_code])
        )
        self.assertContains(page, "تعیین مبلغ این مرحله")
        url = f"/payments/staff/requests/{submission.tracking_code}/charge/"
        response = self.client.post(url, {"amount": "", "reason": ""})
        self.assertContains(response, "مبلغ را به ریال وارد کنید", status_code=400)
        response = self.client.post(url, {"amount": "۳۵۰٬۰۰۰۰", "reason": "زیربنای ۲۰۰ متر"})
        self.assertEqual(response.status_code, 302)
        charge = Charge.objects.get()
        self.assertEqual((charge.amount, charge.reason), (3_500_000, "زیربنای ۲۰۰ متر"))
        self.client.force_login(self.citizen)
        pay = self.client.get(f"/payments/requests/{submission.tracking_code}/")
        self.assertContains(pay, "زیربنای ۲۰۰ متر")
        self.assertContains(pay, "۳۵۰٬۰۰۰ تومان")

    def test_only_who_works_the_payment_step_sets_the_amount(self) -> None:
        # Staff of the agency at another step (intake, technical review) set no fee.
        submission = self.submission_at_payment()
        url = f"/payments/staff/requests/{submission.tracking_code}/charge/"
        page_url = reverse("submissions:staff_request", args=[submission.tracking_code])
        for person in (self.intake, self.engineer):
            with self.subTest(person=person.username):
                self.client.force_login(person)
                page = self.client.get(page_url)
                if page.status_code == 200:
                    self.assertNotContains(page, "تعیین مبلغ این مرحله")
                refused = self.client.post(url, {"amount": "1000", "reason": "بدون نقش"})
                self.assertIn(refused.status_code, (400, 404))
                self.assertFalse(Charge.objects.exists())
        self.client.force_login(self.cashier)
        response = self.client.post(url, {"amount": "2000", "reason": "زیربنا"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Charge.objects.get().created_by, self.cashier)

    def test_an_amount_in_odd_digits_or_too_large_is_refused_in_persian(self) -> None:
        submission = self.submission_at_payment()
        self.client.force_login(self.cashier)
        url = f"/payments/staff/requests/{submission.tracking_code}/charge/"
        for amount, message in (
            ("²", "مبلغ را فقط با رقم و به ریال بنویسید."),
            ("9" * 30, "این مبلغ بیش از اندازه است"),
        ):
            with self.subTest(amount=amount):
                r = self.client.post(url, {"amount": amount, "reason": "زیربنا"})
                self.assertContains(r, message, status_code=400)
                self.assertContains(r, "زیربنا", status_code=400)  # what was typed is kept
        self.assertFalse(Charge.objects.exists())

    def test_another_agency_cannot_set_an_amount(self) -> None:
        submission = self.submission_at_payment()
        self.client.force_login(self.outsider)
        url = f"/payments/staff/requests/{submission.tracking_code}/charge/"
        self.assertEqual(self.client.post(url, {"amount": "1000", "reason": "x"}).status_code, 404)
        self.assertFalse(Charge.objects.exists())


class OptionFeeTests(PaymentTestCase):
    def test_the_citizen_chooses_an_option_then_pays_its_amount(self) -> None:
        self.fee.kind = FeeKind.OPTIONS
        self.fee.save()
        FeeOption.objects.create(fee=self.fee, label="مسکونی", amount=1_000_000, order=1)
        FeeOption.objects.create(fee=self.fee, label="تجاری", amount=5_000_000, order=2)
        submission = self.submission_at_payment()
        charge = Charge.objects.get()
        self.assertTrue(charge.needs_choice)
        self.client.force_login(self.citizen)
        page = self.client.get(f"/payments/requests/{submission.tracking_code}/")
        self.assertContains(page, "تجاری — ۵۰۰٬۰۰۰ تومان")
        response = self.client.post(f"/payments/charges/{charge.public_id}/pay/", follow=True)
        self.assertContains(response, "گزینه")
        self.assertFalse(Payment.objects.exists())
        self.client.post(
            f"/payments/charges/{charge.public_id}/choose/", {f"c{charge.pk}-option": "1"}
        )
        charge.refresh_from_db()
        self.assertEqual((charge.amount, charge.option_label), (5_000_000, "تجاری"))
        payment = self.start(charge)
        self.come_back(self.bank(payment))
        self.assertEqual(Charge.objects.get(pk=charge.pk).state, ChargeState.PAID)


class RevenueTests(PaymentTestCase):
    def test_revenue_per_service_and_month_exports_to_excel(self) -> None:
        submission = self.submission_at_payment()
        payment = self.start(Charge.objects.get(submission=submission))
        self.come_back(self.bank(payment))
        payment.refresh_from_db()
        assert payment.settled_at is not None
        year = to_jalali(payment.settled_at).year
        self.client.force_login(self.manager)
        page = self.client.get("/payments/staff/revenue/", {"year": year})
        self.assertContains(page, "صدور پروانه ساختمانی")
        self.assertContains(page, "۱٬۲۰۰٬۰۰۰ ریال")
        xlsx = self.client.get("/payments/staff/revenue.xlsx", {"year": year})
        self.assertEqual(xlsx.status_code, 200)
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        self.assertTrue(sheet.sheet_view.rightToLeft)
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "خدمت")
        self.assertEqual(rows[1][0], "صدور پروانه ساختمانی")
        self.assertEqual(rows[1][3], FEE)
        self.assertEqual(rows[-1][3], FEE)

    def test_a_manager_finds_the_revenue_page_and_a_wrong_year_is_said_in_persian(self) -> None:
        self.client.force_login(self.manager)
        home = self.client.get("/requests/staff/")
        self.assertContains(home, 'href="/payments/staff/revenue/"')
        page = self.client.get("/payments/staff/revenue/", {"year": "۱۳۸۵"})
        self.assertContains(page, "سالی از ۱۳۹۰ تا ۱۵۰۰ بنویسید؛ مثلاً ۱۴۰۵.")
        self.assertContains(page, 'value="۱۳۸۵"')
        self.assertContains(page, "<title>خطا: ", html=False)
        self.assertNotContains(page, "revenue.xlsx")
        this_year = self.client.get("/payments/staff/revenue/", {"year": "۱۴۰۵"})
        self.assertContains(this_year, "درآمد خدمات در سال ۱۴۰۵")

    def test_experts_and_other_agencies_do_not_see_revenue(self) -> None:
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get("/payments/staff/revenue/").status_code, 404)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get("/payments/staff/revenue/").status_code, 404)


class FakeGatewayTests(PaymentTestCase):
    def test_the_fake_gateway_is_closed_where_it_is_not_allowed(self) -> None:
        submission = self.submission_at_payment()
        charge = Charge.objects.get(submission=submission)
        payment = self.start(charge)
        with override_settings(PAYMENT_FAKE_ALLOWED=False):
            self.assertEqual(
                self.client.get(f"/payments/fake-gateway/{payment.token}/").status_code, 404
            )
            response = self.client.post(f"/payments/charges/{charge.public_id}/pay/", follow=True)
        self.assertContains(response, "درگاه بانک اکنون پاسخ نمی‌دهد")


class RevenueByAgencyTests(PaymentTestCase):
    """The selector oversight reads: every agency's revenue per service and month."""

    def test_it_sums_settled_payments_per_agency_service_and_month(self) -> None:
        from desk.payments.selectors import revenue_by_agency

        submission = self.submission_at_payment()
        payment = self.start(Charge.objects.get(submission=submission))
        self.come_back(self.bank(payment))
        payment.refresh_from_db()
        assert payment.settled_at is not None
        when = to_jalali(payment.settled_at)
        (row,) = revenue_by_agency(year=when.year)
        self.assertEqual((row.agency_id, row.service), (self.agency.pk, "صدور پروانه ساختمانی"))
        self.assertEqual(
            (row.month_number, row.payments, row.amount, row.net), (when.month, 1, FEE, FEE)
        )
        self.assertEqual(revenue_by_agency(year=when.year, agency_ids=[self.agency.pk + 999]), [])
        self.assertEqual(revenue_by_agency(year=when.year - 1), [])
