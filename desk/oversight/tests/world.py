"""A hand-built data set with known answers (docs/oversight.md, "The test data set").

Agency A (Tehran) and its two services, agency B (Fars) with one, over Tir 1404
(2025-06-22 … 2025-07-22). Every request of A is filed on Saturday 2025-07-12 (1404/04/21)
or the day after; Thursdays and Fridays are off and no official holiday falls in 12–22 July.
The expected figures are in ``EXPECTED`` (tests/test_kpis.py reads it as a table).
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from desk.accounts.models import User
from desk.agencies.models import Agency, OversightLevel, Role
from desk.appointments.models import Appointment, AppointmentStatus, Breach, Office
from desk.catalog.models import Regulation, RequiredDocument, Service, ServiceStep
from desk.complaints.models import Complaint
from desk.inquiries.models import Inquiry
from desk.lib import tracking
from desk.lib.jalali import TEHRAN
from desk.notifications.models import MessageStatus, OutboundMessage
from desk.payments.models import Charge, Payment, PaymentState
from desk.submissions.models import Status, Submission
from desk.surveys.models import FormKind, Invitation, Response, SurveyForm
from desk.test import create_agency, create_service, create_staff

FIRST = datetime.date(2025, 6, 22)  # 1404/04/01
LAST = datetime.date(2025, 7, 22)  # 1404/04/31
YEAR, MONTH = 1404, 4

# KPI → (agency A, agency B) for Tir 1404; None: no figure (nothing to divide by).
EXPECTED: dict[str, tuple[float | None, float | None]] = {
    "volume": (7, 1),
    "web_share": (5 / 7 * 100, 100.0),
    "desk_share": (1 / 7 * 100, 0.0),
    "phone_share": (1 / 7 * 100, 0.0),
    "on_time": (50.0, None),
    "median_days": (2, None),
    "p90_days": (4, None),
    "overdue_now": (1, 0),
    "visits_per_request": (2 / 7, 0.0),
    "appointment_compliance": (100 / 3, None),
    "satisfaction_overall": (4.0, None),
    "satisfaction_transparency": (4.0, None),
    "response_rate": (50.0, None),
    "connections_share": (50.0, None),
    "complaints_per_1000": (2 / 7 * 1000, 0.0),
    "complaint_answer_days": (2.0, None),
    "inquiry_given_days": (3.0, 1.5),
    "inquiry_received_days": (1.5, 3.0),
    "sms_delivery": (75.0, None),
    "complete_cards": (50.0, 0.0),
    "revenue": (400_000, 0),
}

_codes = itertools.count(1)


def at(day: int, hour: int = 10, month: int = 7) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, 0, tzinfo=TEHRAN)


def complete_service(agency: Agency) -> Service:
    """A service whose card states everything the directive asks for."""
    service = create_service(
        agency,
        slug="complete-card",
        title="گواهی پایان کار",
        description="صدور گواهی پایان کار ساختمان",
        responsible_phone="021-88000000",
        fee_description="رایگان",
        channels=["web"],
        life_event="ساخت خانه",
        trigger="پایان ساخت",
    )
    ServiceStep.objects.create(service=service, title="ثبت درخواست")
    RequiredDocument.objects.create(service=service, title="پروانه ساختمان")
    Regulation.objects.create(service=service, title="قانون شهرداری‌ها")
    return service


class World:
    """Builds the data set on the test's personas (``BaseTestCase``)."""

    def __init__(self, case: Any) -> None:
        self.a: Agency = case.agency
        self.b: Agency = case.other_agency
        self.b.province = "فارس"
        self.b.save()
        self.s1: Service = case.service  # incomplete card (no description, steps …)
        self.s2 = complete_service(self.a)
        self.s3 = create_service(self.b, slug="gas-meter", title="جابه‌جایی کنتور")
        self.citizen: User = case.citizen
        self.expert: User = case.expert
        self.requests: dict[str, Submission] = {}

    def request(self, name: str, service: Service, **fields: Any) -> Submission:
        fields.setdefault("submitted_at", at(12))
        submission = Submission.objects.create(
            tracking_code=tracking.generate(),
            service=service,
            agency=service.agency,
            applicant=self.citizen,
            applicant_national_code="0084575948",
            **fields,
        )
        self.requests[name] = submission
        return submission

    def build(self) -> World:
        self._requests()
        self._appointments()
        self._surveys()
        self._complaints()
        self._inquiries()
        self._messages()
        self._payments()
        return self

    def _requests(self) -> None:
        done, rejected = Status.COMPLETED, Status.REJECTED
        due = datetime.date(2025, 7, 15)
        # on time, 2 working days (13, 14)
        self.request("r1", self.s1, channel="web", status=done, closed_at=at(14), due_on=due)
        # late, 4 working days (13–16)
        self.request("r2", self.s1, channel="web", status=rejected, closed_at=at(16), due_on=due)
        # late, 5 working days (13–16, 19) less 1 waiting for the citizen
        self.request(
            "r3", self.s1, channel="desk", status=done, closed_at=at(19), due_on=due, paused_days=1
        )
        # open and overdue
        self.request("r4", self.s1, channel="phone", due_on=datetime.date(2025, 7, 14))
        # open, not yet due
        self.request("r5", self.s1, channel="web", due_on=datetime.date(2025, 8, 30))
        # open, past due but waiting for the citizen: not overdue
        self.request(
            "r6", self.s1, channel="web", due_on=datetime.date(2025, 7, 14), paused_at=at(13)
        )
        # answered the day it was filed: 0 working days, on time
        self.request(
            "r7",
            self.s2,
            channel="api",
            submitted_at=at(13, 9),
            status=done,
            closed_at=at(13, 15),
            due_on=datetime.date(2025, 7, 20),
        )
        # agency B: open, not due
        self.request("r8", self.s3, channel="web", submitted_at=at(14), due_on=at(30).date())
        # unpaid (filed, not on the clock): counted nowhere
        self.request("r9", self.s1, status=Status.AWAITING_PAYMENT, due_on=due)
        # expired unpaid (closed by the payments job, never sent to the agency, no closed_at):
        # counted nowhere, neither filed nor open
        self.request("r10", self.s1, status=Status.EXPIRED, due_on=datetime.date(2025, 7, 14))

    def _appointments(self) -> None:
        office = Office.objects.create(agency=self.a, name="دفتر مرکزی", address="تهران")
        kept = self._appointment(office, AppointmentStatus.COMPLETED)
        self._appointment(office, AppointmentStatus.NO_SHOW)
        common = {"agency": self.a, "office": office, "service": self.s1, "reason": "ظرفیت نبود"}
        day = datetime.date(2025, 7, 13)
        Breach.objects.create(
            appointment=kept, requested_on=day, promised_by=day, citizen=self.citizen, **common
        )
        Breach.objects.create(
            requested_on=datetime.date(2025, 7, 14),
            promised_by=day,
            citizen=self.citizen,
            **common,
        )

    def _appointment(self, office: Office, status: str) -> Appointment:
        return Appointment.objects.create(
            booking_code=f"B{next(_codes):06d}",
            citizen=self.citizen,
            national_code="0084575948",
            mobile="+989121234567",
            agency=self.a,
            office=office,
            service=self.s1,
            starts_at=at(15, 9),
            ends_at=at(15, 10),
            visit_on=datetime.date(2025, 7, 15),
            status=status,
            created_by=self.citizen,
            created_at=at(13),
        )

    def _surveys(self) -> None:
        version = SurveyForm.objects.get(kind=FormKind.TAKRIM).versions.get(number=1)
        invitations = [
            self._invitation(self.requests[n], version) for n in ("r1", "r2", "r3", "r7")
        ]
        answers = ((5.0, 4.0, False), (3.0, None, True))
        for invitation, (overall, transparency, flag) in zip(invitations, answers, strict=False):
            Response.objects.create(
                invitation=invitation,
                form_version=version,
                agency=invitation.agency,
                service=invitation.service,
                province=invitation.province,
                year=YEAR,
                month=MONTH,
                channel="web",
                submitted_at=at(20),
                overall=overall,
                transparency=transparency,
                red_flag=flag,
            )

    def _invitation(self, submission: Submission, version: Any) -> Invitation:
        return Invitation.objects.create(
            submission=submission,
            token=f"t{next(_codes):011d}",
            form_version=version,
            agency=submission.agency,
            service=submission.service,
            province=submission.agency.province,
            outcome="completed",
            mobile="+989121234567",
            year=YEAR,
            month=MONTH,
            created_at=submission.closed_at or at(12),
            expires_at=at(30, month=8),
        )

    def _complaints(self) -> None:
        common = {"agency": self.a, "text": "پاسخ نداده‌اند", "due_on": at(25).date()}
        Complaint.objects.create(
            tracking_code="9" + f"{next(_codes):07d}",
            kind="complaint",
            about="service",
            service=self.s1,
            filed_at=at(14),
            answered_at=at(16),
            state="answered",
            **common,
        )
        Complaint.objects.create(
            tracking_code="9" + f"{next(_codes):07d}",
            kind="report",
            about="staff",
            filed_at=at(14),
            **common,
        )

    def _inquiries(self) -> None:
        # A asks B about r1: answered in a day and a half.
        self._inquiry(self.requests["r1"], self.a, self.b, at(12), at(13, 22))
        # B asks A about r8: answered in three days.
        self._inquiry(self.requests["r8"], self.b, self.a, at(14), at(17))

    def _inquiry(
        self,
        submission: Submission,
        asking: Agency,
        answering: Agency,
        sent: datetime.datetime,
        answered: datetime.datetime,
    ) -> None:
        Inquiry.objects.create(
            submission=submission,
            from_agency=asking,
            to_agency=answering,
            case_reference=submission.tracking_code,
            question="آیا بدهی دارد؟",
            state="answered",
            sent_at=sent,
            due_on=at(25).date(),
            answered_at=answered,
            answer="ندارد",
        )

    def _messages(self) -> None:
        statuses = [MessageStatus.DELIVERED] * 3 + [
            MessageStatus.PERMANENT_FAILURE,
            MessageStatus.QUEUED,
        ]
        for status in statuses:
            OutboundMessage.objects.create(
                to="+989121234567",
                body="درخواست شما ثبت شد",
                kind="status",
                agency=self.a,
                status=status,
                created_at=at(12),
            )

    def _payments(self) -> None:
        charge = Charge.objects.create(
            submission=self.requests["r1"], agency=self.a, amount=500_000, purpose="عوارض"
        )
        for state, refunded in ((PaymentState.REFUNDED, 100_000), (PaymentState.FAILED, 0)):
            Payment.objects.create(
                charge=charge,
                agency=self.a,
                provider="fake",
                amount=500_000,
                state=state,
                refunded_amount=refunded,
                settled_at=at(15) if state == PaymentState.REFUNDED else None,
            )


def evaluators(case: Any) -> tuple[User, User, User]:
    """A national evaluator, a provincial one (Fars) and agency A's head."""
    national = create_agency("سازمان اداری و استخدامی کشور", "aeo")
    national.oversight = OversightLevel.NATIONAL
    national.save()
    fars = create_agency("اداره کل امور اداری فارس", "aeo-fars")
    fars.oversight, fars.province = OversightLevel.PROVINCIAL, "فارس"
    fars.save()
    return (
        create_staff(national, "national-evaluator"),
        create_staff(fars, "fars-evaluator"),
        create_staff(case.agency, "head", Role.HEAD),
    )
