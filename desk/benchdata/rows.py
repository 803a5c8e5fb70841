"""One function per model: how the generator builds each row.

When a model gains a column, the function for that model is the one place to fill it. Every
function returns an unsaved instance (or a list of them) for bulk_create; none touches the
database. Randomness comes from the `random.Random` passed in, so a seed repeats a data set
(tracking codes and keys aside: they come from the same generators the app uses).
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desk.accounts.models import User
from desk.agencies.models import Agency, Role, Staff
from desk.benchdata import words
from desk.catalog.models import (
    Category,
    Faq,
    FieldKind,
    FormField,
    Regulation,
    RequiredDocument,
    Service,
    ServiceStep,
)
from desk.lib import tracking
from desk.lib.jalali import format_date, to_jalali
from desk.lib.persian import to_persian_digits
from desk.notifications.models import MessageStatus, OutboundMessage
from desk.submissions.models import EventKind, Status, Submission, TimelineEvent
from desk.surveys.models import Channel as SurveyChannel
from desk.surveys.models import Invitation, Response
from desk.workflow.models import (
    Action,
    Department,
    Position,
    Step,
    StepKind,
    Workflow,
    WorkflowVersion,
)

# Share of requests in each status: most are long closed, a backlog is open.
STATUS_WEIGHTS: dict[str, float] = {
    Status.COMPLETED: 0.70,
    Status.REJECTED: 0.08,
    Status.SUBMITTED: 0.12,
    Status.IN_REVIEW: 0.06,
    Status.NEEDS_INFO: 0.04,
}
# Realistic queues: every agency has its departments, each with its experts; a service's
# requests are reviewed in one department; most open requests are assigned to an expert of it,
# a fifth of the submitted ones wait unassigned in the department's queue. With 100 agencies an
# agency has about 2,200 open requests and the measured expert (department 0) about 55 waiting.
EXPERTS_PER_DEPARTMENT = 5
UNASSIGNED_SHARE = 0.2
OPEN_DAYS_BACK = 45  # open requests were filed recently
CLOSED_DAYS_BACK = 730  # closed ones over the last two years


def agency_row(index: int) -> Agency:
    kind = words.AGENCY_KINDS[index % len(words.AGENCY_KINDS)]
    place = (index // len(words.AGENCY_KINDS)) % len(words.PROVINCES)
    province, city = words.PROVINCES[place], words.CITIES[place]
    return Agency(
        name=kind.format(province=province, city=city),
        slug=f"bench-agency-{index:04d}",
        description="دستگاه اجرایی نمونه برای سنجش کارایی",
        province=province,
        city=city,
        address=f"{city}، {words.STREETS[index % len(words.STREETS)]}، پلاک {index + 1}",
        phone=f"0{21 + index % 70}{index:08d}"[:11],
        sms_line=f"3000{index:04d}",
        is_active=True,
    )


def category_row(index: int) -> Category:
    slug, name = words.CATEGORIES[index]
    return Category(slug=f"bench-{slug}", name=name, order=index)


def service_row(index: int, *, agency: Agency, category: Category, rng: random.Random) -> Service:
    verb = words.SERVICE_VERBS[index % len(words.SERVICE_VERBS)]
    obj = words.SERVICE_OBJECTS[(index // len(words.SERVICE_VERBS)) % len(words.SERVICE_OBJECTS)]
    duration = rng.choice((3, 5, 7, 10, 15))
    service = Service(
        agency=agency,
        category=category,
        slug=f"bench-service-{index:05d}",
        title=f"{verb} {obj}",
        summary=f"{verb} {obj} برای شهروندان و کسب‌وکارها، بدون مراجعه حضوری",
        description=(
            f"متقاضی پس از ورود با کد ملی، فرم {verb} {obj} را پر می‌کند و مدارک را بارگذاری "
            f"می‌کند. نتیجه حداکثر {to_persian_digits(duration)} روز کاری بعد صادر می‌شود."
        ),
        national_id=f"B{index:07d}",
        audience=rng.choice(("G2C", "G2C", "G2B")),
        nature=rng.choice(("sovereign", "enterprise")),
        level=rng.choice(("national", "provincial", "city")),
        life_event=rng.choice(words.LIFE_EVENTS),
        trigger="درخواست متقاضی",
        in_person_visits=rng.choice((0, 0, 1)),
        channels=["web", "mobile", "sms"],
        average_duration_days=max(1, duration - 1),
        annual_volume=rng.randrange(100, 50000),
        maturity="4",
        duration_working_days=duration,
        fee_amount=rng.choice((0, 0, 150000, 500000, 2000000)),
        fee_description="واریز از درگاه پرداخت الکترونیکی دولت",
        complaint_procedure="ثبت شکایت در سامانه ۱۱۱ یا همین میز خدمت با کد رهگیری",
        responsible_name=f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}",
        responsible_title="رئیس اداره خدمات",
        responsible_phone=agency.phone,
        is_published=True,
        accepts_online=True,
    )
    # bulk_create skips save(), which is where the search key is normally computed.
    service.search_text = service.build_search_text()
    return service


def service_children_rows(service: Service) -> list[object]:
    """The card's steps, documents, regulations, FAQ and the application form."""
    rows: list[object] = []
    for order, title in enumerate(words.STEP_TITLES, start=1):
        rows.append(ServiceStep(service=service, order=order, title=title))
    for order, title in enumerate(words.DOCUMENT_TITLES, start=1):
        rows.append(RequiredDocument(service=service, order=order, title=title))
    for order, title in enumerate(words.REGULATIONS, start=1):
        rows.append(Regulation(service=service, order=order, title=title))
    for order, (question, answer) in enumerate(words.FAQ, start=1):
        rows.append(Faq(service=service, order=order, question=question, answer=answer))
    rows.extend(form_field_rows(service))
    return rows


# The form every generated service asks for; the load driver fills the same fields.
FORM = (
    ("address", "نشانی محل", FieldKind.TEXT, True),
    ("description", "توضیحات", FieldKind.TEXTAREA, False),
    ("deed", "تصویر سند یا مجوز", FieldKind.FILE, True),
)


def form_field_rows(service: Service) -> list[FormField]:
    return [
        FormField(service=service, order=order, name=name, label=label, kind=kind, required=req)
        for order, (name, label, kind, req) in enumerate(FORM, start=1)
    ]


def national_code(rng: random.Random) -> str:
    """A random valid national code (the check digit rule of PRODUCT.md)."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        if len(set(digits)) > 1 and any(digits[3:9]):
            break
    r = sum(d * (10 - i) for i, d in enumerate(digits)) % 11
    return "".join(map(str, digits)) + str(r if r < 2 else 11 - r)


def citizen_row(*, code: str, rng: random.Random) -> User:
    return User(
        username=f"citizen-{code}",
        national_code=code,
        mobile=f"+989{rng.randrange(10**9):09d}",
        first_name=rng.choice(words.FIRST_NAMES),
        last_name=rng.choice(words.LAST_NAMES),
        password="!bench",  # unusable: citizens sign in by SMS
        mobile_verified_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )


def staff_user_row(*, agency: Agency, role: str, password: str, rng: random.Random) -> User:
    return User(
        username=f"{agency.slug}-{role}",
        first_name=rng.choice(words.FIRST_NAMES),
        last_name=rng.choice(words.LAST_NAMES),
        password=password,
    )


def staff_row(*, user: User, agency: Agency, role: str) -> Staff:
    return Staff(user=user, agency=agency, role=role, title=str(Role(role).label))


def department_rows(agency: Agency) -> list[Department]:
    return [Department(agency=agency, name=name) for name in words.DEPARTMENTS]


def department_expert_user_row(
    *, agency: Agency, department: int, index: int, password: str, rng: random.Random
) -> User:
    return User(
        username=f"{agency.slug}-expert-{department:02d}-{index}",
        first_name=rng.choice(words.FIRST_NAMES),
        last_name=rng.choice(words.LAST_NAMES),
        password=password,
    )


def position_row(*, staff: Staff, department: Department) -> Position:
    return Position(staff=staff, department=department, role=Role.EXPERT)


def workflow_rows(service: Service) -> tuple[Workflow, WorkflowVersion]:
    """The service's workflow and its one published version (steps: `step_rows`)."""
    workflow = Workflow(service=service)
    version = WorkflowVersion(workflow=workflow, number=1, note="مسیر نمونه", published_at=_EPOCH)
    return workflow, version


_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def step_rows(version: WorkflowVersion, *, department: Department, days: int) -> list[Step]:
    """The default path (desk.workflow.services.default_workflow_steps) routed to a department:
    review (start) and ask-the-citizen in `department`, then the two ends."""
    common = {"version": version}
    return [
        Step(
            **common,
            key="review",
            order=0,
            kind=StepKind.REVIEW,
            is_start=True,
            citizen_label="در حال بررسی",
            staff_label="بررسی درخواست",
            role=Role.EXPERT,
            department=department,
            duration_days=days,
        ),
        Step(
            **common,
            key="ask",
            order=1,
            kind=StepKind.ASK_CITIZEN,
            citizen_label="در انتظار تکمیل اطلاعات از سوی شما",
            staff_label="در انتظار پاسخ متقاضی",
            role=Role.EXPERT,
            department=department,
            duration_days=5,
        ),
        Step(
            **common,
            key="done",
            order=2,
            kind=StepKind.END_COMPLETED,
            citizen_label="انجام شد",
            staff_label="انجام‌شده",
        ),
        Step(
            **common,
            key="rejected",
            order=3,
            kind=StepKind.END_REJECTED,
            citizen_label="رد شد",
            staff_label="ردشده",
        ),
    ]


def action_rows(steps: list[Step]) -> list[Action]:
    review, ask, done, rejected = steps
    deciders = [Role.EXPERT, Role.MANAGER]
    return [
        Action(
            source=review,
            target=ask,
            key="request_info",
            label="درخواست اطلاعات بیشتر",
            roles=deciders,
            needs_message=True,
            order=0,
        ),
        Action(
            source=review,
            target=rejected,
            key="reject",
            label="رد درخواست",
            roles=deciders,
            needs_message=True,
            order=1,
        ),
        Action(
            source=review,
            target=done,
            key="complete",
            label="انجام و صدور نتیجه",
            roles=deciders,
            needs_result=True,
            order=2,
        ),
        Action(
            source=ask,
            target=review,
            key="provide_info",
            label="ارسال اطلاعات تکمیلی",
            by_citizen=True,
            order=3,
        ),
    ]


@dataclass(frozen=True)
class Route:
    """Where a service's requests go: its workflow version, steps by key, its department and
    that department's experts (user ids)."""

    version_id: int
    steps: Mapping[str, Step]
    department_id: int
    experts: tuple[int, ...]


def place_in_workflow(
    submission: Submission, *, route: Route, now: datetime.datetime, rng: random.Random
) -> None:
    """Put a request where its status says it is: an open one at its step in the service's
    department (assigned to one of its experts, or for a fifth of the submitted ones waiting
    unassigned), a closed one at its end step."""
    submission.workflow_version_id = route.version_id
    status = submission.status
    if status == Status.COMPLETED:
        submission.current_step = route.steps["done"]
        return
    if status == Status.REJECTED:
        submission.current_step = route.steps["rejected"]
        return
    step = route.steps["ask" if status == Status.NEEDS_INFO else "review"]
    submission.current_step = step
    submission.department_id = route.department_id
    if status != Status.SUBMITTED or rng.random() >= UNASSIGNED_SHARE:
        submission.assigned_to_id = rng.choice(route.experts)
    started = submission.submitted_at
    if status != Status.SUBMITTED:
        started += (now - started) * rng.random() * 0.5
    submission.step_started_at = started
    submission.step_due_on = started.date() + datetime.timedelta(
        days=step.duration_days * 7 // 5 + 1
    )
    if status == Status.NEEDS_INFO:
        submission.paused_at = started


@dataclass(frozen=True)
class Applicant:
    """What a request copies from its citizen (kept small: 200,000 of them stay in memory)."""

    pk: int
    name: str
    national_code: str
    mobile: str


def submission_row(
    *,
    service: Service,
    applicant: Applicant,
    status: str,
    now: datetime.datetime,
    used_codes: set[str],
    rng: random.Random,
) -> Submission:
    is_open = status in (Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFO)
    days_back = OPEN_DAYS_BACK if is_open else CLOSED_DAYS_BACK
    submitted_at = now - datetime.timedelta(seconds=rng.randrange(days_back * 86400))
    # Working days are roughly 5 in 7; the generator does not need the exact calendar.
    due_on = submitted_at.date() + datetime.timedelta(
        days=service.duration_working_days * 7 // 5 + 1
    )
    closed_at = None
    if not is_open:
        closed_at = submitted_at + datetime.timedelta(hours=rng.randrange(2, 24 * 20))
        closed_at = min(closed_at, now)
    code = tracking_code(rng)
    while code in used_codes:
        code = tracking_code(rng)
    used_codes.add(code)
    return Submission(
        tracking_code=code,
        service=service,
        agency_id=service.agency_id,
        applicant_id=applicant.pk,
        applicant_name=applicant.name,
        applicant_national_code=applicant.national_code,
        applicant_mobile=applicant.mobile,
        data={
            "address": f"{rng.choice(words.CITIES)}، {rng.choice(words.STREETS)}، "
            f"پلاک {rng.randrange(1, 400)}",
            "deed": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        },
        status=status,
        submitted_at=submitted_at,
        due_on=due_on,
        closed_at=closed_at,
        idempotency_key=uuid.UUID(int=rng.getrandbits(128), version=4),
    )


def tracking_code(rng: random.Random) -> str:
    """A code in the app's format (desk.lib.tracking), drawn from `rng`: 11 digits and the
    Damm check digit. tracking.generate() uses the system's randomness, too slow for a million."""
    body = str(rng.randrange(10**10, 10**11))
    return body + str(tracking._damm(body))


def timeline_rows(
    submission: Submission, *, expert_id: int, now: datetime.datetime, rng: random.Random
) -> list[TimelineEvent]:
    """The events that led the request to its status, oldest first."""
    start = submission.submitted_at
    end = submission.closed_at or min(now, start + datetime.timedelta(days=rng.randrange(1, 5)))
    steps: list[tuple[str, str, int, str]] = [
        (EventKind.SUBMITTED, Status.SUBMITTED, submission.applicant_id, "")
    ]
    status = submission.status
    if status != Status.SUBMITTED:
        steps.append((EventKind.REVIEW_STARTED, Status.IN_REVIEW, expert_id, ""))
    if status == Status.NEEDS_INFO or (status == Status.COMPLETED and rng.random() < 0.2):
        question = rng.choice(words.INFO_QUESTIONS)
        steps.append((EventKind.INFO_REQUESTED, Status.NEEDS_INFO, expert_id, question))
        if status != Status.NEEDS_INFO:
            steps.append(
                (EventKind.INFO_PROVIDED, Status.IN_REVIEW, submission.applicant_id, "بارگذاری شد")
            )
    if status == Status.REJECTED:
        reason = rng.choice(words.REJECT_REASONS)
        steps.append((EventKind.REJECTED, Status.REJECTED, expert_id, reason))
    elif status == Status.COMPLETED:
        steps.append((EventKind.COMPLETED, Status.COMPLETED, expert_id, ""))
    gap = (end - start) / max(1, len(steps) - 1)
    return [
        TimelineEvent(
            submission=submission,
            kind=kind,
            status_after=after,
            actor_id=actor,
            message=message,
            created_at=start + gap * i,
        )
        for i, (kind, after, actor, message) in enumerate(steps)
    ]


_SMS = {
    Status.SUBMITTED: "درخواست «{service}» ثبت شد.\nکد رهگیری: {code}\nموعد پاسخ: {due}",
    Status.IN_REVIEW: "درخواست {code} در حال بررسی است.",
    Status.NEEDS_INFO: "برای درخواست {code} اطلاعات یا مدرک بیشتری لازم است.",
    Status.REJECTED: "درخواست {code} رد شد. علت را در صفحه پیگیری ببینید.",
    Status.COMPLETED: "درخواست {code} انجام شد. نتیجه را از صفحه پیگیری دریافت کنید.",
}


def message_row(
    submission: Submission, event: TimelineEvent, *, service: Service, agency_name: str
) -> OutboundMessage:
    """The SMS sent for one status change (already sent: the outbox of a running system)."""
    status = Status(event.status_after)
    body = _SMS[status].format(
        service=service.title,
        code=to_persian_digits(submission.tracking_code),
        due=format_date(submission.due_on) if status == Status.SUBMITTED else "",
    )
    return OutboundMessage(
        to=submission.applicant_mobile,
        body=f"{body}\nمیز خدمت {agency_name}",
        kind=f"status_{event.status_after}",
        reference=submission.tracking_code,
        status=MessageStatus.SENT,
        attempts=1,
        provider_id=f"bench-{submission.tracking_code}-{event.kind}",
        created_at=event.created_at,
        sent_at=event.created_at + datetime.timedelta(seconds=3),
    )


# --- satisfaction surveys (manage.py bench_surveys) ---------------------------------------------

SURVEY_COMMENTS = (
    "کارمند باحوصله توضیح داد.",
    "صف نوبت خیلی شلوغ بود.",
    "سامانه چند بار خطا داد.",
    "زودتر از موعد کارم انجام شد.",
    "برای یک مدرک دو بار مراجعه کردم.",
)


def invitation_row(
    *, submission: Mapping[str, Any], version_id: int, province: str, token: str
) -> Invitation:
    """The invitation of an ended request (a values() row of it), dated at its end."""
    ended = submission["closed_at"]
    day = to_jalali(ended)
    return Invitation(
        submission_id=submission["pk"],
        token=token,
        form_version_id=version_id,
        agency_id=submission["agency_id"],
        service_id=submission["service_id"],
        province=province,
        outcome=submission["status"],
        mobile=submission["applicant_mobile"],
        year=day.year,
        month=day.month,
        created_at=ended,
        expires_at=ended + datetime.timedelta(days=30),
        reminded_at=ended + datetime.timedelta(days=3),
    )


def response_row(*, invitation: Invitation, takrim: bool, rng: random.Random) -> Response:
    """A response around one level of satisfaction: each axis near it, the short form without
    the axes it does not ask; 8 % felt the need for connections, 1 in 10 wrote something;
    a fifth answered by SMS (the overall question only)."""
    level = rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 5))

    def axis() -> float:
        return float(min(5, max(1, level + rng.choice((-1, 0, 0, 1)))))

    sms = rng.random() < 0.2
    return Response(
        invitation_id=invitation.pk,
        form_version_id=invitation.form_version_id,
        agency_id=invitation.agency_id,
        service_id=invitation.service_id,
        province=invitation.province,
        year=invitation.year,
        month=invitation.month,
        channel=SurveyChannel.SMS if sms else SurveyChannel.WEB,
        submitted_at=invitation.created_at + datetime.timedelta(hours=rng.randint(1, 96)),
        changed_at=None,
        transparency=None if sms else axis(),
        responsiveness=None if sms or not takrim else axis(),
        mastery=None if sms or not takrim else axis(),
        time=None if sms else axis(),
        systematic=None if sms else axis(),
        overall=float(level),
        red_flag=None if sms or not takrim else rng.random() < 0.08,
        comment=rng.choice(SURVEY_COMMENTS) if not sms and rng.random() < 0.1 else "",
    )
