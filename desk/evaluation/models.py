"""Evaluation of agencies against the service-desk directive (issue 17): checklist templates as
data (axes → indicators, weights, evidence, scoring guide), evaluation cycles, each agency's
self-assessment with evidence, the evaluators' review, objections and the final scores that
rankings and the festival report read.

A template that a cycle uses is frozen (``Template.is_frozen``): a change is a new version.
Whether a result is final is computed (``Assessment.is_final``), never stored.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.core.models import StoredDocument
from desk.lib.jalali import today_tehran
from desk.lib.persian import to_persian_digits

# Calendar days an agency has to object to its finalized result (the cycle may set its own).
DEFAULT_OBJECTION_DAYS = 10


class Template(models.Model):
    """A checklist: its axes and indicators. ``code`` names the checklist across versions."""

    code = models.SlugField(_("شناسه"), max_length=60)
    version = models.PositiveSmallIntegerField(_("نسخه"), default=1)
    title = models.CharField(_("عنوان"), max_length=200)
    description = models.TextField(_("توضیح"), blank=True)
    created_at = models.DateTimeField(_("زمان ساخت"), default=timezone.now)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("چک‌لیست ارزیابی")
        verbose_name_plural = _("چک‌لیست‌های ارزیابی")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="evaluation_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (نسخه {to_persian_digits(self.version)})"

    @property
    def is_frozen(self) -> bool:
        """A cycle has used it: its axes and indicators may no longer change."""
        return self.pk is not None and self.cycles.exists()


class Axis(models.Model):
    """An axis of the checklist; ``weight`` is its share of the total 100 points."""

    template = models.ForeignKey(
        Template, on_delete=models.CASCADE, related_name="axes", verbose_name=_("چک‌لیست")
    )
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    title = models.CharField(_("عنوان محور"), max_length=200)
    weight = models.DecimalField(_("وزن (از ۱۰۰)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["template", "order", "pk"]
        verbose_name = _("محور ارزیابی")
        verbose_name_plural = _("محورهای ارزیابی")

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """One line of the checklist. ``weight`` is relative to the other indicators of its axis;
    ``levels`` is the scoring guide: what each score from 0 to ``max_score`` means. A
    *measured* indicator names the KPI (desk/oversight) whose figure the system offers as
    evidence (``kpi_code``)."""

    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    code = models.SlugField(_("شناسه"), max_length=60)
    title = models.CharField(_("عنوان شاخص"), max_length=300)
    description = models.TextField(_("شرح"), blank=True)
    weight = models.DecimalField(_("وزن در محور"), max_digits=5, decimal_places=2, default=1)
    max_score = models.PositiveSmallIntegerField(_("بیشترین امتیاز"), default=4)
    levels = models.JSONField(_("راهنمای امتیازدهی"), default=list, blank=True)
    evidence_required = models.BooleanField(_("مستند لازم است"), default=False)
    evidence_hint = models.CharField(_("چه مستندی"), max_length=300, blank=True)
    kpi_code = models.CharField(_("کد شاخص سنجش‌شده"), max_length=60, blank=True)

    class Meta:
        ordering = ["axis__order", "axis_id", "order", "pk"]
        verbose_name = _("شاخص ارزیابی")
        verbose_name_plural = _("شاخص‌های ارزیابی")

    def __str__(self) -> str:
        return self.title

    @property
    def is_measured(self) -> bool:
        return bool(self.kpi_code)

    def level_choices(self) -> list[tuple[int, str]]:
        """(score, «score — what it means») from 0 to max_score."""
        texts = {int(row["score"]): str(row["text"]) for row in self.levels if "score" in row}
        return [(n, texts.get(n, "")) for n in range(self.max_score + 1)]


class Cycle(models.Model):
    """An evaluation period (e.g. six-monthly) for all agencies or those of one province."""

    title = models.CharField(_("عنوان دوره"), max_length=200)
    template = models.ForeignKey(
        Template, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("چک‌لیست")
    )
    province = models.CharField(_("استان"), max_length=60, blank=True)  # blank: the country
    period_starts_on = models.DateField(_("آغاز دوره"))
    period_ends_on = models.DateField(_("پایان دوره"))
    self_due_on = models.DateField(_("مهلت خوداظهاری"))
    objection_days = models.PositiveSmallIntegerField(
        _("مهلت اعتراض (روز)"), default=DEFAULT_OBJECTION_DAYS
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("زمان گشایش"), default=timezone.now)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("دوره ارزیابی")
        verbose_name_plural = _("دوره‌های ارزیابی")

    def __str__(self) -> str:
        return self.title


class State(models.TextChoices):
    DRAFT = "draft", _("خوداظهاری دستگاه")
    SUBMITTED = "submitted", _("در انتظار ارزیابی")
    MORE_EVIDENCE = "more_evidence", _("بازگشت برای مستند بیشتر")
    FINALIZED = "finalized", _("نهایی‌شده، در مهلت اعتراض")
    OBJECTED = "objected", _("اعتراض دستگاه، در انتظار رأی")
    CLOSED = "closed", _("قطعی پس از رأی اعتراض")


# The states in which the agency fills in its checklist.
FILLING = (State.DRAFT, State.MORE_EVIDENCE)
# The states with an evaluator's score (ranked, provisional or final).
SCORED = (State.FINALIZED, State.OBJECTED, State.CLOSED)


class Assessment(models.Model):
    """One agency's evaluation in a cycle."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("دوره")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("دستگاه")
    )
    state = models.CharField(_("وضعیت"), max_length=16, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    objection_until = models.DateField(null=True, blank=True)
    objection_text = models.TextField(_("متن اعتراض"), blank=True)
    objected_at = models.DateTimeField(null=True, blank=True)
    objected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_text = models.TextField(_("رأی اعتراض"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The evaluator's total out of 100, written when finalized and again by the decision.
    score = models.DecimalField(
        _("امتیاز از ۱۰۰"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["cycle", "agency__name"]
        verbose_name = _("ارزیابی دستگاه")
        verbose_name_plural = _("ارزیابی‌های دستگاه‌ها")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "agency"], name="evaluation_one_per_agency")
        ]
        indexes = [models.Index(fields=["cycle", "state"], name="evaluation_cycle_state")]

    def __str__(self) -> str:
        return f"{self.agency} — {self.cycle}"

    def is_final(self, today: date | None = None) -> bool:
        """Final: closed by the decision on an objection, or finalized and the objection
        period over without one."""
        if self.state == State.CLOSED:
            return True
        return (
            self.state == State.FINALIZED
            and self.objection_until is not None
            and (today or today_tehran()) > self.objection_until
        )

    def may_be_objected(self, today: date | None = None) -> bool:
        return (
            self.state == State.FINALIZED
            and self.objection_until is not None
            and (today or today_tehran()) <= self.objection_until
        )

    @property
    def is_filling(self) -> bool:
        return self.state in FILLING


class Answer(models.Model):
    """An indicator of one assessment: the agency's self score, the evaluator's score."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    self_score = models.PositiveSmallIntegerField(_("امتیاز خوداظهاری"), null=True, blank=True)
    self_note = models.TextField(_("توضیح دستگاه"), blank=True)
    # The system's own figure attached as evidence: {"label", "value", "period", "at"}.
    kpi_evidence = models.JSONField(default=dict, blank=True)
    review_score = models.PositiveSmallIntegerField(_("امتیاز ارزیاب"), null=True, blank=True)
    review_comment = models.TextField(_("نظر ارزیاب"), blank=True)
    # The evaluator's request for more evidence; answered when the agency resubmits.
    question = models.TextField(_("مستند بیشتر خواسته‌شده"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("پاسخ شاخص")
        verbose_name_plural = _("پاسخ‌های شاخص")
        ordering = ["indicator__axis__order", "indicator__axis_id", "indicator__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="evaluation_one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.indicator_id}"

    @property
    def self_done(self) -> bool:
        return self.self_score is not None


def _upload_to(instance: Evidence, filename: str) -> str:
    now = timezone.now()
    return f"evaluation/{now:%Y/%m}/{uuid.uuid4().hex}"


class Evidence(StoredDocument):
    """A document the agency uploaded for an indicator (checked like a citizen's document)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_upload_to, max_length=200)
    # The name the agency gave, shown to people; never used on disk or in a download. May be empty.
    original_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("مستند ارزیابی")
        verbose_name_plural = _("مستندات ارزیابی")

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def download_stem(self) -> str:
        return f"evidence-{self.public_id.hex[:8]}"
