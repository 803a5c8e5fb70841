"""Two agencies with one of everything each, for the generated outsider sweeps: services,
workflows (published and draft) with departments and positions, overdue rules, calendars and
closures, offices and slots, bookings and breaches, requests with files and issued documents,
messages. Agency B's rows carry «ب» in their names so that a page leaking one shows it."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from desk.accounts.models import User
from desk.agencies.models import Agency, Role
from desk.appointments.models import (
    Appointment,
    Breach,
    Office,
    Policy,
    SlotException,
    SlotTemplate,
)
from desk.calendars.models import Closure, OfficeHours, WeeklyDaysOff
from desk.catalog.models import Service
from desk.complaints import services as complaint_services
from desk.complaints.models import About, Complaint, ComplaintPolicy, Kind
from desk.delivery.models import IssuedDocument
from desk.evaluation.defaults import CODE as EVALUATION_TEMPLATE
from desk.evaluation.models import Answer, Assessment, Cycle, Evidence, Indicator, Template
from desk.inquiries.models import Inquiry, InquiryFile, InquiryRule, Peer
from desk.integrations.models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from desk.integrations.services import api_key_create
from desk.letters import services as letter_services
from desk.letters.models import Letter, LetterReply, Register
from desk.lib.jalali import to_jalali
from desk.notifications.models import Channel, MessageStatus, OutboundMessage
from desk.oversight.models import CaseReview
from desk.payments.models import (
    Charge,
    FeeKind,
    FeeOption,
    GatewayAccount,
    Payment,
    PaymentState,
    Provider,
    ServiceFee,
)
from desk.submissions import services as submission_services
from desk.submissions.models import Submission
from desk.submissions.tests.base import checked_upload
from desk.surveys.models import Invitation, ServiceSurvey, SurveyForm
from desk.surveys.services import response_save
from desk.test import (
    PDF_BYTES,
    create_citizen,
    create_service,
    create_staff,
    define_permit_workflow,
)
from desk.workflow.models import Department, EscalationRule, Position, WorkflowVersion
from desk.workflow.services import workflow_new_version


@dataclass
class Side:
    """One agency's rows."""

    agency: Agency
    admin: User
    manager: User
    expert: User
    service: Service
    draft: WorkflowVersion
    submission: Submission
    appointment: Appointment
    document: IssuedDocument
    message: OutboundMessage
    clerk: User
    extra: dict[str, Any] = field(default_factory=dict)


def build_side(agency: Agency, tag: str, key: str, citizen: User, root: User) -> Side:
    """Everything an agency owns, named with ``tag`` (``key`` where Latin letters must do)."""
    admin = create_staff(agency, f"admin-{key}", Role.ADMIN)
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    manager = create_staff(agency, f"manager-{key}", Role.MANAGER)
    expert = create_staff(agency, f"expert-{key}", Role.EXPERT)
    clerk = create_staff(agency, f"clerk-{key}", Role.CLERK)
    service = create_service(
        agency, slug=f"permit-{key}", title=f"پروانه {tag}", in_person_visits=1
    )
    published = define_permit_workflow(service)
    draft = workflow_new_version(workflow=published.workflow, actor=root)
    for department in Department.objects.filter(agency=agency):
        Position.objects.create(staff=expert.staff, department=department, role=Role.EXPERT)
    EscalationRule.objects.create(agency=agency, reassign_to=manager.staff)
    today = timezone.localdate()
    WeeklyDaysOff.objects.create(agency=agency, starts_on=today, friday=True, note=f"هفته {tag}")
    OfficeHours.objects.create(agency=agency, starts_on=today, note=f"ساعت {tag}")
    Closure.objects.create(
        scope="agency",
        agency=agency,
        starts_on=today + datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=60),
        kind="energy",
        reason=f"تعطیلی {tag}",
        created_by=root,
    )
    office = Office.objects.create(
        agency=agency, name=f"دفتر {tag}", address=f"نشانی {tag}", counters=1
    )
    Policy.objects.create(agency=agency)
    SlotTemplate.objects.create(office=office, service=service, weekday=0)
    SlotException.objects.create(office=office, service=service, date=today, note=f"علت {tag}")
    starts = timezone.now() + datetime.timedelta(days=2)
    appointment = Appointment.objects.create(
        booking_code=f"{uuid.uuid4().int % 10**12:012d}",
        citizen=citizen,
        national_code=citizen.national_code or "",
        mobile=citizen.mobile,
        agency=agency,
        office=office,
        service=service,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=30),
        visit_on=starts.date(),
        created_by=citizen,
    )
    Breach.objects.create(
        agency=agency,
        office=office,
        service=service,
        requested_on=today,
        promised_by=today,
        reason=f"نوبت نبود {tag}",
    )
    submission = submission_services.submission_create(
        service=service,
        applicant=citizen,
        answers={"address": f"نشانی ملک {tag}"},
        files={"deed": checked_upload()},
        idempotency_key=uuid.uuid4(),
    )
    document = _document(submission, manager)
    message = OutboundMessage.objects.create(
        to="+989121234567",
        channel=Channel.SMS,
        kind="status",
        body=f"پیام {tag}",
        reference=submission.tracking_code,
        agency=agency,
        status=MessageStatus.TEMPORARY_FAILURE,  # given up on: staff may retry it
        next_attempt_at=None,
    )
    charge, payment = _payment(submission, tag, key)
    letter, reply = _letter(agency, citizen, tag)
    complaint = _complaint(submission, manager, tag)
    invitation = _survey(submission, tag, key)
    api_key = api_key_create(
        agency=agency, name=f"سامانه {tag}", scopes=["catalog:read"], created_by=admin
    ).key
    assessment, evidence = _assessment(agency, admin, root, tag)
    endpoint, delivery = _webhook(agency, key)
    return Side(
        agency=agency,
        admin=admin,
        manager=manager,
        expert=expert,
        service=service,
        draft=draft,
        submission=submission,
        appointment=appointment,
        document=document,
        message=message,
        clerk=clerk,
        extra={
            "charge": charge,
            "payment": payment,
            "letter": letter,
            "reply": reply,
            "complaint": complaint,
            "invitation": invitation,
            "api_key": api_key,
            "assessment": assessment,
            "evidence": evidence,
            "endpoint": endpoint,
            "delivery": delivery,
        },
    )


def _webhook(agency: Agency, key: str) -> tuple[WebhookEndpoint, WebhookDelivery]:
    """An endpoint with one failed delivery and its attempt (rows only: nothing is sent)."""
    endpoint = WebhookEndpoint.objects.create(
        agency=agency,
        url=f"https://hooks-{key}.example.ir/desk",
        events=[EventType.REQUEST_SUBMITTED],
        secret=f"whsec_{key}",
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        event_type=EventType.REQUEST_SUBMITTED,
        body="{}",
        status="failed",
        attempts=1,
        response_code=500,
        error="HTTP 500",
    )
    WebhookAttempt.objects.create(delivery=delivery, response_code=500, error="HTTP 500")
    return endpoint, delivery


def _payment(submission: Submission, tag: str, key: str) -> tuple[Charge, Payment]:
    """A fee with options, the agency's gateway, a bill and a settled payment of it."""
    fee = ServiceFee.objects.create(
        service=submission.service, kind=FeeKind.OPTIONS, purpose=f"عوارض {tag}"
    )
    FeeOption.objects.create(fee=fee, label=f"گزینه {tag}", amount=1000)
    GatewayAccount.objects.create(agency=submission.agency, provider=Provider.FAKE)
    charge = Charge.objects.create(
        submission=submission,
        agency=submission.agency,
        purpose=f"عوارض {tag}",
        options=[{"label": f"گزینه {tag}", "amount": 1000}],
    )
    payment = Payment.objects.create(
        charge=charge,
        agency=submission.agency,
        provider=Provider.FAKE,
        amount=1000,
        state=PaymentState.SETTLED,
        reference=f"ref-{key}",
        settled_at=timezone.now(),
    )
    return charge, payment


def _letter(agency: Agency, citizen: User, tag: str) -> tuple[Letter, LetterReply]:
    """The agency's register settings, an open letter with a scan, and an answered one."""
    Register.objects.create(agency=agency, incoming_format=f"{{year}}/{{number}}/{tag}")
    letters = [
        letter_services.letter_create(
            agency=agency,
            citizen=citizen,
            registered_by=citizen,
            subject=f"نامه {tag}",
            body=f"متن نامه {tag}",
            files=[checked_upload()],
            idempotency_key=uuid.uuid4(),
        )
        for _ in range(2)
    ]
    reply = LetterReply.objects.create(  # no PDF rendered: the sweeps never reach one
        letter=letters[1],
        agency=agency,
        year=letters[1].year,
        serial=1,
        number=f"پاسخ {tag}",
        body=f"متن پاسخ {tag}",
        issued_by=citizen,
        verification_code=f"{uuid.uuid4().int % 10**15:015d}",
    )
    return letters[0], reply


def _complaint(submission: Submission, manager: User, tag: str) -> Complaint:
    """The agency's complaint policy and an objection-like complaint about the request, filed
    by its applicant with a file, answered by the agency (its manager handles complaints):
    every staff and citizen page of it has something to show."""
    ComplaintPolicy.objects.create(agency=submission.agency, answer_days=10)
    complaint = complaint_services.complaint_file(
        kind=Kind.COMPLAINT,
        about=About.REQUEST,
        citizen=submission.applicant,
        submission=submission,
        text=f"شکایت {tag}",
        files=[checked_upload()],
    ).complaint
    complaint_services.complaint_answer(
        complaint_id=complaint.pk, actor=manager, answer=f"پاسخ {tag}", outcome="dismissed"
    )
    return Complaint.objects.get(pk=complaint.pk)


def _survey(submission: Submission, tag: str, key: str) -> Invitation:
    """The service's survey setting, an invitation and a response with a free text."""
    form = SurveyForm.objects.get(kind="eservice")
    today = to_jalali(timezone.now())
    ServiceSurvey.objects.create(service=submission.service, agency=submission.agency, form=form)
    invitation = Invitation.objects.create(
        submission=submission,
        token=f"token-{key}",
        form_version=form.versions.get(number=1),
        agency=submission.agency,
        service=submission.service,
        province=submission.agency.province,
        outcome="completed",
        mobile=submission.applicant_mobile,
        year=today.year,
        month=today.month,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    answers: dict[str, int | str | None] = {
        "ease_of_use": 4,
        "information": 4,
        "speed": 3,
        "overall": 4,
        "comment": f"نظر شهروند {tag}",
    }
    response_save(token=invitation.token, answers=answers)
    return invitation


def _assessment(agency: Agency, admin: User, root: User, tag: str) -> tuple[Assessment, Evidence]:
    """A cycle of this agency alone (so no other agency's admin sees it) with its
    self-assessment sent to the evaluators: a score on every indicator, evidence on one."""
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        title=f"دوره ارزیابی {tag}",
        template=Template.objects.get(code=EVALUATION_TEMPLATE, version=1),
        period_starts_on=today - datetime.timedelta(days=180),
        period_ends_on=today,
        self_due_on=today + datetime.timedelta(days=10),
        opened_by=root,
    )
    assessment = Assessment.objects.create(cycle=cycle, agency=agency, state="submitted")
    indicators = Indicator.objects.filter(axis__template=cycle.template)
    answers = Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=i, self_score=2, self_note=f"توضیح {tag}")
        for i in indicators
    )
    evidence = Evidence(
        answer=answers[0],
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=admin,
    )
    evidence.file.save("evidence.pdf", ContentFile(PDF_BYTES), save=False)
    evidence.save()
    return assessment, evidence


def _document(submission: Submission, issuer: User) -> IssuedDocument:
    document = IssuedDocument(
        submission=submission,
        verification_code=f"{uuid.uuid4().int % 10**12:012d}",
        title="نتیجه",
        body="متن",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        issued_at=timezone.now(),
        issued_by=issuer,
    )
    document.file.save("result.pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    return document


def build_world(agency_a: Agency, agency_b: Agency, citizen_a: User) -> tuple[Side, Side, User]:
    """Agency A and agency B, each with one of everything (B's requests by another citizen);
    and the operator."""
    root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
    citizen_b = create_citizen("0013542419", "+989351112233")
    a = build_side(agency_a, "الف", "a", citizen_a, root)
    b = build_side(agency_b, "ب", "b", citizen_b, root)
    peer = Peer.objects.create(
        name="سامانه همتا", key="peer", base_url="https://peer.example.ir", secret="s"
    )
    a.extra.update(_inquiries(a, peer, asked_by=None, tag="الف"))
    b.extra.update(_inquiries(b, peer, asked_by=a, tag="ب"))
    for side in (a, b):
        side.extra["case_review"] = CaseReview.objects.create(
            agency=side.agency,
            opened_by=root,
            reason="بررسی موردی",
            closes_at=timezone.now() + datetime.timedelta(hours=1),
        )
    return a, b, root


def _inquiries(side: Side, peer: Peer, *, asked_by: Side | None, tag: str) -> dict[str, Any]:
    """The side's inquiry rule; an inquiry it was asked (B: by A about A's request, sharing
    its address and not its deed; A: by another installation); and its own request's inquiry
    to another installation, answered with a file."""
    InquiryRule.objects.create(
        service=side.service, step_key="technical", question=f"پرسش {tag}", shared_fields="address"
    )
    due = timezone.localdate() + datetime.timedelta(days=5)
    if asked_by is not None:
        received = Inquiry.objects.create(
            submission=asked_by.submission,
            from_agency=asked_by.agency,
            to_agency=side.agency,
            case_reference=asked_by.submission.tracking_code,
            question=f"استعلام از {tag}",
            fields=["address"],
            due_on=due,
        )
    else:
        received = Inquiry.objects.create(
            to_agency=side.agency,
            peer=peer,
            remote_id=uuid.uuid4(),
            remote_agency="دستگاه همتا",
            case_reference="000011112222",
            question=f"استعلام همتا از {tag}",
            shared=[["نشانی", "نشانی همتا"]],
            due_on=due,
        )
    asked = Inquiry.objects.create(
        submission=side.submission,
        from_agency=side.agency,
        peer=peer,
        remote_agency="registry",
        case_reference=side.submission.tracking_code,
        question=f"استعلام {tag} از همتا",
        state="answered",
        answer=f"پاسخ همتا به {tag}",
        due_on=due,
    )
    answer_file = InquiryFile(
        inquiry=asked, original_name="answer.pdf", content_type="application/pdf", size=1, sha256=""
    )
    answer_file.file.save("answer.pdf", ContentFile(PDF_BYTES), save=False)
    answer_file.save()
    return {"inquiry": received, "answer_file": answer_file}
