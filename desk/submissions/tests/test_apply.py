"""The application form, built from the service's FormField rows."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from desk.catalog.models import FieldKind, FormField
from desk.submissions.models import AttachmentKind, Submission
from desk.submissions.tests.base import SubmissionTestCase, upload
from desk.test import PNG_BYTES, create_service

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

FIELDS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("owner_name", "نام مالک", FieldKind.TEXT, {}),
    ("description", "شرح درخواست", FieldKind.TEXTAREA, {}),
    ("area", "مساحت (متر مربع)", FieldKind.NUMBER, {}),
    ("owner_code", "کد ملی مالک", FieldKind.NATIONAL_CODE, {}),
    ("owner_mobile", "تلفن همراه مالک", FieldKind.MOBILE, {}),
    ("postal_code", "کد پستی ملک", FieldKind.POSTAL_CODE, {}),
    ("deed_date", "تاریخ سند", FieldKind.DATE, {}),
    ("usage", "کاربری", FieldKind.CHOICE, {"choices": "مسکونی\nتجاری\nاداری"}),
    ("has_permit", "پروانه قبلی دارد؟", FieldKind.YES_NO, {}),
    ("plan", "نقشه", FieldKind.FILE, {}),
]


class ApplyTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.kinds = create_service(self.agency, slug="all-kinds", title="خدمت همه فیلدها")
        self.kinds.form_fields.all().delete()
        for order, (name, label, kind, extra) in enumerate(FIELDS, start=1):
            FormField.objects.create(
                service=self.kinds, order=order, name=name, label=label, kind=kind, **extra
            )
        self.url = reverse("submissions:apply", args=[self.kinds.slug])

    def valid_data(self, **changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "idempotency_key": str(uuid.uuid4()),
            "owner_name": "علي كريمي",
            "description": "ساختمان دو طبقه\nبا زیرزمین",
            "area": "۱۲٬۵۰۰",
            "owner_code": "۰۰۸۴۵۷۵۹۴۸",
            "owner_mobile": "۰۹۱۲ ۳۴۵ ۶۷۸۹",
            "postal_code": "۱۴۳۳۸-۱۳۱۱۷",
            "deed_date_0": "۱۰",
            "deed_date_1": "۰۱",
            "deed_date_2": "۱۴۰۴",
            "usage": "تجاری",
            "has_permit": "yes",
            "plan": upload("plan.png", PNG_BYTES),
        }
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    def post(self, data: dict[str, Any]) -> Response:
        """The form, then «check your answers» and send (what a citizen does)."""
        self.client.force_login(self.citizen)
        r = self.client.post(self.url, data)
        check = reverse("submissions:apply_check", args=[self.kinds.slug])
        if r.status_code == 302 and r["Location"] == check:
            return self.client.post(check)
        return r

    def assert_refused(self, r: Response, field: str, message: str, *typed: str) -> None:
        self.assertEqual(r.status_code, 200)
        self.assertIn(message, r.context["form"].errors[field])
        self.assertContains(r, message)
        self.assertContains(r, "is-invalid")
        for text in typed:
            self.assertContains(r, text)
        self.assertFalse(Submission.objects.exists())

    def test_it_shows_a_field_for_each_form_field(self) -> None:
        self.client.force_login(self.citizen)
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        for name, label, _kind, _extra in FIELDS:
            self.assertContains(r, label)
            self.assertIn(name, r.context["form"].fields)
        self.assertContains(r, 'name="idempotency_key"')

    def test_it_stores_every_kind_normalised(self) -> None:
        r = self.post(self.valid_data())
        submission = Submission.objects.get()
        self.assertRedirects(r, reverse("submissions:receipt", args=[submission.tracking_code]))
        plan = submission.attachments.get()
        self.assertEqual(
            submission.data,
            {
                "owner_name": "علی کریمی",
                "description": "ساختمان دو طبقه\nبا زیرزمین",
                "area": 12500,
                "owner_code": "0084575948",
                "owner_mobile": "+989123456789",
                "postal_code": "1433813117",
                "deed_date": "2025-03-30",
                "usage": "تجاری",
                "has_permit": "yes",
                "plan": str(plan.public_id),
            },
        )
        self.assertEqual(plan.kind, AttachmentKind.DOCUMENT)
        self.assertEqual(plan.field_name, "plan")
        self.assertEqual(plan.label, "نقشه")

    def test_it_accepts_arabic_indic_digits_in_numbers(self) -> None:
        self.post(self.valid_data(area="٣٤"))
        self.assertEqual(Submission.objects.get().data["area"], 34)

    def test_it_pads_a_short_national_code(self) -> None:
        self.post(self.valid_data(owner_code="84575948"))
        self.assertEqual(Submission.objects.get().data["owner_code"], "0084575948")

    def test_it_accepts_the_international_mobile_form(self) -> None:
        self.post(self.valid_data(owner_mobile="+98 912 345 6789"))
        self.assertEqual(Submission.objects.get().data["owner_mobile"], "+989123456789")

    def test_it_shows_the_stored_answers_in_persian_on_the_receipt(self) -> None:
        self.post(self.valid_data())
        submission = Submission.objects.get()
        r = self.client.get(reverse("submissions:receipt", args=[submission.tracking_code]))
        self.assertContains(r, "۱۴۰۴/۰۱/۱۰")
        self.assertContains(r, "۰۹۱۲۳۴۵۶۷۸۹")
        self.assertContains(r, "بله")
        self.assertContains(r, "plan.png")
        self.assertContains(r, "ساختمان دو طبقه<br>با زیرزمین")

    def test_it_escapes_answers_when_showing_them(self) -> None:
        self.post(self.valid_data(description="<script>alert(1)</script>\nخط دوم"))
        submission = Submission.objects.get()
        r = self.client.get(reverse("submissions:receipt", args=[submission.tracking_code]))
        self.assertNotContains(r, "<script>alert")
        self.assertContains(r, "&lt;script&gt;alert(۱)&lt;/script&gt;<br>خط دوم")

    def test_it_refuses_too_long_text_and_keeps_it(self) -> None:
        r = self.post(self.valid_data(owner_name="الف" * 201))
        self.assert_refused(r, "owner_name", r.context["form"].errors["owner_name"][0], "الف" * 201)
        self.assertIn("حداکثر", r.context["form"].errors["owner_name"][0])

    def test_it_refuses_too_long_textarea_and_keeps_it(self) -> None:
        text = "ب" * 4001
        r = self.post(self.valid_data(description=text))
        self.assert_refused(r, "description", r.context["form"].errors["description"][0], text)
        self.assertIn("حداکثر", r.context["form"].errors["description"][0])

    def test_it_refuses_a_word_for_a_number_and_keeps_it(self) -> None:
        r = self.post(self.valid_data(area="دوازده"))
        self.assert_refused(
            r, "area", "«مساحت (متر مربع)» را فقط با رقم بنویسید؛ مثلاً ۲.", "دوازده", "علي كريمي"
        )

    def test_it_refuses_a_wrong_national_code_and_keeps_it(self) -> None:
        r = self.post(self.valid_data(owner_code="0084575949"))
        self.assert_refused(r, "owner_code", "کد ملی واردشده معتبر نیست.", "0084575949")

    def test_it_refuses_a_landline_as_mobile_and_keeps_it(self) -> None:
        r = self.post(self.valid_data(owner_mobile="02112345678"))
        self.assert_refused(
            r,
            "owner_mobile",
            "شماره همراه معتبر نیست؛ آن را به شکل ۰۹۱۲۳۴۵۶۷۸۹ وارد کنید.",
            "02112345678",
        )

    def test_it_refuses_a_short_postal_code_and_keeps_it(self) -> None:
        r = self.post(self.valid_data(postal_code="۱۲۳۴۵"))
        self.assert_refused(r, "postal_code", "کد پستی باید ۱۰ رقم باشد.", "۱۲۳۴۵")

    def test_it_refuses_a_date_that_does_not_exist_and_keeps_it(self) -> None:
        r = self.post(self.valid_data(deed_date_1="۱۳"))
        self.assert_refused(r, "deed_date", "این تاریخ در تقویم وجود ندارد.", 'value="۱۳"')

    def test_it_refuses_a_gregorian_looking_text_as_date(self) -> None:
        r = self.post(self.valid_data(deed_date_1="March", deed_date_0="30"))
        self.assert_refused(r, "deed_date", "روز، ماه و سال را با رقم بنویسید.", "March")

    def test_it_refuses_a_gregorian_year(self) -> None:
        r = self.post(self.valid_data(deed_date_2="2025"))
        self.assert_refused(r, "deed_date", "سال را شمسی و با چهار رقم بنویسید، مثلاً ۱۳۶۸.")

    def test_it_asks_for_the_missing_part_of_a_date(self) -> None:
        r = self.post(self.valid_data(deed_date_0=""))
        self.assert_refused(r, "deed_date", "«تاریخ سند» باید روز، ماه و سال داشته باشد.")

    def test_it_refuses_an_unknown_choice_and_keeps_the_other_answers(self) -> None:
        r = self.post(self.valid_data(usage="صنعتی"))
        error = r.context["form"].errors["usage"][0]
        self.assertIn("گزینهٔ معتبر", error)
        self.assert_refused(r, "usage", error, "۱۲٬۵۰۰", 'value="۱۴۰۴"')

    def test_it_keeps_the_chosen_option_when_another_field_fails(self) -> None:
        r = self.post(self.valid_data(owner_code="0084575949", usage="اداری", has_permit="no"))
        self.assertContains(r, '<option value="اداری" selected>', html=False)
        self.assertContains(
            r,
            '<input type="radio" name="has_permit" value="no" class="form-check-input"'
            ' id="id_has_permit_1" required checked>',
            html=True,
        )

    def test_it_refuses_an_answer_other_than_yes_or_no(self) -> None:
        r = self.post(self.valid_data(has_permit="maybe"))
        self.assert_refused(r, "has_permit", r.context["form"].errors["has_permit"][0])
        self.assertIn("گزینهٔ معتبر", r.context["form"].errors["has_permit"][0])

    def test_it_refuses_a_file_that_is_not_a_document_and_keeps_the_rest(self) -> None:
        r = self.post(self.valid_data(plan=upload("plan.pdf", b"just some text")))
        self.assert_refused(
            r, "plan", "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.", "علي كريمي"
        )
        # A refused file is not kept: the question asks for another one.
        self.assertNotContains(r, "پرونده انتخاب‌شده")
        self.assertNotContains(r, 'name="plan__staged"')

    def test_an_empty_post_gets_the_required_messages_not_an_error_page(self) -> None:
        # No body at all (not even the form's hidden key): bound, so every question says so.
        self.client.force_login(self.citizen)
        r = self.client.post(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "«نام مالک» را وارد کنید.")
        self.assertFalse(Submission.objects.exists())

    def test_it_requires_required_fields(self) -> None:
        r = self.post({"idempotency_key": str(uuid.uuid4())})
        self.assertEqual(r.status_code, 200)
        form = r.context["form"]
        self.assertEqual(form.errors["owner_name"], ["«نام مالک» را وارد کنید."])
        self.assertEqual(form.errors["plan"], ["«نقشه» را بارگذاری کنید."])
        self.assertEqual(form.errors["usage"], ["یکی از گزینه‌های «کاربری» را انتخاب کنید."])
        self.assertEqual(
            form.errors["has_permit"], ["برای «پروانه قبلی دارد؟» بله یا خیر را انتخاب کنید."]
        )
        self.assertEqual(form.errors["deed_date"], ["«تاریخ سند» را وارد کنید."])
        # The summary lists every error as a link to its field; the title says «خطا:».
        for name, _label, kind, _extra in FIELDS:
            target = "_0" if kind in (FieldKind.YES_NO, FieldKind.DATE) else ""
            self.assertContains(r, f'<a href="#id_{name}{target}">{form.errors[name][0]}</a>')
        self.assertContains(r, "<title>خطا: ")
        self.assertFalse(Submission.objects.exists())

    def test_it_lets_optional_fields_stay_empty(self) -> None:
        self.kinds.form_fields.exclude(name="owner_name").update(required=False)
        r = self.post({"idempotency_key": str(uuid.uuid4()), "owner_name": "مریم"})
        submission = Submission.objects.get()
        self.assertRedirects(r, reverse("submissions:receipt", args=[submission.tracking_code]))
        self.assertEqual(submission.data, {"owner_name": "مریم"})

    def test_it_sends_anonymous_users_to_citizen_sign_in(self) -> None:
        r = self.client.get(self.url)
        self.assertRedirects(
            r, f"{reverse('accounts:citizen_login')}?next={self.url}", fetch_redirect_response=False
        )
        r = self.client.post(self.url, self.valid_data())
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith(reverse("accounts:citizen_login")))
        self.assertFalse(Submission.objects.exists())

    def test_staff_may_not_apply_as_themselves_on_the_citizen_pages(self) -> None:
        # They file for a citizen through the in-person desk (desk/frontdesk), with consent.
        self.client.force_login(self.expert)
        r = self.client.post(self.url, self.valid_data(), follow=True)
        self.assertRedirects(r, reverse("catalog:service_detail", args=[self.kinds.slug]))
        self.assertContains(r, "ثبت درخواست فقط با ورود شهروند")
        self.assertFalse(Submission.objects.exists())
        self.client.force_login(self.manager)  # who serves at the desk is pointed to it
        r = self.client.post(self.url, self.valid_data(), follow=True)
        self.assertContains(r, "از «میز خدمت حضوری» استفاده کنید")
        self.assertFalse(Submission.objects.exists())

    def test_it_does_not_let_staff_with_a_national_code_apply(self) -> None:
        self.expert.national_code = "2223334441"
        self.expert.mobile = "+989121110000"
        self.expert.save()
        self.client.force_login(self.expert)
        r = self.client.post(self.url, self.valid_data())
        self.assertRedirects(
            r,
            reverse("catalog:service_detail", args=[self.kinds.slug]),
            fetch_redirect_response=False,
        )
        self.assertFalse(Submission.objects.exists())

    def test_it_404s_for_a_service_that_does_not_accept_online_requests(self) -> None:
        self.kinds.accepts_online = False
        self.kinds.save()
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url, self.valid_data()).status_code, 404)
        self.assertFalse(Submission.objects.exists())

    def test_it_404s_for_an_unpublished_service(self) -> None:
        self.kinds.is_published = False
        self.kinds.save()
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(self.url).status_code, 404)
