"""Pre-aggregated oversight figures and case reviews (docs/oversight.md).

``DailyFigures`` holds, per Tehran day, agency and service, the counters every KPI is computed
from; the row with ``service`` empty is the agency's total for the day (all its services plus
what belongs to no service: SMS, inquiries answered for others). ``MonthlyFigures`` is the same
summed per Jalali month, which is what the dashboards read. Both are rebuilt, never edited:
aggregating a day again replaces its rows (desk/oversight/aggregation.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.catalog.models import Service

# The تکریم axes (desk/surveys): a sum and a count per axis, so means add up across rows.
AXES = ("transparency", "responsiveness", "mastery", "time", "systematic", "overall")
# Counters that describe the end of a day (a stock), not what happened in it: a month keeps
# its last day's value, a period its last month's.
STOCKS = ("open_end", "overdue_end", "services", "services_complete")


def _n(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0)


class Counters(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    # None: the agency's total row.
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The agency's province when the row was built: provincial evaluators filter on it.
    province = models.CharField(max_length=60, blank=True)
    # Requests
    filed = _n("ثبت‌شده")
    filed_web = _n("ثبت اینترنتی")
    filed_desk = _n("ثبت در میز حضوری")
    filed_phone = _n("ثبت تلفنی")
    filed_api = _n("ثبت از سامانه دیگر")
    answered = _n("پاسخ نهایی")
    answered_on_time = _n("پاسخ تا موعد")
    answer_days_total = _n("جمع روز کاری تا پاسخ")
    # {"working days": requests}: medians and percentiles add up across rows.
    answer_days = models.JSONField(default=dict)
    open_end = _n("باز در پایان روز")
    overdue_end = _n("گذشته از موعد در پایان روز")
    # Appointments
    visits = _n("مراجعه حضوری انجام‌شده")
    bookings = _n("نوبت گرفته‌شده")
    bookings_compliant = _n("نوبت در مهلت سه روز کاری")
    unserved = _n("بی‌نوبت مانده")
    # Satisfaction
    invited = _n("دعوت به نظرسنجی")
    responses = _n("پاسخ نظرسنجی")
    red_flag_answered = _n("پاسخ به پرسش توصیه")
    red_flag_yes = _n("احساس نیاز به توصیه")
    transparency_sum = models.FloatField(default=0)
    transparency_n = _n("")
    responsiveness_sum = models.FloatField(default=0)
    responsiveness_n = _n("")
    mastery_sum = models.FloatField(default=0)
    mastery_n = _n("")
    time_sum = models.FloatField(default=0)
    time_n = _n("")
    systematic_sum = models.FloatField(default=0)
    systematic_n = _n("")
    overall_sum = models.FloatField(default=0)
    overall_n = _n("")
    # Complaints, inquiries, SMS, payments
    complaints = _n("شکایت ثبت‌شده")
    complaints_answered = _n("شکایت پاسخ‌داده‌شده")
    complaint_answer_seconds = models.BigIntegerField(default=0)
    inquiries_given = _n("استعلام پاسخ‌داده‌شده برای دیگران")
    inquiries_given_seconds = models.BigIntegerField(default=0)
    inquiries_received = _n("پاسخ استعلام دریافت‌شده")
    inquiries_received_seconds = models.BigIntegerField(default=0)
    sms_sent = _n("پیامک ارسال‌شده")
    sms_delivered = _n("پیامک رسیده")
    payments = _n("پرداخت")
    revenue = models.BigIntegerField(default=0)  # rials, net of refunds
    # Service cards (a stock)
    services = _n("خدمت منتشرشده")
    services_complete = _n("شناسنامه کامل")

    class Meta:
        abstract = True


class DailyFigures(Counters):
    day = models.DateField()

    class Meta:
        verbose_name = _("ارقام روزانه")
        verbose_name_plural = _("ارقام روزانه")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "service"],
                condition=models.Q(service__isnull=False),
                name="oversight_daily_service_once",
            ),
            models.UniqueConstraint(
                fields=["day", "agency"],
                condition=models.Q(service__isnull=True),
                name="oversight_daily_total_once",
            ),
        ]
        indexes = [models.Index(fields=["day"], name="oversight_daily_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}/{self.service_id or '-'}"


class MonthlyFigures(Counters):
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    # The last day aggregated into the row (stocks are that day's).
    last_day = models.DateField()

    class Meta:
        verbose_name = _("ارقام ماهانه")
        verbose_name_plural = _("ارقام ماهانه")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "agency", "service"],
                condition=models.Q(service__isnull=False),
                name="oversight_monthly_service_once",
            ),
            models.UniqueConstraint(
                fields=["year", "month", "agency"],
                condition=models.Q(service__isnull=True),
                name="oversight_monthly_total_once",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "month", "province"], name="oversight_monthly_period"),
            models.Index(fields=["agency", "year", "month"], name="oversight_monthly_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.year}/{self.month} {self.agency_id}/{self.service_id or '-'}"


class AggregationRun(models.Model):
    """One run of the aggregation: the dashboards say when the figures were last built."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    rows = models.PositiveIntegerField(default=0)
    trigger = models.CharField(max_length=20)  # nightly, backfill, demo

    class Meta:
        ordering = ["-finished_at", "-pk"]
        verbose_name = _("اجرای جمع‌بندی")
        verbose_name_plural = _("اجراهای جمع‌بندی")

    def __str__(self) -> str:
        return f"{self.trigger} {self.first_day}…{self.last_day}"


class CaseReview(models.Model):
    """An evaluator's logged look behind a figure: the reason is recorded before any request
    of the agency is shown, and every list shown is written to the audit chain."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("دستگاه")
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("خدمت"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("دلیل بررسی موردی"))
    opened_at = models.DateTimeField(_("زمان گشایش"), default=timezone.now)
    closes_at = models.DateTimeField(_("پایان اعتبار"))

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("بررسی موردی")
        verbose_name_plural = _("بررسی‌های موردی")

    def __str__(self) -> str:
        return f"{self.agency} — {self.opened_at:%Y-%m-%d}"

    def is_open(self) -> bool:
        return timezone.now() < self.closes_at
