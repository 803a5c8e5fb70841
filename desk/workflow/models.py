"""Workflows as data: each service's steps, who acts at each, and where each action leads.

A workflow is edited as a draft version and published; a request keeps the version it started
with, so editing never changes the path of requests already running.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies import access
from desk.agencies.models import Agency, Role, Staff
from desk.catalog.models import Service


class Department(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="departments", verbose_name=_("دستگاه")
    )
    name = models.CharField(_("نام واحد"), max_length=120)

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("واحد سازمانی")
        verbose_name_plural = _("واحدهای سازمانی")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A staff member's role in one department; a person may hold several."""

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="positions", verbose_name=_("کارمند")
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="positions", verbose_name=_("واحد")
    )
    role = models.CharField(_("نقش"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("سمت در واحد")
        verbose_name_plural = _("سمت‌ها در واحدها")
        constraints = [
            models.UniqueConstraint(fields=["staff", "department", "role"], name="position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.staff.user} — {self.get_role_display()} {self.department}"

    def clean(self) -> None:
        if (
            self.staff_id
            and self.department_id
            and not access.same_agency(self.staff, self.department)
        ):
            raise ValidationError({"staff": _("این کارمند در دستگاه این واحد نیست.")})


class Workflow(models.Model):
    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="workflow", verbose_name=_("خدمت")
    )

    class Meta:
        verbose_name = _("گردش کار")
        verbose_name_plural = _("گردش‌های کار")

    def __str__(self) -> str:
        return str(self.service)


class WorkflowVersion(models.Model):
    workflow = models.ForeignKey(
        Workflow, on_delete=models.CASCADE, related_name="versions", verbose_name=_("گردش کار")
    )
    number = models.PositiveIntegerField(_("شماره نسخه"))
    note = models.CharField(_("یادداشت تغییر"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("زمان ساخت"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("سازنده"),
    )
    published_at = models.DateTimeField(_("زمان انتشار"), null=True, blank=True)

    class Meta:
        ordering = ["workflow", "-number"]
        verbose_name = _("نسخه گردش کار")
        verbose_name_plural = _("نسخه‌های گردش کار")
        constraints = [
            models.UniqueConstraint(fields=["workflow", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.workflow} — نسخه {self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class StepKind(models.TextChoices):
    REVIEW = "review", _("بررسی")
    ASK_CITIZEN = "ask_citizen", _("درخواست اطلاعات از متقاضی")
    INQUIRY = "inquiry", _("استعلام")
    APPOINTMENT = "appointment", _("نوبت حضوری")
    PAYMENT = "payment", _("تأیید پرداخت")
    DECISION = "decision", _("تصمیم")
    DELIVERY = "delivery", _("تحویل نتیجه")
    END_COMPLETED = "end_completed", _("پایان: انجام‌شده")
    END_REJECTED = "end_rejected", _("پایان: ردشده")


END_KINDS = (StepKind.END_COMPLETED, StepKind.END_REJECTED)


class Step(models.Model):
    version = models.ForeignKey(
        WorkflowVersion, on_delete=models.CASCADE, related_name="steps", verbose_name=_("نسخه")
    )
    key = models.SlugField(_("شناسه مرحله"), max_length=40)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    kind = models.CharField(_("نوع"), max_length=15, choices=StepKind.choices)
    is_start = models.BooleanField(_("مرحله آغاز"), default=False)
    citizen_label = models.CharField(_("عنوان برای متقاضی"), max_length=200)
    staff_label = models.CharField(_("عنوان برای کارکنان"), max_length=200)
    role = models.CharField(_("نقش اقدام‌کننده"), max_length=10, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("واحد اقدام‌کننده"),
    )
    duration_days = models.PositiveSmallIntegerField(_("مهلت مرحله (روز کاری)"), default=1)
    requires_documents = models.BooleanField(_("نیاز به مدرک"), default=False)

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("مرحله")
        verbose_name_plural = _("مراحل")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="step_unique_key")]

    def __str__(self) -> str:
        return self.staff_label

    def clean(self) -> None:
        # A step routes work to a department of the workflow's own agency, never another's.
        if self.department is not None and self.version_id:
            service = self.version.workflow.service
            if not access.same_agency(self.department, service):
                raise ValidationError({"department": _("این واحد در دستگاه این خدمت نیست.")})

    @property
    def is_end(self) -> bool:
        return self.kind in END_KINDS

    @property
    def stops_clock(self) -> bool:
        """While the request waits for the citizen, its deadline does not run."""
        return self.kind == StepKind.ASK_CITIZEN


class Action(models.Model):
    """A way out of a step: a button for staff (or the citizen's reply at an ask step)."""

    source = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="actions", verbose_name=_("از مرحله")
    )
    key = models.SlugField(_("شناسه اقدام"), max_length=40)
    label = models.CharField(_("عنوان دکمه"), max_length=120)
    target = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="+", verbose_name=_("به مرحله")
    )
    roles = models.JSONField(
        _("نقش‌های مجاز"), default=list, blank=True, help_text=_("خالی: نقش مرحله")
    )
    by_citizen = models.BooleanField(_("اقدام متقاضی"), default=False)
    needs_message = models.BooleanField(_("توضیح الزامی"), default=False)
    needs_result = models.BooleanField(_("پرونده نتیجه الزامی"), default=False)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        ordering = ["source", "order", "pk"]
        verbose_name = _("اقدام")
        verbose_name_plural = _("اقدام‌ها")
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="action_unique_key")]

    def __str__(self) -> str:
        return self.label

    def allowed_roles(self) -> set[str]:
        return set(self.roles) if self.roles else ({self.source.role} - {""})


class EscalationRule(models.Model):
    """What an agency does with an overdue step besides flagging it and telling managers."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="escalation", verbose_name=_("دستگاه")
    )
    reassign_to = models.ForeignKey(
        Staff,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("واگذاری به"),
    )

    class Meta:
        verbose_name = _("قاعده پیگیری تأخیر")
        verbose_name_plural = _("قواعد پیگیری تأخیر")

    def __str__(self) -> str:
        return str(self.agency)

    def clean(self) -> None:
        if self.reassign_to is not None and not access.same_agency(self.reassign_to, self):
            raise ValidationError({"reassign_to": _("این کارمند در دستگاه شما نیست.")})
