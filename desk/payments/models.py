"""Fees, what a request owes, and every attempt to pay it.

Amounts are rials as integers, as the gateways and the law count them; pages show tomans where
people expect them. A charge is paid at most once: the database refuses a second settled payment
of one charge, whatever the gateways say.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.submissions.models import Submission
from desk.workflow.models import Step


class FeeKind(models.TextChoices):
    FIXED = "fixed", _("مبلغ ثابت")
    OPTIONS = "options", _("انتخاب متقاضی از چند گزینه")
    STAFF = "staff", _("تعیین مبلغ به دست کارشناس")


class ServiceFee(models.Model):
    """How a service charges: what the payment step of its workflow asks the citizen to pay,
    or what the citizen pays when filing (the service's ``pay_at_application``)."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="payment_fee", verbose_name=_("خدمت")
    )
    kind = models.CharField(_("نوع هزینه"), max_length=10, choices=FeeKind.choices)
    amount = models.PositiveBigIntegerField(
        _("مبلغ (ریال)"), default=0, help_text=_("برای مبلغ ثابت")
    )
    purpose = models.CharField(
        _("بابت"), max_length=200, help_text=_("آنچه متقاضی می‌خواند، مثلاً «عوارض صدور پروانه»")
    )

    class Meta:
        verbose_name = _("هزینه خدمت")
        verbose_name_plural = _("هزینه‌های خدمت")

    def __str__(self) -> str:
        return f"{self.service}: {self.purpose}"


class FeeOption(models.Model):
    fee = models.ForeignKey(ServiceFee, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("عنوان گزینه"), max_length=200)
    amount = models.PositiveBigIntegerField(_("مبلغ (ریال)"))
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        ordering = ["fee", "order", "pk"]
        verbose_name = _("گزینه هزینه")
        verbose_name_plural = _("گزینه‌های هزینه")

    def __str__(self) -> str:
        return self.label


class Provider(models.TextChoices):
    FAKE = "fake", _("درگاه آزمایشی (فقط نمایش و آزمون)")
    ZARINPAL = "zarinpal", _("زرین‌پال")
    MELLAT = "mellat", _("به‌پرداخت ملت")
    SEP = "sep", _("سامان (سپ)")


class GatewayAccount(models.Model):
    """An agency's merchant account at one gateway. The secrets themselves never enter the
    database or the admin: ``credentials_name`` names a set in PAYMENT_CREDENTIALS."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="gateway_account", verbose_name=_("دستگاه")
    )
    provider = models.CharField(_("درگاه"), max_length=10, choices=Provider.choices)
    credentials_name = models.SlugField(
        _("نام مجموعه اعتبارنامه"),
        max_length=60,
        blank=True,
        help_text=_("کلید این دستگاه در PAYMENT_CREDENTIALS (شناسه پذیرنده، ترمینال، گذرواژه)"),
    )
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("حساب درگاه پرداخت")
        verbose_name_plural = _("حساب‌های درگاه پرداخت")

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_provider_display()}"


class ChargeState(models.TextChoices):
    DUE = "due", _("در انتظار پرداخت")
    PAID = "paid", _("پرداخت‌شده")
    CANCELLED = "cancelled", _("لغوشده")


def _public_id() -> uuid.UUID:
    return uuid.uuid4()


class Charge(models.Model):
    """What one request owes at one step: an amount, what it is for, and why."""

    public_id = models.UUIDField(unique=True, default=_public_id, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="charges")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.PositiveBigIntegerField(_("مبلغ (ریال)"), default=0)
    purpose = models.CharField(_("بابت"), max_length=200)
    reason = models.TextField(_("توضیح مبلغ"), blank=True)
    # Options the citizen chooses from (copied from the service's fee when the charge is made).
    options = models.JSONField(default=list, blank=True)
    option_label = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=ChargeState.choices, default=ChargeState.DUE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("مبلغ قابل پرداخت")
        verbose_name_plural = _("مبالغ قابل پرداخت")
        constraints = [
            # One open bill per request and step: entering the step twice does not bill twice.
            models.UniqueConstraint(
                fields=["submission", "step"],
                condition=Q(state="due"),
                name="charge_one_due_per_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.amount})"

    @property
    def needs_choice(self) -> bool:
        return bool(self.options) and not self.option_label


class PaymentState(models.TextChoices):
    CREATED = "created", _("آغازشده")
    PENDING = "pending", _("در درگاه بانک")
    UNKNOWN = "unknown", _("در انتظار استعلام از بانک")
    SETTLED = "settled", _("پرداخت‌شده")
    FAILED = "failed", _("ناموفق")
    EXPIRED = "expired", _("رهاشده")
    REVERSED = "reversed", _("برگشت‌خورده به حساب پرداخت‌کننده")
    REFUNDED = "refunded", _("مسترد شده")


FINAL_STATES = (
    PaymentState.SETTLED,
    PaymentState.FAILED,
    PaymentState.EXPIRED,
    PaymentState.REVERSED,
    PaymentState.REFUNDED,
)


def new_order_id() -> int:
    """A 15-digit order number: unique (checked by the database), not guessable, and within
    the long integer every gateway accepts."""
    return 10**14 + secrets.randbelow(9 * 10**14)


class Payment(models.Model):
    """One attempt to pay a charge through a gateway."""

    public_id = models.UUIDField(unique=True, default=_public_id, editable=False)
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="payments")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("دستگاه")
    )
    provider = models.CharField(_("درگاه"), max_length=10, choices=Provider.choices)
    order_id = models.BigIntegerField(_("شماره سفارش"), unique=True, default=new_order_id)
    amount = models.PositiveBigIntegerField(_("مبلغ (ریال)"))
    state = models.CharField(
        _("وضعیت"), max_length=10, choices=PaymentState.choices, default=PaymentState.CREATED
    )
    # The gateway's handle of the attempt (Zarinpal authority, Mellat RefId, SEP token).
    token = models.CharField(max_length=200, blank=True, db_index=True)
    # What the gateway returned: RRN / reference id, the sale reference, the masked card.
    reference = models.CharField(_("شماره مرجع"), max_length=100, blank=True)
    trace = models.CharField(_("شماره پیگیری"), max_length=100, blank=True)
    card = models.CharField(_("کارت"), max_length=40, blank=True)
    # The gateway's own id of the transaction that the return named and that is verified for
    # this payment (SEP's RefNum, Mellat's SaleReferenceId): one payment's, never another's.
    # SEP verifies by it alone and answers «verified before» for it again: without this, one
    # transaction paid at the bank could be shown to settle any number of payments.
    gateway_reference = models.CharField(max_length=100, blank=True)
    refunded_amount = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("زمان آغاز"), default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("پرداخت")
        verbose_name_plural = _("پرداخت‌ها")
        constraints = [
            # The line that makes "never charged twice" a fact of the database.
            models.UniqueConstraint(
                fields=["charge"],
                condition=Q(state__in=["settled", "refunded"]),
                name="payment_one_settled_per_charge",
            ),
            models.UniqueConstraint(
                fields=["provider", "gateway_reference"],
                condition=~Q(gateway_reference=""),
                name="payment_gateway_reference_once",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "updated_at"], name="payment_reconcile"),
            models.Index(fields=["agency", "settled_at"], name="payment_revenue"),
        ]

    def __str__(self) -> str:
        return str(self.order_id)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


class PaymentEvent(models.Model):
    """Every change of a payment's state, with what the gateway said: kept, never edited."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    note = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("رویداد پرداخت")
        verbose_name_plural = _("رویدادهای پرداخت")

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.from_state} → {self.to_state}"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField(_("مبلغ (ریال)"))
    reason = models.TextField(_("علت استرداد"))
    reference = models.CharField(_("شماره مرجع واریز"), max_length=100, blank=True)
    by_gateway = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("استرداد")
        verbose_name_plural = _("استردادها")

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.amount}"


class FakeGatewayTransaction(models.Model):
    """The fake gateway's own ledger, standing in for the bank's side: what the citizen did on
    its page, how often we verified, and whether the money came back. Tests read it to prove
    that nothing was taken twice."""

    token = models.CharField(max_length=64, unique=True)
    order_id = models.BigIntegerField()
    amount = models.PositiveBigIntegerField()
    callback_url = models.URLField(max_length=500)
    state = models.CharField(max_length=10, default="pending")  # pending paid failed reversed
    reference = models.CharField(max_length=40, blank=True)
    verify_count = models.PositiveIntegerField(default=0)
    # Test switch: the next verifications time out (the bank does not answer).
    verify_timeouts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("تراکنش درگاه آزمایشی")
        verbose_name_plural = _("تراکنش‌های درگاه آزمایشی")

    def __str__(self) -> str:
        return self.token
