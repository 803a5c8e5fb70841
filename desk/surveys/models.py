"""Satisfaction surveys: the forms as versioned data, one invitation and at most one response
per ended request, and the red flags reported to an agency's managers.

Invitations and responses copy the agency, service, province and Jalali year and month of the
request's end, so every result (per service, agency, province, period, axis) is one indexed
GROUP BY over one table, and each response keeps its axis means in columns (computed once,
when it is saved) instead of making a report join 16 answer rows per response.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.submissions.models import Submission


class FormKind(models.TextChoices):
    TAKRIM = "takrim", _("پرسشنامه استاندارد تکریم ارباب رجوع")
    ESERVICE = "eservice", _("نظرسنجی کوتاه خدمت الکترونیکی")


class Axis(models.TextChoices):
    TRANSPARENCY = "transparency", _("شفافیت و اطلاع‌رسانی")
    RESPONSIVENESS = "responsiveness", _("پاسخگویی")
    MASTERY = "mastery", _("تسلط و دقت کارکنان")
    TIME = "time", _("زمان و شمار مراجعه")
    SYSTEMATIC = "systematic", _("نظام‌مندی")
    OVERALL = "overall", _("رضایت کلی")


AXES: tuple[str, ...] = tuple(Axis.values)


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("پنج‌گزینه‌ای (۱ تا ۵)")
    TEXT = "text", _("متن آزاد")


# The five answers of a satisfaction item, score 1 (worst) to 5 (best).
SATISFACTION_LABELS = ["خیلی بد", "بد", "متوسط", "خوب", "خیلی خوب"]


class SurveyForm(models.Model):
    """One of the national questionnaires; its questions live in versions."""

    kind = models.CharField(_("نوع"), max_length=20, choices=FormKind.choices, unique=True)
    title = models.CharField(_("عنوان"), max_length=200)

    class Meta:
        verbose_name = _("پرسشنامه")
        verbose_name_plural = _("پرسشنامه‌ها")

    def __str__(self) -> str:
        return self.title


class FormVersion(models.Model):
    """The questions of a form as they were asked. A published version is frozen: an
    invitation pins the version in force when it is sent, so a new version never alters
    the responses already given."""

    form = models.ForeignKey(
        SurveyForm, on_delete=models.PROTECT, related_name="versions", verbose_name=_("پرسشنامه")
    )
    number = models.PositiveIntegerField(_("شماره نسخه"))
    published_at = models.DateTimeField(_("زمان انتشار"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["form", "-number"]
        verbose_name = _("نسخه پرسشنامه")
        verbose_name_plural = _("نسخه‌های پرسشنامه")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="survey_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.form} — نسخه {self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Question(models.Model):
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("ترتیب"))
    # Stable across versions («overall», «connections»): reports and SMS replies name it.
    key = models.SlugField(_("شناسه"), max_length=40)
    text = models.CharField(_("پرسش"), max_length=300)
    hint = models.CharField(_("راهنما"), max_length=300, blank=True)
    kind = models.CharField(
        _("نوع پاسخ"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SCALE
    )
    axis = models.CharField(_("محور"), max_length=20, choices=Axis.choices, blank=True)
    # The words of answers 1..5 (1 is always the worst outcome for the citizen).
    labels = models.JSONField(_("برچسب گزینه‌ها"), default=list, blank=True)
    # «Did not happen to me» (no complaint made, no follow-up needed): no score.
    allow_not_applicable = models.BooleanField(_("گزینه «موردی نداشت»"), default=False)
    # The item whose share of answers 1–2 is reported to managers and oversight.
    red_flag = models.BooleanField(_("پرچم قرمز"), default=False)
    required = models.BooleanField(_("الزامی"), default=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("پرسش")
        verbose_name_plural = _("پرسش‌ها")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="survey_question_key"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def choices(self) -> list[tuple[int, str]]:
        labels = self.labels or SATISFACTION_LABELS
        return list(enumerate(labels, start=1))


class ServiceSurvey(models.Model):
    """Which questionnaire a service asks (without a row: the short form for services done
    wholly online, the تکریم form for services that need a visit)."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="survey_setting", verbose_name=_("خدمت")
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(SurveyForm, on_delete=models.PROTECT, verbose_name=_("پرسشنامه"))
    enabled = models.BooleanField(_("دعوت به نظرسنجی"), default=True)

    class Meta:
        verbose_name = _("نظرسنجی خدمت")
        verbose_name_plural = _("نظرسنجی خدمت‌ها")

    def __str__(self) -> str:
        return f"{self.service}: {self.form}"


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("انجام‌شده")
    REJECTED = "rejected", _("ردشده")


class Invitation(models.Model):
    """The one invitation of an ended request: its token is the short link's key."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="survey_invitation"
    )
    token = models.CharField(max_length=16, unique=True)
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    province = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    mobile = models.CharField(max_length=13)
    # The Jalali month of the request's end: the period the invitation counts in.
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # The SMS goes SURVEY_INVITE_DELAY_MINUTES after the request ends, not on the heels of
    # the result's own SMS; the link works from the start (the request page shows it).
    texted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("دعوت به نظرسنجی")
        verbose_name_plural = _("دعوت‌های نظرسنجی")
        indexes = [
            models.Index(fields=["agency", "year", "month"], name="survey_invitation_period"),
            models.Index(fields=["mobile", "-created_at"], name="survey_invitation_mobile"),
            # The daily rollup finds the days with new invitations since its last run.
            models.Index(fields=["created_at"], name="survey_invitation_created"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(texted_at__isnull=True),
                name="survey_invitation_untexted",
            ),
            models.Index(
                fields=["texted_at"],
                condition=models.Q(reminded_at__isnull=True),
                name="survey_invitation_unreminded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}"

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class Channel(models.TextChoices):
    """How a response came: the survey page, one digit by SMS (the overall score only), or a
    mobile app through the API (every question, as on the page)."""

    WEB = "web", _("وب")
    SMS = "sms", _("پیامک")
    API = "api", _("برنامه همراه (API)")


# Channels that answer the whole form (the SMS answers one question).
FULL_CHANNELS = (Channel.WEB, Channel.API)


class Response(models.Model):
    """The citizen's answers to one invitation (one per request), changeable for
    SURVEY_CHANGE_DAYS after they were first given."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    province = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=5, choices=Channel.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)
    # The mean score (1–5) of the response's answered items on each axis; None: none answered.
    transparency = models.FloatField(null=True)
    responsiveness = models.FloatField(null=True)
    mastery = models.FloatField(null=True)
    time = models.FloatField(null=True)
    systematic = models.FloatField(null=True)
    overall = models.FloatField(null=True)
    # The red-flag item answered 1 or 2 (felt the need for connections); None: not answered.
    red_flag = models.BooleanField(null=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("پاسخ نظرسنجی")
        verbose_name_plural = _("پاسخ‌های نظرسنجی")
        indexes = [
            models.Index(fields=["agency", "year", "month"], name="survey_response_period"),
            models.Index(fields=["year", "month"], name="survey_response_national"),
            # The daily rollup finds the responses given or changed since its last run.
            models.Index(fields=["submitted_at"], name="survey_response_submitted"),
            models.Index(fields=["changed_at"], name="survey_response_changed"),
            models.Index(
                fields=["agency", "-submitted_at"],
                condition=~models.Q(comment=""),
                name="survey_response_comments",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id}"

    def changeable_until(self) -> datetime.datetime:
        return self.submitted_at + datetime.timedelta(days=settings.SURVEY_CHANGE_DAYS)


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    # 1–5; None: «موردی نداشت», or a free-text question.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("پاسخ پرسش")
        verbose_name_plural = _("پاسخ پرسش‌ها")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.score}"


class RedFlag(models.Model):
    """An agency's month in which the share of citizens who felt the need for connections
    passed SURVEY_RED_FLAG_PERCENT: reported once to its managers, kept for oversight."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("دستگاه")
    )
    year = models.PositiveSmallIntegerField(_("سال"))
    month = models.PositiveSmallIntegerField(_("ماه"))
    answered = models.PositiveIntegerField(_("پاسخ‌ها"))
    flagged = models.PositiveIntegerField(_("پاسخ‌های نیاز به سفارش و توصیه"))
    threshold_percent = models.PositiveSmallIntegerField(_("آستانه (درصد)"))
    reported_at = models.DateTimeField(_("زمان گزارش"), default=timezone.now)

    class Meta:
        ordering = ["-year", "-month", "agency"]
        verbose_name = _("پرچم قرمز توصیه و سفارش")
        verbose_name_plural = _("پرچم‌های قرمز توصیه و سفارش")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "month"], name="survey_red_flag_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}/{self.month}"

    @property
    def share(self) -> float:
        return self.flagged / self.answered if self.answered else 0.0


# --- the daily rollup the results page reads (desk/surveys/rollup.py) ----------------------------


class RollupKey(models.Model):
    """The grain of the rollup: the day a request ended (its invitation's day, Tehran time), the
    Jalali month it counts in, its agency, service and province. Rows are rebuilt whole per
    day, never updated in place, so a run is idempotent and any day can be back-filled."""

    day = models.DateField(_("روز"))
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    province = models.CharField(max_length=60, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.service_id}"


class ResultDay(RollupKey):
    """Invitations, responses, the red-flag item and the sum and count of each axis's score
    (means are sum / count, as the live selector's AVG)."""

    invited = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(default=0)
    flag_answered = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)
    transparency_sum = models.FloatField(default=0)
    transparency_n = models.PositiveIntegerField(default=0)
    responsiveness_sum = models.FloatField(default=0)
    responsiveness_n = models.PositiveIntegerField(default=0)
    mastery_sum = models.FloatField(default=0)
    mastery_n = models.PositiveIntegerField(default=0)
    time_sum = models.FloatField(default=0)
    time_n = models.PositiveIntegerField(default=0)
    systematic_sum = models.FloatField(default=0)
    systematic_n = models.PositiveIntegerField(default=0)
    overall_sum = models.FloatField(default=0)
    overall_n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("خلاصه روزانه نظرسنجی")
        verbose_name_plural = _("خلاصه‌های روزانه نظرسنجی")
        indexes = [
            models.Index(fields=["agency", "year", "month"], name="survey_resultday_period"),
            models.Index(fields=["year", "month"], name="survey_resultday_national"),
            models.Index(fields=["day"], name="survey_resultday_day"),
        ]


class QuestionDay(RollupKey):
    """One scale question's answers on a rollup day: how many gave each score, and «موردی
    نداشت»."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    answered = models.PositiveIntegerField(default=0)
    score_sum = models.PositiveIntegerField(default=0)
    score_1 = models.PositiveIntegerField(default=0)
    score_2 = models.PositiveIntegerField(default=0)
    score_3 = models.PositiveIntegerField(default=0)
    score_4 = models.PositiveIntegerField(default=0)
    score_5 = models.PositiveIntegerField(default=0)
    not_applicable = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("خلاصه روزانه پرسش")
        verbose_name_plural = _("خلاصه‌های روزانه پرسش‌ها")
        indexes = [
            models.Index(fields=["agency", "year", "month"], name="survey_questionday_period"),
            models.Index(fields=["year", "month"], name="survey_questionday_national"),
            models.Index(fields=["day"], name="survey_questionday_day"),
        ]


class RollupRun(models.Model):
    """Each run of the rollup: the next run rebuilds the days touched since this one started;
    the results page shows when the last one finished."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    days = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("اجرای خلاصه‌سازی نظرسنجی")
        verbose_name_plural = _("اجراهای خلاصه‌سازی نظرسنجی")
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{self.started_at}"
