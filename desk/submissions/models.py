from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.core.models import StoredDocument
from desk.lib.jalali import today_tehran
from desk.workflow.models import Department, Step, WorkflowVersion


class Status(models.TextChoices):
    # Filed for a service paid at application: neither in the agency's inbox nor on the clock
    # until the fee is paid (desk/payments announces PaymentSettled).
    AWAITING_PAYMENT = "unpaid", _("در انتظار پرداخت")
    SUBMITTED = "submitted", _("ثبت‌شده، در انتظار بررسی")
    IN_REVIEW = "in_review", _("در حال بررسی")
    NEEDS_INFO = "needs_info", _("در انتظار تکمیل اطلاعات از سوی شما")
    REJECTED = "rejected", _("ردشده")
    COMPLETED = "completed", _("انجام‌شده")
    # Its fee was not paid in the service's time (``unpaid_expiry_hours``): closed by the
    # payments job without ever reaching the agency. The citizen files again to go on.
    EXPIRED = "expired", _("منقضی‌شده؛ هزینه پرداخت نشد")


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_INFO)
# Filed but never sent to the agency: in no inbox, deadline or count of the agency's work.
NEVER_SUBMITTED = (Status.AWAITING_PAYMENT, Status.EXPIRED)
# What waits for staff (the inbox), and its deadline: the request's or its current step's,
# whichever comes first. Past it, the request is overdue; the inbox is read in this order.
INBOX_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)
INBOX_WAITING = models.Q(status__in=[str(status) for status in INBOX_STATUSES])
INBOX_DEADLINE = Least(F("due_on"), Coalesce(F("step_due_on"), F("due_on")))


class Channel(models.TextChoices):
    """How a request came in: the citizen on the web, a clerk at the desk for a citizen who is
    there, a clerk for a caller on the phone, or another system through the API."""

    WEB = "web", _("وب")
    DESK = "desk", _("میز خدمت حضوری")
    PHONE = "phone", _("تلفنی")
    API = "api", _("سامانه دیگر")


# Filed by a clerk for the citizen (desk/frontdesk).
ASSISTED_CHANNELS = (Channel.DESK, Channel.PHONE)


class Verification(models.TextChoices):
    """The national systems' word on the answers bound to them (once-only, docs/registries.md)."""

    NONE = "", _("بدون استعلام")
    VERIFIED = "verified", _("تأییدشده با سامانه‌های ملی")
    AWAITING = "awaiting", _("در انتظار پاسخ استعلام")
    MISMATCH = "mismatch", _("مغایرت با سامانه‌های ملی")
    DECEASED = "deceased", _("ثبت احوال: دارنده کد ملی درگذشته است")


class Submission(models.Model):
    """A citizen's request for a service (درخواست), followed by its tracking code."""

    tracking_code = models.CharField(_("کد رهگیری"), max_length=16, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="submissions")
    # Denormalised from the service so that every staff query is scoped by one indexed column.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="submissions")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    applicant_name = models.CharField(_("نام متقاضی"), max_length=200, blank=True)
    applicant_national_code = models.CharField(_("کد ملی متقاضی"), max_length=10)
    # Empty for a citizen without a mobile, served at the desk: no SMS is sent to them.
    applicant_mobile = models.CharField(_("تلفن همراه متقاضی"), max_length=13, blank=True)
    # A landline the clerk recorded for a citizen without a mobile; never texted.
    applicant_landline = models.CharField(_("تلفن ثابت متقاضی"), max_length=20, blank=True)
    channel = models.CharField(
        _("مسیر ثبت"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    # The clerk who filed it for the citizen; None when the citizen filed it themselves.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filed_submissions",
    )
    data = models.JSONField(_("پاسخ‌های فرم"), default=dict)
    status = models.CharField(
        _("وضعیت"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    due_on = models.DateField(_("موعد پاسخ نهایی"))
    closed_at = models.DateTimeField(_("زمان پایان"), null=True, blank=True)
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # Where the request is in its workflow. The version is pinned when the request starts.
    workflow_version = models.ForeignKey(
        WorkflowVersion, null=True, on_delete=models.PROTECT, related_name="submissions"
    )
    current_step = models.ForeignKey(Step, null=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_submissions",
    )
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due_on = models.DateField(null=True, blank=True)
    # The clock stops while the request waits for the citizen: when it stopped, and how many
    # working days it has been stopped in all.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    verification = models.CharField(
        _("استعلام"), max_length=10, choices=Verification.choices, blank=True, default=""
    )
    # The applicant's mobile is not (yet) confirmed by Shahkar as the national code's: staff
    # may not act on the request until it is (desk/accounts/identity.py).
    held = models.BooleanField(_("نگه‌داشته تا تأیید هویت"), default=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("درخواست")
        verbose_name_plural = _("درخواست‌ها")
        indexes = [
            models.Index(fields=["agency", "status", "due_on"], name="submission_inbox"),
            models.Index(fields=["applicant", "-submitted_at"], name="submission_applicant"),
            models.Index(fields=["agency", "status", "step_due_on"], name="submission_step_due"),
            # The inbox's "waiting for the citizen" list, oldest first: its first rows read in
            # order instead of a sort of the agency's requests that wait for the citizen.
            models.Index(
                fields=["agency", "submitted_at"],
                condition=models.Q(status="needs_info"),
                name="submission_needs_info",
            ),
            models.Index(
                fields=["agency", "-closed_at"],
                condition=models.Q(closed_at__isnull=False),
                name="submission_recently_closed",
            ),
            # Oversight's aggregation reads a span of days by filing and by closing moment.
            models.Index(fields=["submitted_at"], name="submission_submitted_at"),
            models.Index(fields=["closed_at"], name="submission_closed_at"),
            # The unpaid-expiry job reads only the few requests waiting for their fee.
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(status="unpaid"),
                name="submission_unpaid",
            ),
            # The staff inbox (selectors.inbox_page) in its order, overdue first: the earliest
            # deadline, then id, among the requests waiting for staff only (a fifth of them).
            # An agency's whole queue (a manager's) is read in order; an expert's is the union
            # of their own (assignee) and their departments' unassigned queues, each a short
            # range of these indexes, so only their ~50 rows are fetched and sorted.
            models.Index(
                F("agency"),
                INBOX_DEADLINE,
                F("id"),
                condition=INBOX_WAITING,
                name="submission_inbox_order",
            ),
            models.Index(
                F("assigned_to"),
                INBOX_DEADLINE,
                F("id"),
                condition=INBOX_WAITING,
                name="submission_inbox_assignee",
            ),
            # The unassigned queue of a department, or of an agency's requests without one
            # (department IS NULL: the agency bounds the range, which would otherwise hold
            # every agency's department-less requests).
            models.Index(
                F("department"),
                F("agency"),
                INBOX_DEADLINE,
                F("id"),
                condition=INBOX_WAITING & models.Q(assigned_to__isnull=True),
                name="submission_inbox_unassigned",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and not self.is_paused and (today or today_tehran()) > self.due_on

    def is_step_overdue(self, today: date | None = None) -> bool:
        return (
            self.is_open
            and not self.is_paused
            and self.step_due_on is not None
            and (today or today_tehran()) > self.step_due_on
        )

    def days_left(self, today: date | None = None) -> int:
        """Calendar days to the promised date (negative when late); derived, never stored."""
        return (self.due_on - (today or today_tehran())).days


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", _("مدرک متقاضی")
    RESULT = "result", _("نتیجه")


def _upload_to(instance: Attachment | StagedFile, filename: str) -> str:
    # Random names: the original name is kept in a column, never on disk.
    now = timezone.now()
    return f"submissions/{now:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(StoredDocument):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    field_name = models.CharField(max_length=50, blank=True)
    label = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=_upload_to, max_length=200)

    class Meta(StoredDocument.Meta):
        verbose_name = _("پیوست")
        verbose_name_plural = _("پیوست‌ها")

    @property
    def download_stem(self) -> str:
        return f"{self.submission.tracking_code}-{self.kind}-{self.public_id.hex[:8]}"


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("درخواست ثبت شد")
    REVIEW_STARTED = "review_started", _("بررسی آغاز شد")
    INFO_REQUESTED = "info_requested", _("اطلاعات یا مدرک بیشتری خواسته شد")
    INFO_PROVIDED = "info_provided", _("متقاضی اطلاعات را تکمیل کرد")
    REJECTED = "rejected", _("درخواست رد شد")
    COMPLETED = "completed", _("درخواست انجام شد و نتیجه صادر شد")
    STEP_CHANGED = "step_changed", _("درخواست به مرحله بعد رفت")
    ASSIGNED = "assigned", _("به کارشناس واگذار شد")
    REFERRED = "referred", _("به واحد دیگر ارجاع شد")
    ESCALATED = "escalated", _("از مهلت مرحله گذشت و پیگیری شد")
    DELIVERED = "delivered", _("نتیجه به متقاضی تحویل شد")
    APPOINTMENT = "appointment", _("نوبت حضوری")
    REOPENED = "reopened", _("اعتراض پذیرفته شد و درخواست دوباره بررسی می‌شود")
    INQUIRY = "inquiry", _("استعلام از دستگاه دیگر")
    EXPIRED = "expired", _("مهلت پرداخت هزینه گذشت و درخواست بسته شد")


class TimelineEvent(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    status_after = models.CharField(max_length=12, choices=Status.choices)
    # None: done by the system itself (escalation, scheduled jobs).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Shown to the citizen (a reason, a question); staff see it too.
    message = models.TextField(blank=True)
    # The step the request reached, and the words the citizen reads for it.
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(max_length=200, blank=True)
    # Internal events (assignment, referral, escalation) are for staff only.
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("رویداد")
        verbose_name_plural = _("رویدادها")

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.kind}"


class DeadlineRecompute(models.Model):
    """One recompute of running requests' deadlines after a calendar change: the change, and
    how far the job has come. Each chunk of requests commits with ``last_pk``, so a job that
    dies resumes after the last chunk it wrote (``deadlines.recompute_resume``)."""

    scope = models.CharField(max_length=10)
    province = models.CharField(max_length=30, blank=True)
    agency_id = models.PositiveBigIntegerField(null=True, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    last_pk = models.PositiveBigIntegerField(default=0)
    examined = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("محاسبه دوباره موعدها")
        verbose_name_plural = _("محاسبه‌های دوباره موعدها")
        indexes = [
            models.Index(
                fields=["updated_at"],
                condition=models.Q(finished_at__isnull=True),
                name="deadline_recompute_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.starts_on}: {self.changed}/{self.examined}"


class StagedFile(models.Model):
    """A document a citizen (or a clerk at the desk, for one citizen) chose on an application
    form, checked and stored as soon as it was chosen (desk/submissions/staging.py), before the
    form is sent. It belongs to the person who uploaded it, to one service and one question, and
    expires (STAGED_UPLOAD_HOURS); the request that is filed with it adopts the stored file as its
    attachment (the same storage name, no copy) and the row goes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    field_name = models.CharField(max_length=50)
    # A clerk's file at the desk (desk/frontdesk): the national code of the citizen they staged
    # it for, whose request alone may take it. Empty: the owner's own application.
    acting_for = models.CharField(max_length=10, blank=True, default="")
    # The same folders and random names as Attachment: an adopted file needs no move.
    file = models.FileField(upload_to=_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("پرونده بارگذاری‌شده پیش از ثبت")
        verbose_name_plural = _("پرونده‌های بارگذاری‌شده پیش از ثبت")

    def __str__(self) -> str:
        return self.original_name
