from __future__ import annotations

import json

from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from desk.audit.models import AuditEntry
from desk.complaints import services
from desk.complaints.models import About, Complaint, ComplaintAttachment, ComplaintPolicy, Kind
from desk.complaints.tests.base import ComplaintTestCase
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Submission
from desk.submissions.tests.base import upload
from desk.test import PDF_BYTES

ADDRESS = "203.0.113.77"


class ComplaintKindTests(ComplaintTestCase):
    def test_a_citizen_complains_about_a_service_and_gets_a_code_a_receipt_and_an_sms(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_about_service")
        sent = self.post_twice(url, {"service": self.service.pk, "text": "تلفن پاسخ نمی‌دهد."})
        complaint = self.last_complaint()
        self.assertRedirects(sent, reverse("complaints:receipt", args=[complaint.tracking_code]))
        self.assertEqual(
            (complaint.kind, complaint.about, complaint.agency, complaint.complainant),
            (Kind.COMPLAINT, About.SERVICE, self.agency, self.citizen),
        )
        self.assertEqual(len(complaint.tracking_code), 12)
        receipt = self.client.get(sent["Location"])
        self.assertContains(receipt, "بعد چه می‌شود")
        self.assertContains(receipt, 'id="tracking-code"')
        sms = OutboundMessage.objects.get(kind="complaint_filed")
        self.assertEqual(sms.to, self.citizen.mobile)
        self.assertIn("کد پیگیری", sms.body)

    def test_check_answers_keeps_the_answers_for_a_change(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_about_service")
        check = self.client.post(url, {"service": self.service.pk, "text": "صف طولانی"})
        self.assertContains(check, "پیش از فرستادن، پاسخ‌های خود را بررسی کنید")
        self.assertContains(check, "صف طولانی")
        change = self.client.post(
            url, {"service": self.service.pk, "text": "صف طولانی", "change": "text"}
        )
        self.assertContains(change, "صف طولانی</textarea>")
        self.assertFalse(Complaint.objects.exists())

    def test_an_empty_complaint_is_refused_with_a_persian_message(self) -> None:
        self.client.force_login(self.citizen)
        page = self.client.post(
            reverse("complaints:new_about_service"), {"service": self.service.pk}
        )
        self.assertContains(page, "شرح را بنویسید.")
        self.assertContains(page, "<title>خطا:")

    def test_a_complaint_about_a_staff_member_names_only_someone_from_the_timeline(self) -> None:
        submission = self.rejected_submission()
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_about_request", args=[submission.tracking_code])
        form = self.client.get(url).context["form"]
        self.assertEqual([u.pk for u in form.fields["staff_member"].queryset], [self.expert.pk])
        refused = self.client.post(
            url, {"about": "staff", "staff_member": self.manager.pk, "text": "بی‌ادبی"}
        )
        self.assertTrue(refused.context["form"].errors["staff_member"])
        self.post_twice(url, {"about": "staff", "staff_member": self.expert.pk, "text": "بی‌ادبی"})
        complaint = self.last_complaint()
        self.assertEqual((complaint.about, complaint.staff_member), (About.STAFF, self.expert))
        self.assertEqual(complaint.submission, submission)

    def test_the_answer_date_is_the_agencys_working_days_from_filing(self) -> None:
        ComplaintPolicy.objects.create(agency=self.agency, answer_days=4)
        complaint = services.complaint_file(
            kind=Kind.COMPLAINT,
            about=About.SERVICE,
            citizen=self.citizen,
            service=self.service,
            text="کند است",
        ).complaint
        calendar = services._calendar(self.agency)
        start = complaint.filed_at.astimezone(services.deadlines.TEHRAN).date()
        self.assertEqual(complaint.due_on, calendar.add_working_days(start, 4))
        self.assertEqual(calendar.working_days_between(start, complaint.due_on), 4)

    def test_a_staff_account_cannot_file_a_complaint(self) -> None:
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(reverse("complaints:new_about_service")).status_code, 403)

    def test_my_complaints_lists_mine_and_not_anothers(self) -> None:
        mine = services.complaint_file(
            kind=Kind.COMPLAINT,
            about=About.SERVICE,
            citizen=self.citizen,
            service=self.service,
            text="مال من",
        ).complaint
        theirs = services.complaint_file(
            kind=Kind.COMPLAINT,
            about=About.SERVICE,
            citizen=self.other_citizen,
            service=self.service,
            text="مال دیگری",
        ).complaint
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("complaints:mine"))
        self.assertContains(page, reverse("complaints:detail", args=[mine.tracking_code]))
        self.assertNotContains(page, theirs.tracking_code)
        other = self.client.get(reverse("complaints:detail", args=[theirs.tracking_code]))
        self.assertEqual(other.status_code, 404)
        self.assertContains(
            self.client.get(reverse("submissions:my_requests")), reverse("complaints:mine")
        )


class AnonymousReportTests(ComplaintTestCase):
    def test_an_anonymous_report_keeps_no_identity_in_the_database(self) -> None:
        # Signed in, on purpose: the report must not pick the account up from the session.
        self.client.force_login(self.citizen)
        before = AuditEntry.objects.count()
        url = reverse("complaints:new_report")
        data = {"service": self.service.pk, "text": "در این اداره رشوه می‌خواهند."}
        check = self.client.post(url, data, REMOTE_ADDR=ADDRESS)
        key = str(check.context["form"].cleaned_data["idempotency_key"])
        receipt = self.client.post(
            url,
            {**data, "idempotency_key": key, "confirm": "1", "document": upload("a.pdf")},
            REMOTE_ADDR=ADDRESS,
        )
        self.assertContains(receipt, 'id="follow-key"')
        report = Complaint.objects.get()
        self.assertEqual(report.kind, Kind.REPORT)
        self.assertIsNone(report.complainant_id)
        self.assertEqual(report.complainant_mobile, "")
        rows = [
            *Complaint.objects.all(),
            *ComplaintAttachment.objects.all(),
            *AuditEntry.objects.order_by("pk")[before:],
        ]
        stored = serializers.serialize("json", rows)
        for trace in (
            ADDRESS,
            self.citizen.mobile,
            self.citizen.mobile.replace("+98", "0"),
            self.citizen.national_code,
            self.citizen.username,
            self.citizen.last_name,
            "a.pdf",
        ):
            self.assertNotIn(trace, stored)
        for entry in json.loads(stored):
            if entry["model"] == "audit.auditentry":
                self.assertIsNone(entry["fields"]["actor"])
                self.assertEqual(entry["fields"]["actor_label"], "")
        self.assertFalse(
            OutboundMessage.objects.filter(to=self.citizen.mobile, kind__startswith="complaint")
        )

    def test_a_report_cannot_name_a_person(self) -> None:
        with self.assertRaises(ValueError):
            services.complaint_file(
                kind=Kind.REPORT,
                about=About.SERVICE,
                citizen=self.citizen,
                service=self.service,
                text="x",
            )

    def test_the_author_follows_a_report_with_its_code_and_key_only(self) -> None:
        filing = services.complaint_file(
            kind=Kind.REPORT, about=About.SERVICE, service=self.service, text="تخلف"
        )
        services.complaint_answer(
            complaint_id=filing.complaint.pk,
            actor=self.handler,
            answer="بررسی و برخورد شد.",
            outcome="upheld",
        )
        url = reverse("complaints:track_report")
        code = filing.complaint.tracking_code
        wrong = self.client.post(url, {"code": code, "key": "00000000"})
        self.assertContains(wrong, "پیدا نشد")
        self.assertNotContains(wrong, "بررسی و برخورد شد.")
        right = self.client.post(url, {"code": code, "key": filing.follow_key})
        self.assertContains(right, "بررسی و برخورد شد.")
        self.assertNotIn(filing.follow_key, filing.complaint.follow_key_hash)

    def test_past_the_lookup_limit_the_author_is_told_to_come_back_later(self) -> None:
        filing = services.complaint_file(
            kind=Kind.REPORT, about=About.SERVICE, service=self.service, text="تخلف"
        )
        url = reverse("complaints:track_report")
        code = filing.complaint.tracking_code
        for _ in range(20):
            self.client.post(url, {"code": code, "key": "00000000"}, REMOTE_ADDR=ADDRESS)
        right = self.client.post(url, {"code": code, "key": filing.follow_key}, REMOTE_ADDR=ADDRESS)
        self.assertContains(right, "تعداد جست‌وجوها از حد مجاز گذشته است. یک ساعت بعد بیایید.")
        self.assertNotContains(right, "پیدا نشد")


class AntiAbuseTests(ComplaintTestCase):
    @override_settings(COMPLAINTS_PER_CITIZEN_PER_DAY=2)
    def test_a_citizen_may_file_only_so_many_a_day(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_about_service")
        for n in range(2):
            self.post_twice(url, {"service": self.service.pk, "text": f"شکایت {n}"})
        refused = self.post_twice(url, {"service": self.service.pk, "text": "سومی"})
        self.assertContains(refused, "سقف ثبت شکایت برای هر نفر ۲ مورد در روز است")
        self.assertContains(refused, "سومی")
        self.assertEqual(Complaint.objects.count(), 2)

    @override_settings(COMPLAINTS_PER_ADDRESS_PER_DAY=1)
    def test_one_address_may_file_only_so_many_anonymous_reports_a_day(self) -> None:
        url = reverse("complaints:new_report")
        self.post_twice(url, {"service": self.service.pk, "text": "یک"}, REMOTE_ADDR=ADDRESS)
        refused = self.post_twice(
            url, {"service": self.service.pk, "text": "دو"}, REMOTE_ADDR=ADDRESS
        )
        self.assertContains(refused, "از این اتصال اینترنت امروز بیش از اندازه شکایت")
        self.post_twice(url, {"service": self.service.pk, "text": "سه"}, REMOTE_ADDR="198.51.100.1")
        self.assertEqual(Complaint.objects.count(), 2)

    def test_an_attachment_goes_through_the_upload_checks(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_about_service")
        data = {"service": self.service.pk, "text": "با پیوست"}
        check = self.client.post(url, data)
        key = str(check.context["form"].cleaned_data["idempotency_key"])
        fake = SimpleUploadedFile("x.pdf", b"<?php echo 1; ?>")
        refused = self.client.post(
            url, {**data, "idempotency_key": key, "confirm": "1", "document": fake}
        )
        self.assertEqual(refused.status_code, 200)
        self.assertTrue(refused.context["attachment"].errors)
        self.assertFalse(Complaint.objects.exists())
        sent = self.client.post(
            url,
            {
                **data,
                "idempotency_key": key,
                "confirm": "1",
                "document": upload("ok.pdf", PDF_BYTES),
            },
        )
        self.assertEqual(sent.status_code, 302)
        self.assertEqual(ComplaintAttachment.objects.get().content_type, "application/pdf")

    def test_the_complainant_and_the_handler_open_the_file_and_no_one_else(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_about_service")
        data = {"service": self.service.pk, "text": "با پیوست 12"}
        check = self.client.post(url, data)
        key = str(check.context["form"].cleaned_data["idempotency_key"])
        self.client.post(
            url,
            {
                **data,
                "idempotency_key": key,
                "confirm": "1",
                "document": upload("a.pdf", PDF_BYTES),
            },
        )
        complaint = Complaint.objects.get()
        attachment = ComplaintAttachment.objects.get()
        mine = reverse(
            "complaints:attachment", args=[complaint.tracking_code, attachment.public_id]
        )
        staff = reverse(
            "complaints:staff_attachment", args=[complaint.tracking_code, attachment.public_id]
        )
        detail = self.client.get(reverse("complaints:detail", args=[complaint.tracking_code]))
        self.assertContains(detail, mine)
        self.assertContains(detail, "با پیوست ۱۲")
        got = self.client.get(mine)
        self.assertEqual(got.status_code, 200)
        self.assertEqual(b"".join(got.streaming_content), PDF_BYTES)  # type: ignore[attr-defined]
        self.client.force_login(self.handler)
        page = self.client.get(reverse("complaints:staff_detail", args=[complaint.tracking_code]))
        self.assertContains(page, staff)
        self.assertContains(page, "پیوست ۱")
        self.assertEqual(self.client.get(staff).status_code, 200)
        for person in (self.other_citizen, self.expert, self.evaluator):
            self.client.force_login(person)
            with self.subTest(person=person.username):
                self.assertEqual(self.client.get(mine).status_code, 404)
                self.assertIn(self.client.get(staff).status_code, (302, 404))

    def test_a_double_tap_files_one_complaint(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_about_service")
        data = {"service": self.service.pk, "text": "یک بار"}
        check = self.client.post(url, data)
        sent = {
            **data,
            "idempotency_key": str(check.context["form"].cleaned_data["idempotency_key"]),
            "confirm": "1",
        }
        first, second = self.client.post(url, sent), self.client.post(url, sent)
        self.assertEqual(first["Location"], second["Location"])
        self.assertEqual(Complaint.objects.count(), 1)
        self.assertEqual(Submission.objects.count(), 0)

    def test_a_file_chosen_before_a_change_or_a_refusal_is_asked_for_again(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_about_service")
        data = {"service": self.service.pk, "text": "با پیوست"}
        check = self.client.post(url, data)
        key = str(check.context["form"].cleaned_data["idempotency_key"])
        changed = self.client.post(
            url, {**data, "idempotency_key": key, "change": "text", "document": upload("a.pdf")}
        )
        self.assertContains(changed, "دوباره انتخاب کنید")
        self.assertContains(changed, "با پیوست")

    def test_another_persons_key_opens_nothing_of_their_complaint(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("complaints:new_about_service")
        data = {"service": self.service.pk, "text": "شکایت من"}
        check = self.client.post(url, data)
        key = str(check.context["form"].cleaned_data["idempotency_key"])
        self.client.post(url, {**data, "idempotency_key": key, "confirm": "1"})
        mine = Complaint.objects.get()
        self.client.logout()
        # An anonymous report, and another citizen's complaint, posted with the same key.
        report = reverse("complaints:new_report")
        sent = {"service": self.service.pk, "text": "گزارش", "idempotency_key": key}
        got = self.client.post(report, {**sent, "confirm": "1"}, REMOTE_ADDR=ADDRESS)
        self.assertNotContains(got, mine.tracking_code)
        self.assertContains(got, "این فرم قبلاً ارسال شده است. صفحه را تازه کنید.")
        self.client.force_login(self.other_citizen)
        got = self.client.post(url, {**data, "idempotency_key": key, "confirm": "1"})
        self.assertEqual(got.status_code, 200)
        self.assertNotContains(got, mine.tracking_code)
        self.assertEqual(Complaint.objects.count(), 1)
