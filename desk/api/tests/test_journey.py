"""A mobile client's whole journey through the API: sign in by SMS, file a request with a
document, track it, answer the agency's request for more, pay the fee at the (fake) bank,
rate the service, book and cancel a visit, complain and write a letter; with staff working
the request through the staff API."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from desk.api.tests.base import ApiTestCase, new_key
from desk.appointments.models import Appointment, AppointmentStatus, Office, SlotTemplate, Weekday
from desk.complaints.models import Complaint
from desk.letters.models import Letter, Register
from desk.payments.models import FeeKind, GatewayAccount, Provider, ServiceFee
from desk.submissions.models import Channel, Submission
from desk.surveys.models import Channel as SurveyChannel
from desk.surveys.models import Response
from desk.test import PDF_BYTES, create_staff, define_permit_workflow, give_position


@override_settings(PAYMENT_FAKE_ALLOWED=True, SITE_URL="http://testserver")
class MobileJourneyTest(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        define_permit_workflow(self.service)
        self.intake = create_staff(self.agency, "intake")
        give_position(self.intake, "پذیرش")
        self.engineer = create_staff(self.agency, "engineer")
        give_position(self.engineer, "فنی")
        give_position(self.manager, "فنی", role="manager")
        ServiceFee.objects.create(
            service=self.service, kind=FeeKind.FIXED, amount=1_200_000, purpose="عوارض"
        )
        GatewayAccount.objects.create(agency=self.agency, provider=Provider.FAKE)
        office = Office.objects.create(agency=self.agency, name="دفتر مرکزی", address="میدان ۷ تیر")
        for weekday in Weekday:
            SlotTemplate.objects.create(
                office=office,
                service=self.service,
                weekday=weekday.value,
                starts_at=datetime.time(7, 0),
                ends_at=datetime.time(20, 0),
            )
        Register.objects.create(agency=self.agency)

    def act(self, token: str, code: str, action: str, **extra: object) -> dict[str, object]:
        data = {"action": action, **extra}
        with self.captureOnCommitCallbacks(execute=True):
            got = self.call(
                "post",
                f"/api/v1/staff/requests/{code}/act/",
                token,
                data,
                key=new_key(),
                multipart=True,
            )
        self.assertEqual(got.status_code, 200, got.content)
        body: dict[str, object] = got.json()
        return body

    def test_a_citizen_signs_in_files_answers_pays_and_rates_through_the_api(self) -> None:
        token = self.citizen_sign_in()
        named = self.call(
            "post", "/api/v1/me/", token, {"first_name": "مریم", "last_name": "رضایی"}
        )
        self.assertEqual(named.status_code, 200, named.content)

        # The form as the app draws it, then filed with the document.
        card = self.call("get", "/api/v1/catalog/services/building-permit/").json()
        self.assertEqual([f["name"] for f in card["form"]], ["address", "deed"])
        with self.captureOnCommitCallbacks(execute=True):
            filed = self.call(
                "post",
                "/api/v1/me/requests/",
                token,
                {
                    "service": "building-permit",
                    "address": "تهران، خیابان آزادی",
                    "deed": SimpleUploadedFile("deed.pdf", PDF_BYTES, "application/pdf"),
                },
                key=new_key(),
                multipart=True,
            )
        self.assertEqual(filed.status_code, 201, filed.content)
        code = filed.json()["tracking_code"]
        self.assertEqual(filed["Location"], f"/api/v1/me/requests/{code}/")
        self.assertEqual(Submission.objects.get(tracking_code=code).channel, Channel.API)
        self.assertEqual(len(filed.json()["attachments"]), 1)
        # A file question's answer reads as the file chosen, with the id to fetch it by.
        deed = next(a for a in filed.json()["answers"] if a["attachment"])
        self.assertEqual(deed["value"], "deed.pdf")
        self.assertEqual(deed["attachment"], filed.json()["attachments"][0]["id"])
        address = next(a for a in filed.json()["answers"] if not a["attachment"])
        self.assertEqual(address["value"], "تهران، خیابان آزادی")

        tracked = self.call(
            "post", "/api/v1/track/", data={"code": code, "national_code": "0084575948"}
        )
        self.assertEqual(tracked.json()["status"], "submitted")

        # Staff ask for more; the citizen sees it and answers with a document.
        intake = self.staff_sign_in(self.intake)
        inbox = self.call("get", "/api/v1/staff/inbox/", intake).json()
        self.assertEqual([r["tracking_code"] for r in inbox["results"]], [code])
        detail = self.call("get", f"/api/v1/staff/requests/{code}/", intake).json()
        self.assertEqual(
            [a["name"] for a in detail["actions"]], ["start_review", "accept", "request_info"]
        )
        self.act(intake, code, "start_review")
        self.act(intake, code, "request_info", message="صفحه دوم سند را هم بفرستید.")

        mine = self.call("get", f"/api/v1/me/requests/{code}/", token).json()
        self.assertTrue(mine["can_reply"])
        self.assertEqual(mine["status"], "needs_info")
        with self.captureOnCommitCallbacks(execute=True):
            replied = self.call(
                "post",
                f"/api/v1/me/requests/{code}/reply/",
                token,
                {
                    "message": "صفحه دوم پیوست شد.",
                    "documents": SimpleUploadedFile("page2.pdf", PDF_BYTES, "application/pdf"),
                },
                key=new_key(),
                multipart=True,
            )
        self.assertEqual(replied.status_code, 200, replied.content)
        self.assertFalse(replied.json()["can_reply"])
        self.assertEqual(len(replied.json()["attachments"]), 2)

        # On to the payment step: the citizen pays at the fake bank.
        self.act(intake, code, "accept")
        self.act(self.staff_sign_in(self.engineer), code, "approve")
        charges = self.call("get", f"/api/v1/me/requests/{code}/charges/", token).json()
        self.assertEqual([(c["amount"], c["state"]) for c in charges], [(1_200_000, "due")])
        started = self.call(
            "post", f"/api/v1/me/charges/{charges[0]['id']}/pay/", token, key=new_key()
        )
        self.assertEqual(started.status_code, 201, started.content)
        bank_page = started.json()["redirect"]["url"]
        back = self.client.post(urlsplit(bank_page).path, {"outcome": "pay"})
        parts = urlsplit(back["Location"])
        with self.captureOnCommitCallbacks(execute=True):
            self.client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
        payment = self.call("get", f"/api/v1/me/payments/{started.json()['payment']['id']}/", token)
        self.assertEqual(payment.json()["state"], "settled")

        # The manager completes it with the permit; the citizen rates the service.
        manager = self.staff_sign_in(self.manager)
        unconfirmed = self.call(
            "post",
            f"/api/v1/staff/requests/{code}/act/",
            manager,
            {"action": "complete", "documents": SimpleUploadedFile("permit.pdf", PDF_BYTES)},
            multipart=True,
        )
        self.assertEqual(unconfirmed.status_code, 422)
        self.assertIn("confirmed", unconfirmed.json()["errors"])
        done = self.act(
            manager,
            code,
            "complete",
            confirmed="true",
            documents=SimpleUploadedFile("permit.pdf", PDF_BYTES, "application/pdf"),
        )
        self.assertEqual(done["status"], "completed")
        mine = self.call("get", f"/api/v1/me/requests/{code}/", token).json()
        result = next(a for a in mine["attachments"] if a["kind"] == "result")
        download = self.call("get", f"/api/v1/me/requests/{code}/files/{result['id']}/", token)
        self.assertEqual(download.status_code, 200)
        self.assertEqual(b"".join(download.streaming_content), PDF_BYTES)

        survey = self.call("get", f"/api/v1/me/requests/{code}/survey/", token).json()
        self.assertTrue(survey["open"])
        answers = {
            q["key"]: ("خوب بود" if q["kind"] == "text" else "5") for q in survey["questions"]
        }
        rated = self.call(
            "post",
            f"/api/v1/me/requests/{code}/survey/",
            token,
            {"answers": answers},
            key=new_key(),
        )
        self.assertEqual(rated.status_code, 200, rated.content)
        self.assertEqual(rated.json()["answers"][survey["questions"][0]["key"]], 5)

        self.assertEqual(Response.objects.get().channel, SurveyChannel.API)

        self.visit_and_cancel(token)
        self.complain_and_write(token, code)

        signed_out = self.call("delete", "/api/v1/auth/sign-out/", token)
        self.assertEqual(signed_out.status_code, 204)
        self.assertEqual(self.call("get", "/api/v1/me/requests/", token).status_code, 401)

    def visit_and_cancel(self, token: str) -> None:
        """A visit at the first free slot (the request has ended: not for it), cancelled."""
        slots = self.call(
            "get",
            "/api/v1/me/appointments/services/building-permit/slots/",
            token,
        ).json()
        with self.captureOnCommitCallbacks(execute=True):
            booked = self.call(
                "post",
                "/api/v1/me/appointments/",
                token,
                {"service": "building-permit", "slot": slots["slots"][0]["slot"]},
                key=new_key(),
            )
        self.assertEqual(booked.status_code, 201, booked.content)
        self.assertIsNone(booked.json()["request"])
        booking = booked.json()["booking_code"]
        with self.captureOnCommitCallbacks(execute=True):
            cancelled = self.call(
                "post",
                f"/api/v1/me/appointments/{booking}/cancel/",
                token,
                {"confirmed": True},
                key=new_key(),
            )
        self.assertEqual(cancelled.json()["status"], "cancelled")
        self.assertEqual(Appointment.objects.get().status, AppointmentStatus.CANCELLED)

    def complain_and_write(self, token: str, code: str) -> None:
        """A complaint about the request, and a letter about it with a document."""
        with self.captureOnCommitCallbacks(execute=True):
            complained = self.call(
                "post",
                f"/api/v1/me/requests/{code}/complaint/",
                token,
                {"about": "request", "text": "پاسخ دیر رسید."},
                key=new_key(),
            )
        self.assertEqual(complained.status_code, 201, complained.content)
        mine = self.call("get", "/api/v1/me/complaints/", token).json()["results"]
        self.assertEqual([c["request"] for c in mine], [code])
        self.assertEqual(Complaint.objects.get().complainant, Submission.objects.get().applicant)
        with self.captureOnCommitCallbacks(execute=True):
            written = self.call(
                "post",
                "/api/v1/me/letters/",
                token,
                {
                    "agency": self.agency.slug,
                    "subject": "رونوشت پروانه",
                    "body": "لطفاً رونوشت مهرشده پروانه را بفرستید.",
                    "about": code,
                    "documents": SimpleUploadedFile("id.pdf", PDF_BYTES, "application/pdf"),
                },
                key=new_key(),
                multipart=True,
            )
        self.assertEqual(written.status_code, 201, written.content)
        letter = self.call(
            "get", f"/api/v1/me/letters/{written.json()['tracking_code']}/", token
        ).json()
        self.assertEqual((letter["about"], letter["channel"]), (code, "api"))
        self.assertEqual(Letter.objects.get().about, Submission.objects.get())
