"""Writes of the surveys app: invite when a request ends, save a response (web or SMS),
remind once, report the red flag."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.agencies.models import Role, Staff
from desk.catalog.models import Service
from desk.core.errors import ApplicationError
from desk.core.events import SubmissionCompleted, SubmissionRejected
from desk.lib import jalali
from desk.lib.persian import to_persian_digits
from desk.notifications.services import message_queue_template
from desk.submissions.models import Status, Submission
from desk.surveys.models import (
    AXES,
    FULL_CHANNELS,
    Answer,
    Channel,
    FormKind,
    FormVersion,
    Invitation,
    Outcome,
    Question,
    QuestionKind,
    RedFlag,
    Response,
    ServiceSurvey,
    SurveyForm,
)

# What a «موردی نداشت» answer is passed as (no score is kept for it).
NOT_APPLICABLE = 0


def survey_link(token: str) -> str:
    """The short link an SMS carries (no sign-in needed)."""
    return settings.SITE_URL.rstrip("/") + reverse("survey_short", args=[token])


# --- which form ----------------------------------------------------------------------------------


def form_for_service(service: Service) -> SurveyForm | None:
    """The service's chosen form; by default the short one for services done wholly online
    and the تکریم questionnaire for those that need a visit. None: the service asks none."""
    setting = ServiceSurvey.objects.select_related("form").filter(service=service).first()
    if setting is not None:
        return setting.form if setting.enabled else None
    kind = FormKind.ESERVICE if service.in_person_visits == 0 else FormKind.TAKRIM
    return SurveyForm.objects.filter(kind=kind).first()


def forms_install() -> None:
    """The two national questionnaires, if missing (a database a test has emptied; the
    data migration installs them everywhere else)."""
    from desk.surveys.questionnaires import install

    install(SurveyForm, FormVersion, Question, timezone.now())


def version_in_force(form: SurveyForm) -> FormVersion | None:
    return form.versions.filter(published_at__isnull=False).order_by("-number").first()


@transaction.atomic
def version_copy(*, version_id: int) -> FormVersion:
    """A draft of the next version of a form, with a copy of ``version_id``'s questions."""
    source = FormVersion.objects.select_for_update().get(pk=version_id)
    latest = FormVersion.objects.filter(form_id=source.form_id).order_by("-number").first()
    number = (latest.number if latest else 0) + 1
    draft = FormVersion.objects.create(form_id=source.form_id, number=number)
    for question in source.questions.all():
        question.pk = None
        question.version = draft
        question.save(force_insert=True)
    return draft


@transaction.atomic
def version_publish(*, version_id: int) -> FormVersion:
    """Put a draft in force for the invitations sent from now on (frozen from then)."""
    version = FormVersion.objects.select_for_update().get(pk=version_id)
    if version.is_published:
        raise ApplicationError(_("این نسخه پیش‌تر منتشر شده است."))
    questions = list(version.questions.all())
    if not any(q.kind == QuestionKind.SCALE for q in questions):
        raise ApplicationError(_("نسخه دست‌کم یک پرسش پنج‌گزینه‌ای می‌خواهد."))
    if any(q.kind == QuestionKind.SCALE and q.labels and len(q.labels) != 5 for q in questions):
        raise ApplicationError(_("هر پرسش پنج‌گزینه‌ای پنج برچسب می‌خواهد (یا هیچ)."))
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    return version


# --- invitations ---------------------------------------------------------------------------------


def on_submission_completed(event: SubmissionCompleted) -> None:
    """Subscriber of *submission completed* (desk/core/events.py)."""
    invitation_create(submission_id=event.submission_id)


def on_submission_rejected(event: SubmissionRejected) -> None:
    """Subscriber of *submission rejected*: a refusal is a service the citizen rates too."""
    invitation_create(submission_id=event.submission_id)


def _token() -> str:
    return secrets.token_urlsafe(9)  # 12 characters, 72 random bits


@transaction.atomic
def invitation_create(
    *, submission_id: int, now: datetime.datetime | None = None
) -> Invitation | None:
    """Invite the applicant of an ended request, once per request: the link works at once
    (the request page shows it) and ``invitations_text`` texts it a little later. None when
    the request is still open, was invited before, or its service asks no survey."""
    submission = (
        Submission.objects.select_for_update()
        .select_related("service", "agency")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or submission.status not in (Status.COMPLETED, Status.REJECTED):
        return None
    if Invitation.objects.filter(submission=submission).exists():
        return None
    form = form_for_service(submission.service)
    version = version_in_force(form) if form is not None else None
    if version is None:
        return None
    now = now or timezone.now()
    ended = submission.closed_at or now
    day = jalali.to_jalali(ended)
    invitation = Invitation.objects.create(
        submission=submission,
        token=_token(),
        form_version=version,
        agency=submission.agency,
        service=submission.service,
        province=submission.agency.province,
        outcome=(Outcome.COMPLETED if submission.status == Status.COMPLETED else Outcome.REJECTED),
        mobile=submission.applicant_mobile,
        year=day.year,
        month=day.month,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.SURVEY_INVITATION_DAYS),
    )
    return invitation


def _text(invitation: Invitation, event: str) -> None:
    submission = invitation.submission
    message_queue_template(
        to=invitation.mobile,
        event=event,
        context={
            "service": submission.service.title,
            "tracking_code": submission.tracking_code,
            "url": survey_link(invitation.token),
            "agency": submission.agency.name,
        },
        agency_id=invitation.agency_id,
        reference=submission.tracking_code,
    )


def invitation_open(invitation: Invitation, now: datetime.datetime | None = None) -> bool:
    """Whether the citizen may answer now: before the link expires, or, once answered,
    while the response may still be changed."""
    now = now or timezone.now()
    response = getattr(invitation, "response", None)
    if response is None:
        return not invitation.is_expired(now)
    return now < response.changeable_until()


def invitations_text(*, now: datetime.datetime | None = None) -> int:
    """Text each invitation SURVEY_INVITE_DELAY_MINUTES after its request ended, unless it
    was answered (on the request page) or has expired meanwhile. Returns how many went."""
    now = now or timezone.now()
    due = now - datetime.timedelta(minutes=settings.SURVEY_INVITE_DELAY_MINUTES)
    ready = Invitation.objects.filter(
        texted_at__isnull=True, created_at__lte=due, expires_at__gt=now, response__isnull=True
    )
    return _text_each(ready, "texted_at", "survey_invitation", now)


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """One reminder to each invitation unanswered SURVEY_REMIND_AFTER_DAYS after it was texted
    and not yet expired. Returns how many were sent."""
    now = now or timezone.now()
    due = now - datetime.timedelta(days=settings.SURVEY_REMIND_AFTER_DAYS)
    ready = Invitation.objects.filter(
        reminded_at__isnull=True, texted_at__lte=due, expires_at__gt=now, response__isnull=True
    )
    return _text_each(ready, "reminded_at", "survey_reminder", now)


def _text_each(ready: QuerySet[Invitation], stamp: str, event: str, now: datetime.datetime) -> int:
    """Stamp and text each invitation of ``ready`` once: each under its row lock, so two
    runs of the job never text one twice."""
    sent = 0
    for pk in list(ready.values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("submission__service", "submission__agency")
                .filter(pk=pk, **{f"{stamp}__isnull": True}, response__isnull=True)
                .first()
            )
            if invitation is None:
                continue
            setattr(invitation, stamp, now)
            invitation.save(update_fields=[stamp])
            if invitation.mobile:
                _text(invitation, event)
                sent += 1
    return sent


# --- responses -----------------------------------------------------------------------------------

AnswerValue = int | str | None


@dataclass(frozen=True)
class SavedAnswer:
    question: Question
    score: int | None
    text: str


def _check(
    questions: list[Question], answers: Mapping[str, AnswerValue], *, partial: bool
) -> list[SavedAnswer]:
    """The answers as rows to keep; an ApplicationError naming the first wrong one."""
    saved = []
    for question in questions:
        value = answers.get(question.key)
        if question.kind == QuestionKind.TEXT:
            text = str(value or "").strip()[:2000]
            if text or question.key in answers:
                saved.append(SavedAnswer(question, None, text))
            continue
        if value is None or value == "":
            if question.required and not partial:
                raise ApplicationError(_("به همه پرسش‌ها پاسخ دهید."), field=question.key)
            continue
        try:
            score = int(value)
        except (TypeError, ValueError):
            raise ApplicationError(
                _("یکی از گزینه‌ها را انتخاب کنید."), field=question.key
            ) from None
        if score == NOT_APPLICABLE and question.allow_not_applicable:
            saved.append(SavedAnswer(question, None, ""))
        elif 1 <= score <= 5:
            saved.append(SavedAnswer(question, score, ""))
        else:
            raise ApplicationError(_("عددی از ۱ تا ۵ انتخاب کنید."), field=question.key)
    return saved


def _summarise(response: Response) -> None:
    """Axis means, the red flag and the comment, from the response's answer rows."""
    scores: dict[str, list[int]] = {axis: [] for axis in AXES}
    response.red_flag = None
    response.comment = ""
    for answer in response.answers.select_related("question"):
        question = answer.question
        if question.kind == QuestionKind.TEXT:
            response.comment = answer.text
        elif answer.score is not None:
            if question.axis:
                scores[question.axis].append(answer.score)
            if question.red_flag:
                response.red_flag = answer.score <= 2
    for axis, values in scores.items():
        setattr(response, axis, sum(values) / len(values) if values else None)


@transaction.atomic
def response_save(
    *,
    token: str,
    answers: Mapping[str, AnswerValue],
    channel: str = Channel.WEB,
    partial: bool = False,
    now: datetime.datetime | None = None,
) -> Response:
    """Save the response to an invitation, or change it within SURVEY_CHANGE_DAYS.

    ``answers`` maps question keys to a score 1–5 (NOT_APPLICABLE where allowed) or a text.
    A full response (the web form) replaces every answer; a partial one (an SMS digit)
    changes only the answers it names.
    """
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("form_version")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise ApplicationError(_("این پیوند نظرسنجی معتبر نیست."))
    response = Response.objects.filter(invitation=invitation).first()
    if response is None and invitation.is_expired(now):
        raise ApplicationError(_("مهلت پاسخ به این نظرسنجی گذشته است."))
    if response is not None and now >= response.changeable_until():
        raise ApplicationError(_("پاسخ شما ثبت شده و مهلت تغییر آن گذشته است."))
    questions = list(invitation.form_version.questions.all())
    saved = _check(questions, answers, partial=partial)
    if response is None:
        response = Response.objects.create(
            invitation=invitation,
            form_version=invitation.form_version,
            agency_id=invitation.agency_id,
            service_id=invitation.service_id,
            province=invitation.province,
            year=invitation.year,
            month=invitation.month,
            channel=channel,
            submitted_at=now,
        )
    else:
        response.changed_at = now
        if channel in FULL_CHANNELS:
            response.channel = channel  # the fuller answer: the whole form, not one digit
    keep = [a.question.pk for a in saved]
    if not partial:
        response.answers.exclude(question_id__in=keep).delete()
    for answer in saved:
        Answer.objects.update_or_create(
            response=response,
            question=answer.question,
            defaults={"score": answer.score, "text": answer.text},
        )
    _summarise(response)
    response.save()
    return response


def answers_of(response: Response) -> dict[str, AnswerValue]:
    """The saved answers in the shape ``response_save`` takes (to show and change them)."""
    values: dict[str, AnswerValue] = {}
    for answer in response.answers.select_related("question"):
        if answer.question.kind == QuestionKind.TEXT:
            values[answer.question.key] = answer.text
        else:
            values[answer.question.key] = NOT_APPLICABLE if answer.score is None else answer.score
    return values


# --- the red flag --------------------------------------------------------------------------------


def red_flags_check(*, year: int, month: int) -> list[RedFlag]:
    """Report each agency whose share of answers 1–2 to «felt the need for connections» in
    Jalali ``year``/``month`` passes SURVEY_RED_FLAG_PERCENT (once at least
    SURVEY_RED_FLAG_MIN_ANSWERS answered it): a RedFlag row, once, and an SMS to its
    managers. Returns the new flags."""
    threshold = settings.SURVEY_RED_FLAG_PERCENT
    rows = (
        Response.objects.filter(year=year, month=month, red_flag__isnull=False)
        .values("agency_id")
        .annotate(answered=Count("pk"), flagged=Count("pk", filter=Q(red_flag=True)))
        .filter(answered__gte=settings.SURVEY_RED_FLAG_MIN_ANSWERS)
    )
    flags = []
    for row in rows:
        if row["flagged"] * 100 <= threshold * row["answered"]:
            continue
        try:
            with transaction.atomic():
                flag = RedFlag.objects.create(
                    agency_id=row["agency_id"],
                    year=year,
                    month=month,
                    answered=row["answered"],
                    flagged=row["flagged"],
                    threshold_percent=threshold,
                )
                _text_managers(flag)
        except IntegrityError:
            continue  # reported before
        flags.append(flag)
    return flags


def _text_managers(flag: RedFlag) -> None:
    url = settings.SITE_URL.rstrip("/") + reverse("surveys:results")
    period = f"{jalali.month_name(flag.month)} {to_persian_digits(flag.year)}"
    share = to_persian_digits(round(flag.share * 100)) + "٪"
    for manager in Staff.objects.filter(
        agency_id=flag.agency_id, role=Role.MANAGER, is_active=True
    ).select_related("user", "agency"):
        if manager.user.mobile:
            message_queue_template(
                to=manager.user.mobile,
                event="survey_red_flag",
                context={
                    "agency": manager.agency.name,
                    "share": share,
                    "period": period,
                    "url": url + f"?year={flag.year}&month={flag.month}",
                },
                agency_id=flag.agency_id,
                reference=f"red-flag-{flag.year}-{flag.month}",
            )
