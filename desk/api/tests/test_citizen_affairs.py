"""A citizen's visits, complaints and letters through the API: the web's rules (the 3-working-day
offer, one open booking, a taken slot refused with the next free ones, irreversible cancel
confirmed; complaint limits and appeals; letters in the agency's register) and their Persian
messages as problem details."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from desk.api.tests.base import ApiTestCase, new_key, token_for
from desk.api.tests.conformance import assert_documented
from desk.appointments.models import Appointment, AppointmentStatus
from desk.appointments.tests.helpers import MONDAY, SATURDAY, SUNDAY, AppointmentTestCase, at
from desk.complaints import services as complaint_services
from desk.complaints.models import Complaint, ComplaintPolicy, State
from desk.letters.models import Channel as LetterChannel
from desk.letters.models import Letter, LetterReply, Register
from desk.submissions import services as submission_services
from desk.submissions.tests.base import checked_upload
from desk.test import PDF_BYTES, create_citizen


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


class AppointmentApiTests(ApiTestCase, AppointmentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token = token_for(self.citizen)
        self.slots_url = f"/api/v1/me/appointments/services/{self.service.slug}/slots/"

    def book_call(self, slot: str, token: str | None = None, **extra: object) -> Any:
        data = {"service": self.service.slug, "slot": slot, **extra}
        with self.captureOnCommitCallbacks(execute=True):
            return self.call(
                "post", "/api/v1/me/appointments/", token or self.token, data, key=new_key()
            )

    def test_free_slots_come_with_the_three_working_day_promise(self) -> None:
        got = self.call("get", self.slots_url, self.token)
        self.assertEqual(got.status_code, 200, got.content)
        body = got.json()
        self.assertEqual(body["office"]["id"], self.office.pk)
        self.assertEqual(body["promised_by"], SATURDAY.isoformat())
        self.assertTrue(body["keeps_promise"])
        # Today from 09:30: booking closes half an hour before a slot.
        self.assertEqual(body["slots"][0]["slot"], at(SUNDAY, 9, 30).isoformat())
        self.assertEqual(body["slots"][0]["remaining"], 2)

    def test_an_unknown_office_or_service_is_refused_in_persian(self) -> None:
        wrong = self.call("get", self.slots_url, self.token, {"office": 999999})
        self.assertEqual(wrong.status_code, 400)
        self.assertIn("این دفتر این خدمت را ارائه نمی‌کند", wrong.json()["errors"]["office"][0])
        missing = self.call("get", "/api/v1/me/appointments/services/no-such/slots/", self.token)
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(missing["Content-Type"], "application/problem+json")

    def test_a_citizen_books_a_slot_and_a_retry_books_nothing_more(self) -> None:
        key = new_key()
        data = {"service": self.service.slug, "slot": at(MONDAY, 8, 30).isoformat()}
        with self.captureOnCommitCallbacks(execute=True):
            first = self.call("post", "/api/v1/me/appointments/", self.token, data, key=key)
        self.assertEqual(first.status_code, 201, first.content)
        code = first.json()["booking_code"]
        self.assertEqual(first["Location"], f"/api/v1/me/appointments/{code}/")
        assert_documented(first)
        self.assertEqual(first.json()["status"], "booked")
        again = self.call("post", "/api/v1/me/appointments/", self.token, data, key=key)
        self.assertEqual(again.json(), first.json())
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(Appointment.objects.filter(citizen=self.citizen).count(), 1)
        mine = self.call("get", "/api/v1/me/appointments/", self.token).json()
        self.assertEqual([a["booking_code"] for a in mine["results"]], [code])

    def test_one_open_booking_per_service(self) -> None:
        self.assertEqual(self.book_call(at(MONDAY, 8, 0).isoformat()).status_code, 201)
        second = self.book_call(at(MONDAY, 9, 0).isoformat())
        self.assertEqual(second.status_code, 422)
        self.assertIn("نوبت فعال دارید", second.json()["detail"])

    def test_a_taken_slot_is_refused_with_the_next_free_ones(self) -> None:
        self.book(at(MONDAY, 8, 0), citizen=self.another_citizen("0010000011"))
        self.book(at(MONDAY, 8, 0), citizen=self.another_citizen("0010000021"))
        got = self.book_call(at(MONDAY, 8, 0).isoformat())
        self.assertEqual(got.status_code, 422, got.content)
        self.assertIn("ظرفیت این نوبت همین حالا پر شد", got.json()["detail"])
        self.assertTrue(got.json()["alternatives"])
        self.assertNotIn(
            at(MONDAY, 8, 0).isoformat(), [a["slot"] for a in got.json()["alternatives"]]
        )
        self.assertFalse(Appointment.objects.filter(citizen=self.citizen).exists())

    def test_a_slot_that_is_no_moment_is_refused_in_persian(self) -> None:
        got = self.book_call("فردا صبح")
        self.assertEqual(got.status_code, 400)
        self.assertEqual(got.json()["errors"]["slot"], ["یک نوبت را انتخاب کنید."])

    def test_booking_for_another_citizens_request_is_not_found(self) -> None:
        other = create_citizen("0013542419", "+989351112233")
        theirs = submission_services.submission_create(
            service=self.service,
            applicant=other,
            answers={"address": "نشانی"},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )
        got = self.book_call(at(MONDAY, 8, 0).isoformat(), request=theirs.tracking_code)
        self.assertEqual(got.status_code, 404)
        self.assertFalse(Appointment.objects.exists())

    def test_cancelling_needs_confirmation_and_frees_the_place(self) -> None:
        code = self.book_call(at(MONDAY, 8, 0).isoformat()).json()["booking_code"]
        url = f"/api/v1/me/appointments/{code}/cancel/"
        asked = self.call("post", url, self.token, {}, key=new_key())
        self.assertEqual(asked.status_code, 422)
        self.assertIn("confirmed", asked.json()["errors"])
        self.assertEqual(Appointment.objects.get().status, AppointmentStatus.BOOKED)
        with self.captureOnCommitCallbacks(execute=True):
            done = self.call("post", url, self.token, {"confirmed": True}, key=new_key())
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["status"], "cancelled")
        slots = self.call("get", self.slots_url, self.token).json()["slots"]
        first = next(s for s in slots if s["slot"] == at(MONDAY, 8, 0).isoformat())
        self.assertEqual(first["remaining"], 2)


class ComplaintApiTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        ComplaintPolicy.objects.create(agency=self.agency)
        self.token = token_for(self.citizen)
        self.submission = submission_services.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "نشانی"},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )

    def test_a_complaint_about_a_service_with_a_document_is_filed_and_listed(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            got = self.call(
                "post",
                "/api/v1/me/complaints/",
                self.token,
                {"service": self.service.slug, "text": "سه بار مراجعه کردم.", "document": pdf()},
                key=new_key(),
                multipart=True,
            )
        self.assertEqual(got.status_code, 201, got.content)
        assert_documented(got)
        code = got.json()["tracking_code"]
        self.assertEqual(got.json()["about"], "service")
        self.assertEqual(len(got.json()["attachments"]), 1)
        mine = self.call("get", "/api/v1/me/complaints/", self.token).json()
        self.assertEqual([c["tracking_code"] for c in mine["results"]], [code])
        one = self.call("get", f"/api/v1/me/complaints/{code}/", self.token).json()
        self.assertEqual(one["state"], "open")
        self.assertFalse(one["may_appeal"])

    def test_a_complaint_without_text_keeps_the_persian_message_of_the_page(self) -> None:
        got = self.call(
            "post", "/api/v1/me/complaints/", self.token, {"service": self.service.slug}
        )
        self.assertEqual(got.status_code, 400)
        self.assertEqual(got.json()["errors"]["text"], ["شرح را بنویسید."])
        self.assertFalse(Complaint.objects.exists())

    def test_about_my_request_and_the_agencys_answer_then_an_appeal(self) -> None:
        url = f"/api/v1/me/requests/{self.submission.tracking_code}/complaint/"
        options = self.call("get", url, self.token).json()
        self.assertEqual(options, {"staff": [], "may_object": False, "objection_until": None})
        filed = self.call(
            "post", url, self.token, {"about": "request", "text": "کند است."}, key=new_key()
        )
        self.assertEqual(filed.status_code, 201, filed.content)
        code = filed.json()["tracking_code"]
        self.assertEqual(filed.json()["request"], self.submission.tracking_code)
        complaint_services.complaint_answer(
            complaint_id=Complaint.objects.get().pk,
            actor=self.manager,
            answer="پیگیری شد.",
            outcome="dismissed",
        )
        answered = self.call("get", f"/api/v1/me/complaints/{code}/", self.token).json()
        self.assertEqual((answered["answer"], answered["may_appeal"]), ("پیگیری شد.", True))
        appealed = self.call(
            "post",
            f"/api/v1/me/complaints/{code}/appeal/",
            self.token,
            {"text": "پاسخ قانع‌کننده نیست."},
            key=new_key(),
        )
        self.assertEqual(appealed.status_code, 200, appealed.content)
        self.assertEqual(appealed.json()["state"], State.APPEALED)

    def test_no_objection_to_a_request_that_was_not_refused(self) -> None:
        got = self.call(
            "post",
            f"/api/v1/me/requests/{self.submission.tracking_code}/objection/",
            self.token,
            {"text": "قبول ندارم."},
            key=new_key(),
        )
        self.assertEqual(got.status_code, 422)
        self.assertIn("مهلت اعتراض", got.json()["detail"])


class LetterApiTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        Register.objects.create(agency=self.agency)
        self.token = token_for(self.citizen)

    def write(self, **data: object) -> Any:
        fields = {"agency": self.agency.slug, "subject": "اصلاح نشانی", "body": "لطفاً…", **data}
        with self.captureOnCommitCallbacks(execute=True):
            return self.call(
                "post", "/api/v1/me/letters/", self.token, fields, key=new_key(), multipart=True
            )

    def test_a_letter_with_documents_is_registered_and_its_reply_read(self) -> None:
        got = self.write(documents=[pdf("a.pdf"), pdf("b.pdf")])
        self.assertEqual(got.status_code, 201, got.content)
        assert_documented(got)
        code = got.json()["tracking_code"]
        letter = Letter.objects.get(tracking_code=code)
        self.assertEqual(letter.channel, LetterChannel.API)
        self.assertEqual(got.json()["number"], letter.number)
        self.assertEqual(len(got.json()["attachments"]), 2)
        mine = self.call("get", "/api/v1/me/letters/", self.token).json()
        self.assertEqual([x["tracking_code"] for x in mine["results"]], [code])
        file_id = got.json()["attachments"][0]["id"]
        download = self.call("get", f"/api/v1/me/letters/{code}/files/{file_id}/", self.token)
        self.assertEqual(b"".join(download.streaming_content), PDF_BYTES)
        LetterReply.objects.create(
            letter=letter,
            agency=self.agency,
            year=letter.year,
            serial=1,
            number="۱۲/ص",
            body="نشانی اصلاح شد.",
            issued_by=self.manager,
            verification_code="123456789012345",
        )
        one = self.call("get", f"/api/v1/me/letters/{code}/", self.token).json()
        self.assertEqual([r["body"] for r in one["replies"]], ["نشانی اصلاح شد."])

    def test_a_letter_without_a_subject_keeps_the_pages_message(self) -> None:
        got = self.write(subject="")
        self.assertEqual(got.status_code, 400)
        self.assertEqual(got.json()["errors"]["subject"], ["موضوع نامه را بنویسید."])
        self.assertFalse(Letter.objects.exists())

    def test_a_letter_about_another_citizens_request_is_refused(self) -> None:
        other = create_citizen("0013542419", "+989351112233")
        theirs = submission_services.submission_create(
            service=self.service,
            applicant=other,
            answers={"address": "نشانی"},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )
        got = self.write(about=theirs.tracking_code)
        self.assertEqual(got.status_code, 400)
        self.assertIn("about", got.json()["errors"])
        self.assertFalse(Letter.objects.exists())
