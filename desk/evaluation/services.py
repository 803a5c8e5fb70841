"""Writes of the evaluation: one function per use case, atomic, access asked of
desk/agencies/access.py, Persian ApplicationError on refusal, SMS through the outbox."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Agency, OversightLevel, Staff
from desk.audit.services import audit_record
from desk.core.errors import ApplicationError
from desk.core.uploads import document_save, files_deleted_on_error
from desk.evaluation import defaults, scoring
from desk.evaluation.kpis import kpi_figure
from desk.evaluation.models import (
    FILLING,
    Answer,
    Assessment,
    Axis,
    Cycle,
    Evidence,
    Indicator,
    State,
    Template,
)
from desk.lib.jalali import format_datetime, today_tehran
from desk.notifications.services import message_queue_template

# --- templates -------------------------------------------------------------------------------


@transaction.atomic
def template_load_default() -> Template:
    """The directive's checklist (defaults.py) as version 1, or the version already there."""
    existing = Template.objects.filter(code=defaults.CODE).order_by("version").first()
    if existing is not None:
        return existing
    template = Template.objects.create(
        code=defaults.CODE, version=1, title=defaults.TITLE, description=defaults.DESCRIPTION
    )
    for a_order, axis_spec in enumerate(defaults.AXES, start=1):
        axis = Axis.objects.create(
            template=template, order=a_order, title=axis_spec["title"], weight=axis_spec["weight"]
        )
        for i_order, spec in enumerate(axis_spec["indicators"], start=1):
            Indicator.objects.create(axis=axis, order=i_order, levels=defaults.LEVELS, **spec)
    return template


def template_check(template: Template) -> None:
    """A template a cycle may use: axes whose weights add up to 100, each with indicators."""
    axes = list(template.axes.prefetch_related("indicators"))
    if not axes or sum(a.weight for a in axes) != 100:
        raise ApplicationError("وزن محورهای چک‌لیست باید روی هم ۱۰۰ باشد.", field="template")
    if any(not a.indicators.all() for a in axes):
        raise ApplicationError("هر محور چک‌لیست دست‌کم یک شاخص لازم دارد.", field="template")


# --- cycles ----------------------------------------------------------------------------------


def agencies_for_cycle(province: str) -> Sequence[Agency]:
    """Active agencies that are evaluated (not the oversight bodies), of one province or all."""
    rows = Agency.objects.filter(is_active=True).exclude(
        oversight__in=[OversightLevel.NATIONAL, OversightLevel.PROVINCIAL]
    )
    if province:
        rows = rows.filter(province=province)
    return list(rows.order_by("name"))


@transaction.atomic
def cycle_open(
    *,
    actor: User,
    title: str,
    template: Template,
    province: str,
    period_starts_on: datetime.date,
    period_ends_on: datetime.date,
    self_due_on: datetime.date,
    objection_days: int,
) -> Cycle:
    """Open a cycle: one self-assessment per evaluated agency, each agency's admins texted."""
    if not access.may_open_cycle(actor):
        raise ApplicationError("دوره ارزیابی را فقط ارزیاب ملی باز می‌کند.")
    if period_ends_on < period_starts_on:
        raise ApplicationError("پایان دوره پیش از آغاز آن است.", field="period_ends_on")
    if self_due_on < today_tehran():
        raise ApplicationError(
            "مهلت خوداظهاری گذشته است؛ روزی پس از امروز بنویسید.", field="self_due_on"
        )
    template_check(template)
    agencies = agencies_for_cycle(province)
    if not agencies:
        raise ApplicationError("در این استان دستگاهی برای ارزیابی نیست.", field="province")
    cycle = Cycle.objects.create(
        title=title,
        template=template,
        province=province,
        period_starts_on=period_starts_on,
        period_ends_on=period_ends_on,
        self_due_on=self_due_on,
        objection_days=objection_days,
        opened_by=actor,
    )
    indicators = list(Indicator.objects.filter(axis__template=template))
    for agency in agencies:
        assessment = Assessment.objects.create(cycle=cycle, agency=agency)
        Answer.objects.bulk_create(
            Answer(assessment=assessment, indicator=indicator) for indicator in indicators
        )
        _notify(assessment, "evaluation_opened", due_on=self_due_on)
    audit_record(
        action="evaluation.cycle_opened",
        agency_id=None,
        actor=actor,
        target=cycle,
        details={"title": title, "province": province, "agencies": len(agencies)},
    )
    return cycle


# --- the agency's self-assessment ------------------------------------------------------------


def _lock(assessment_id: int) -> Assessment:
    return (
        Assessment.objects.select_for_update()
        .select_related("cycle", "agency")
        .get(pk=assessment_id)
    )


def _must_fill(actor: User, assessment: Assessment) -> None:
    if not access.may_fill_self_assessment(actor, agency_id=assessment.agency_id):
        raise ApplicationError("خوداظهاری را راهبر دستگاه پر می‌کند.")
    if assessment.state not in FILLING:
        raise ApplicationError("این خوداظهاری فرستاده شده است و دیگر تغییر نمی‌کند.")


def _check_score(indicator: Indicator, score: int | None, field: str) -> None:
    if score is not None and not 0 <= score <= indicator.max_score:
        raise ApplicationError(
            f"امتیاز باید از ۰ تا {indicator.max_score} باشد.".translate(_FA), field=field
        )


_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@files_deleted_on_error()
@transaction.atomic
def answer_save(
    *,
    actor: User,
    assessment_id: int,
    indicator_id: int,
    self_score: int | None,
    self_note: str,
    files: Sequence[File] = (),
    attach_kpi: bool = False,
) -> Answer:
    """The agency admin's answer to one indicator (a draft until the whole is submitted)."""
    assessment = _lock(assessment_id)
    _must_fill(actor, assessment)
    answer = Answer.objects.select_related("indicator").get(
        assessment=assessment, indicator_id=indicator_id
    )
    _check_score(answer.indicator, self_score, "self_score")
    answer.self_score = self_score
    answer.self_note = self_note
    if attach_kpi:
        answer.kpi_evidence = _kpi_evidence(answer)
    answer.save()
    for upload in files:
        _evidence_create(answer, upload, actor)
    return answer


@transaction.atomic
def evidence_remove(*, actor: User, evidence_id: int) -> Answer:
    """The agency admin takes back a document uploaded for an indicator, while the
    self-assessment can still change (a draft, or sent back for more evidence); never after it
    is submitted. Audited with what the document was; the file goes once the row has gone."""
    evidence = Evidence.objects.select_related("answer__indicator").get(pk=evidence_id)
    assessment = _lock(evidence.answer.assessment_id)
    _must_fill(actor, assessment)
    answer = evidence.answer
    audit_record(
        action="evaluation.evidence_removed",
        agency_id=assessment.agency_id,
        actor=actor,
        target=assessment,
        details={
            "indicator": answer.indicator.code,
            "evidence": str(evidence.public_id),
            "name": evidence.original_name,
            "sha256": evidence.sha256,
            "size": evidence.size,
            "uploaded_by": evidence.uploaded_by_id,
            "state": assessment.state,
        },
    )
    stored, path = evidence.file.storage, str(evidence.file.name)
    evidence.delete()
    transaction.on_commit(lambda: stored.delete(path))
    return answer


def kpi_for(answer: Answer) -> Any:
    """The system's figure for a measured indicator over the cycle's period, or None."""
    indicator, cycle = answer.indicator, answer.assessment.cycle
    if not indicator.kpi_code:
        return None
    return kpi_figure(
        code=indicator.kpi_code,
        agency_id=answer.assessment.agency_id,
        since=cycle.period_starts_on,
        until=cycle.period_ends_on,
    )


def _kpi_evidence(answer: Answer) -> dict[str, str]:
    figure = kpi_for(answer)
    if figure is None:
        raise ApplicationError("سامانه هنوز رقمی برای این شاخص ندارد.", field="attach_kpi")
    return {
        "code": figure.code,
        "label": figure.label,
        "value": figure.value,
        "period": figure.period,
        "at": format_datetime(timezone.now()),
    }


def _evidence_create(answer: Answer, upload: File, actor: User) -> Evidence:
    """A document already checked by the form (desk.core.uploads.check_document), stored
    under a random name; its own name is not kept."""
    evidence = Evidence(answer=answer, uploaded_by=actor)
    document_save(evidence, upload)
    evidence.save()
    return evidence


@dataclass(frozen=True)
class Missing:
    """What still keeps a self-assessment from being submitted."""

    unscored: list[Answer]
    without_evidence: list[Answer]

    def __bool__(self) -> bool:
        return bool(self.unscored or self.without_evidence)


def missing(assessment: Assessment) -> Missing:
    answers = list(assessment.answers.select_related("indicator").prefetch_related("evidence"))
    return Missing(
        unscored=[a for a in answers if a.self_score is None],
        without_evidence=[
            a
            for a in answers
            if a.indicator.evidence_required and not a.evidence.all() and not a.kpi_evidence
        ],
    )


@transaction.atomic
def assessment_submit(*, actor: User, assessment_id: int) -> Assessment:
    """Send the self-assessment to the evaluators: every indicator scored, the evidence the
    checklist requires attached, by the cycle's deadline (an answer to a request for more
    evidence may come after it)."""
    assessment = _lock(assessment_id)
    _must_fill(actor, assessment)
    if assessment.state == State.DRAFT and today_tehran() > assessment.cycle.self_due_on:
        raise ApplicationError("مهلت فرستادن خوداظهاری این دوره گذشته است.")
    if missing(assessment):
        raise ApplicationError(
            "پیش از فرستادن، به همه شاخص‌ها امتیاز دهید و مستندهای لازم را بگذارید."
        )
    assessment.state = State.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save()
    _audit(assessment, "evaluation.submitted", actor)
    return assessment


# --- the evaluator's review ------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """An evaluator's entry for one indicator."""

    score: int | None
    comment: str
    question: str


def _must_score(actor: User, assessment: Assessment) -> None:
    if not access.may_score(
        actor, agency_id=assessment.agency_id, province=assessment.agency.province
    ):
        raise ApplicationError("ارزیابی این دستگاه با شما نیست.")


def _reviewable(actor: User, assessment: Assessment) -> None:
    _must_score(actor, assessment)
    if assessment.state == State.OBJECTED:
        _must_be_second(actor, assessment)
    elif assessment.state != State.SUBMITTED:
        raise ApplicationError("این ارزیابی اکنون در دست ارزیاب نیست.")


def _must_be_second(actor: User, assessment: Assessment) -> None:
    if assessment.finalized_by_id == actor.pk:
        raise ApplicationError("به اعتراض، ارزیاب دیگری جز ارزیاب نخست رأی می‌دهد.")


@transaction.atomic
def review_save(*, actor: User, assessment_id: int, reviews: Mapping[int, Review]) -> Assessment:
    """Scores, comments and questions per indicator id (a draft: nothing is announced)."""
    assessment = _lock(assessment_id)
    _reviewable(actor, assessment)
    answers = {a.indicator_id: a for a in assessment.answers.select_related("indicator")}
    for indicator_id, review in reviews.items():
        answer = answers.get(indicator_id)
        if answer is None:
            continue
        _check_score(answer.indicator, review.score, f"score_{indicator_id}")
        answer.review_score = review.score
        answer.review_comment = review.comment
        answer.question = review.question
        answer.save(update_fields=["review_score", "review_comment", "question", "updated_at"])
    return assessment


@transaction.atomic
def assessment_return(*, actor: User, assessment_id: int) -> Assessment:
    """Back to the agency with the evaluator's questions; its admins are texted."""
    assessment = _lock(assessment_id)
    _must_score(actor, assessment)
    if assessment.state != State.SUBMITTED:
        raise ApplicationError("فقط خوداظهاری فرستاده‌شده را می‌توان برگرداند.")
    if not assessment.answers.exclude(question="").exists():
        raise ApplicationError("بنویسید برای کدام شاخص چه مستندی لازم است.")
    assessment.state = State.MORE_EVIDENCE
    assessment.returned_at = timezone.now()
    assessment.save()
    _audit(assessment, "evaluation.returned", actor)
    _notify(assessment, "evaluation_more_evidence")
    return assessment


def score_of(assessment: Assessment, *, self_scores: bool = False) -> Any:
    """The total out of 100 from the review scores (or the agency's own)."""
    answers = assessment.answers.select_related("indicator__axis")
    return scoring.total(
        scoring.Line(
            axis=a.indicator.axis_id,
            axis_weight=a.indicator.axis.weight,
            weight=a.indicator.weight,
            max_score=a.indicator.max_score,
            score=a.self_score if self_scores else a.review_score,
        )
        for a in answers
    )


@transaction.atomic
def assessment_finalize(
    *, actor: User, assessment_id: int, today: datetime.date | None = None
) -> Assessment:
    """The evaluator's result: the total is written and the objection period starts."""
    assessment = _lock(assessment_id)
    _must_score(actor, assessment)
    if assessment.state != State.SUBMITTED:
        raise ApplicationError("فقط خوداظهاری فرستاده‌شده نهایی می‌شود.")
    if assessment.answers.filter(review_score__isnull=True).exists():
        raise ApplicationError("پیش از نهایی کردن به همه شاخص‌ها امتیاز دهید.")
    day = today or today_tehran()
    assessment.score = score_of(assessment)
    assessment.state = State.FINALIZED
    assessment.finalized_at = timezone.now()
    assessment.finalized_by = actor
    assessment.objection_until = day + datetime.timedelta(days=assessment.cycle.objection_days)
    assessment.save()
    _audit(assessment, "evaluation.finalized", actor)
    _notify(assessment, "evaluation_finalized", due_on=assessment.objection_until)
    return assessment


@transaction.atomic
def assessment_object(
    *, actor: User, assessment_id: int, text: str, today: datetime.date | None = None
) -> Assessment:
    """The agency objects to its result within the objection period."""
    assessment = _lock(assessment_id)
    if not access.may_object_to_result(actor, agency_id=assessment.agency_id):
        raise ApplicationError("اعتراض را راهبر یا مدیر دستگاه می‌فرستد.")
    if not assessment.may_be_objected(today):
        raise ApplicationError("مهلت اعتراض به این نتیجه گذشته است.")
    if not text.strip():
        raise ApplicationError("دلیل اعتراض را بنویسید.", field="text")
    assessment.state = State.OBJECTED
    assessment.objection_text = text
    assessment.objected_at = timezone.now()
    assessment.objected_by = actor
    assessment.save()
    _audit(assessment, "evaluation.objected", actor)
    return assessment


@transaction.atomic
def objection_decide(*, actor: User, assessment_id: int, decision: str) -> Assessment:
    """A second evaluator's decision (after any re-scoring) closes the assessment for good."""
    assessment = _lock(assessment_id)
    _must_score(actor, assessment)
    if assessment.state != State.OBJECTED:
        raise ApplicationError("اعتراضی در انتظار رأی نیست.")
    _must_be_second(actor, assessment)
    if not decision.strip():
        raise ApplicationError("رأی را بنویسید.", field="decision")
    assessment.score = score_of(assessment)
    assessment.state = State.CLOSED
    assessment.decision_text = decision
    assessment.decided_at = timezone.now()
    assessment.decided_by = actor
    assessment.save()
    _audit(assessment, "evaluation.objection_decided", actor)
    _notify(assessment, "evaluation_objection_decided")
    return assessment


# --- side effects ----------------------------------------------------------------------------


def assessment_link(assessment: Assessment) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "evaluation:assessment", args=[assessment.public_id]
    )


def _notify(assessment: Assessment, event: str, *, due_on: datetime.date | None = None) -> None:
    """The agency's admins, head and managers are texted, once per mobile."""
    people = Staff.objects.filter(
        agency_id=assessment.agency_id, role__in=access.EVALUATED_ROLES, is_active=True
    ).select_related("user")
    context: dict[str, object] = {
        "cycle": assessment.cycle.title,
        "agency": assessment.agency.name,
        "link": assessment_link(assessment),
    }
    if due_on is not None:
        context["due_on"] = due_on
    for mobile in sorted({p.user.mobile for p in people if p.user.mobile}):
        message_queue_template(
            to=mobile,
            event=event,
            context=context,
            agency_id=assessment.agency_id,
            reference=str(assessment.public_id),
        )


def _audit(assessment: Assessment, action: str, actor: User) -> None:
    audit_record(
        action=action,
        agency_id=assessment.agency_id,
        actor=actor,
        target=assessment,
        details={"cycle": assessment.cycle_id, "state": assessment.state},
    )
