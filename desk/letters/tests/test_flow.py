"""A citizen writes, staff route, reply or turn the letter into a request; the citizen reads
the reply and downloads its PDF; SMS at registration and reply."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from desk.agencies.models import Role
from desk.letters.models import Channel, Letter, LetterReply, LetterStatus
from desk.letters.tests.base import LettersTestCase, file_request, write_letter
from desk.lib.persian import to_persian_digits
from desk.lib.tracking import format_code
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Submission, TimelineEvent
from desk.submissions.tests.base import upload
from desk.test import create_citizen, create_staff
from desk.workflow.models import Department

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


class CitizenWritesTests(LettersTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.citizen)

    def _fill(self, **changes: object) -> Response:
        data = {
            "agency": self.agency.pk,
            "subject": "درخواست اصلاح نشانی",
            "body": "نشانی پروانه کسب من اشتباه است.",
            "about": "",
            **changes,
        }
        return self.client.post(reverse("letters:write"), data)

    def test_a_citizen_writes_checks_and_sends_a_letter_and_gets_a_number_and_sms(self) -> None:
        r = self._fill(documents=upload("scan.pdf"))
        self.assertRedirects(r, reverse("letters:write_check"))
        check = self.client.get(reverse("letters:write_check"))
        self.assertContains(check, "درخواست اصلاح نشانی")
        self.assertContains(check, "scan.pdf")
        self.assertContains(check, "تغییر")
        sent = self.client.post(reverse("letters:write_check"), follow=True)
        letter = Letter.objects.get()
        self.assertEqual(letter.citizen, self.citizen)
        self.assertEqual(letter.channel, Channel.WEB)
        self.assertEqual(letter.attachments.count(), 1)
        self.assertContains(sent, letter.number)
        self.assertContains(sent, "بعد چه می‌شود")
        sms = OutboundMessage.objects.get(kind="letter_registered")
        self.assertEqual(sms.to, self.citizen.mobile)
        self.assertIn(letter.number, sms.body)
        mine = self.client.get(reverse("submissions:my_requests"))
        self.assertContains(mine, letter.subject)
        self.assertContains(mine, reverse("letters:detail", args=[letter.tracking_code]))

    def test_a_letter_keeps_the_writers_diacritics_and_is_stored_in_persian_letters(
        self,
    ) -> None:
        self._fill(subject="مسألهٔ نشانی", body="لطفاً نشاني خانۀ مرا اصلاح كنيد.")
        self.client.post(reverse("letters:write_check"))
        letter = Letter.objects.get()
        self.assertEqual(letter.subject, "مسألهٔ نشانی")
        self.assertEqual(letter.body, "لطفاً نشانی خانۀ مرا اصلاح کنید.")

    def test_a_letter_without_a_subject_is_refused_in_persian_keeping_the_text(self) -> None:
        r = self._fill(subject="")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "<title>خطا: نوشتن نامه", html=False)  # said once
        self.assertContains(r, "موضوع نامه را بنویسید.")
        self.assertContains(r, "نشانی پروانه کسب من اشتباه است.")
        self.assertFalse(Letter.objects.exists())

    def test_a_file_chosen_on_a_letter_sent_back_for_its_subject_goes_with_the_letter(
        self,
    ) -> None:
        r = self._fill(subject="", documents=upload("scan.pdf"))
        self.assertContains(r, "موضوع نامه را بنویسید.")
        self.assertContains(r, "پیوست شده است: <bdi>scan.pdf</bdi>")
        self.assertNotContains(r, "دوباره انتخاب کنید")
        r = self._fill()  # the subject put right, no file chosen again
        self.assertRedirects(r, reverse("letters:write_check"))
        self.assertContains(self.client.get(reverse("letters:write_check")), "scan.pdf")
        self.client.post(reverse("letters:write_check"))
        letter = Letter.objects.get()
        self.assertEqual(letter.attachments.count(), 1)
        # Nothing kept once it is sent: the next letter starts with no attachment.
        self.assertNotContains(self.client.get(reverse("letters:write")), "پیوست شده است")

    def test_a_new_file_replaces_the_one_kept_after_an_error(self) -> None:
        self._fill(subject="", documents=upload("first.pdf"))
        r = self._fill(body="", documents=upload("second.pdf"))
        self.assertContains(r, "پیوست شده است: <bdi>second.pdf</bdi>")
        self.assertNotContains(r, "first.pdf")

    def test_sending_twice_registers_one_letter(self) -> None:
        self._fill()
        first = self.client.post(reverse("letters:write_check"))
        second = self.client.post(reverse("letters:write_check"))
        self.assertEqual(Letter.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])

    def test_a_letter_may_name_only_the_citizens_own_request(self) -> None:
        other = create_citizen("0013542419", "+989351112233")
        theirs = file_request(other, self.service)
        r = self._fill(about=theirs.pk)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "<title>خطا:", html=False)

    def test_the_request_picker_shows_tracking_codes_as_every_page_does(self) -> None:
        mine = file_request(self.citizen, self.service)
        page = self.client.get(reverse("letters:write"))
        grouped = to_persian_digits(format_code(mine.tracking_code))
        self.assertContains(page, f"{self.service.title} — {grouped}")
        self.assertNotContains(page, mine.tracking_code)

    def test_the_my_requests_page_costs_the_same_queries_for_one_letter_or_ten(self) -> None:
        write_letter(self.citizen, self.agency, files=[])
        url = reverse("submissions:my_requests")
        self.client.get(url)
        one = self._queries(url)
        for _ in range(9):
            write_letter(self.citizen, self.other_agency, files=[])
        self.assertEqual(self._queries(url), one)

    def _queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(ctx.captured_queries)


class StaffTests(LettersTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.letter = write_letter(self.citizen, self.agency)
        self.department = Department.objects.create(agency=self.agency, name="واحد درآمد")

    def url(self, name: str) -> str:
        return reverse(name, args=[self.letter.tracking_code])

    def test_the_inbox_lists_the_agencys_open_letters_with_their_deadline(self) -> None:
        write_letter(self.citizen, self.other_agency, subject="نامه به گاز")
        self.client.force_login(self.expert)
        r = self.client.get(reverse("letters:inbox"))
        self.assertContains(r, self.letter.number)
        self.assertNotContains(r, "نامه به گاز")

    def test_staff_route_a_letter_to_a_department_of_their_agency(self) -> None:
        self.client.force_login(self.clerk)
        r = self.client.post(self.url("letters:staff_route"), {"department": self.department.pk})
        self.assertRedirects(r, self.url("letters:staff_letter"))
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.department, self.department)
        self.assertEqual(self.letter.status, LetterStatus.ROUTED)

    def test_a_department_of_another_agency_is_not_offered(self) -> None:
        theirs = Department.objects.create(agency=self.other_agency, name="واحد ب")
        self.client.force_login(self.clerk)
        r = self.client.post(self.url("letters:staff_route"), {"department": theirs.pk})
        self.assertEqual(r.status_code, 400)
        self.letter.refresh_from_db()
        self.assertIsNone(self.letter.department)

    def test_a_reply_is_confirmed_then_numbered_texted_and_read_as_a_verifiable_pdf(self) -> None:
        self.client.force_login(self.expert)
        body = "نشانی پروانه شما اصلاح شد."
        confirm = self.client.post(self.url("letters:staff_reply"), {"body": body})
        self.assertContains(confirm, "این پاسخ را بفرستید؟")
        self.assertFalse(LetterReply.objects.exists())
        r = self.client.post(self.url("letters:staff_reply"), {"body": body, "confirmed": "yes"})
        self.assertRedirects(r, self.url("letters:staff_letter"))
        reply = LetterReply.objects.get()
        self.assertTrue(reply.number.endswith("/ص"))
        self.assertTrue(reply.sha256)
        sms = OutboundMessage.objects.get(kind="letter_answered")
        self.assertIn(reply.number, sms.body)
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.status, LetterStatus.ANSWERED)
        # The citizen reads it and downloads the PDF: the very file whose digest is verified.
        self.client.force_login(self.citizen)
        page = self.client.get(self.url("letters:detail"))
        self.assertContains(page, body)
        self.assertContains(page, reply.number)
        pdf = self.client.get(reverse("letters:reply_pdf", args=[reply.public_id]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        content = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertEqual(hashlib.sha256(content).hexdigest(), reply.sha256)
        reply.refresh_from_db()
        self.assertIsNotNone(reply.first_downloaded_at)
        verify = self.client.get(reverse("delivery:verify_code", args=[reply.verification_code]))
        self.assertContains(verify, self.letter.number)
        self.assertContains(verify, reply.number)

    def test_sending_a_reply_lands_on_the_letter_with_a_success_message(self) -> None:
        self.client.force_login(self.expert)
        body = "نشانی پروانه شما اصلاح شد."
        page = self.client.post(
            self.url("letters:staff_reply"), {"body": body, "confirmed": "yes"}, follow=True
        )
        self.assertEqual(page.redirect_chain, [(self.url("letters:staff_letter"), 302)])
        reply = LetterReply.objects.get()
        self.assertContains(
            page,
            f"پاسخ با شماره صادره \u2066{reply.number}\u2069 ثبت شد و به نویسنده نامه پیامک می‌شود.",
        )
        self.assertContains(page, 'class="alert alert-success"')
        self.assertNotRegex(reply.number, "[0-9]")  # shown in Persian digits
        # Shown once: the letter's page read again has no message.
        self.assertNotContains(self.client.get(self.url("letters:staff_letter")), "ثبت شد و به")

    def test_changing_the_reply_before_sending_keeps_its_text(self) -> None:
        self.client.force_login(self.expert)
        body = "نشانی پروانه شما اصلاح شد."
        r = self.client.post(self.url("letters:staff_reply"), {"body": body, "edit": "1"})
        self.assertContains(r, body)
        self.assertNotContains(r, "این پاسخ را بفرستید؟")
        self.assertFalse(LetterReply.objects.exists())

    def test_turning_a_letter_into_a_request_links_both_ways(self) -> None:
        self.client.force_login(self.expert)
        confirm = self.client.post(self.url("letters:staff_convert"), {"service": self.service.pk})
        self.assertContains(confirm, "ثبت شود؟")
        self.assertFalse(Submission.objects.exists())
        self.client.post(
            self.url("letters:staff_convert"), {"service": self.service.pk, "confirmed": "yes"}
        )
        submission = Submission.objects.get()
        self.assertEqual(submission.applicant, self.citizen)
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.submission, submission)
        self.assertEqual(self.letter.status, LetterStatus.CONVERTED)
        note = TimelineEvent.objects.get(submission=submission)
        self.assertEqual(note.actor, self.expert)
        self.assertIn(self.letter.number, note.message)
        staff_page = self.client.get(
            reverse("submissions:staff_request", args=[submission.tracking_code])
        )
        self.assertContains(staff_page, self.url("letters:staff_letter"))
        self.client.force_login(self.citizen)
        mine = self.client.get(self.url("letters:detail"))
        self.assertContains(
            mine, reverse("submissions:my_request", args=[submission.tracking_code])
        )

    def test_a_clerk_registers_a_paper_letter_for_a_citizen_by_national_code(self) -> None:
        self.client.force_login(self.clerk)
        data = {"national_code": "0084575948", "subject": "نامه کاغذی", "body": "متن نامه"}
        missing = self.client.post(reverse("letters:register"), data)
        self.assertContains(missing, "تصویر اسکن‌شده نامه را بارگذاری کنید.")
        r = self.client.post(reverse("letters:register"), {**data, "documents": upload("scan.pdf")})
        letter = Letter.objects.get(subject="نامه کاغذی")
        self.assertRedirects(r, reverse("letters:staff_letter", args=[letter.tracking_code]))
        self.assertEqual((letter.citizen, letter.registered_by), (self.citizen, self.clerk))
        self.assertEqual(letter.channel, Channel.DESK)
        self.assertEqual(letter.serial, 2)
        self.assertEqual(OutboundMessage.objects.filter(kind="letter_registered").count(), 2)

    def test_an_unknown_national_code_is_refused_keeping_the_letter(self) -> None:
        self.client.force_login(self.clerk)
        data = {"national_code": "0013542419", "subject": "نامه کاغذی", "body": "متن نامه بلند"}
        r = self.client.post(reverse("letters:register"), {**data, "documents": upload("s.pdf")})
        self.assertContains(r, "شهروندی با این کد ملی ثبت‌نام نکرده است")
        self.assertContains(r, "متن نامه بلند")
        self.assertEqual(Letter.objects.count(), 1)

    def test_an_agency_admin_may_not_answer_letters(self) -> None:
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.client.force_login(admin)
        self.assertEqual(self.client.get(self.url("letters:staff_reply")).status_code, 404)
        self.assertEqual(self.client.get(reverse("letters:register")).status_code, 404)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class AccessTests(LettersTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.letter = write_letter(self.citizen, self.agency)
        self.other = create_citizen("0013542419", "+989351112233")

    def test_another_agencys_staff_get_404_and_change_nothing(self) -> None:
        self.client.force_login(self.outsider)
        code = self.letter.tracking_code
        for name in ("letters:staff_letter", "letters:staff_reply", "letters:staff_convert"):
            with self.subTest(name):
                self.assertEqual(self.client.get(reverse(name, args=[code])).status_code, 404)
        r = self.client.post(
            reverse("letters:staff_reply", args=[code]), {"body": "x", "confirmed": "yes"}
        )
        self.assertEqual(r.status_code, 404)
        self.assertFalse(LetterReply.objects.exists())
        attachment = self.letter.attachments.get()
        r = self.client.get(reverse("letters:attachment", args=[attachment.public_id]))
        self.assertEqual(r.status_code, 404)

    def test_another_citizen_cannot_read_the_letter_or_its_files(self) -> None:
        self.client.force_login(self.other)
        self.assertEqual(
            self.client.get(
                reverse("letters:detail", args=[self.letter.tracking_code])
            ).status_code,
            404,
        )
        attachment = self.letter.attachments.get()
        r = self.client.get(reverse("letters:attachment", args=[attachment.public_id]))
        self.assertEqual(r.status_code, 404)
        self.assertNotContains(
            self.client.get(reverse("submissions:my_requests")), self.letter.number
        )

    def test_staff_cannot_write_a_letter_as_a_citizen(self) -> None:
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(reverse("letters:write")).status_code, 404)
