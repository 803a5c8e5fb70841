"""Charges and payments: every write of the payments app.

The rule that matters: money is counted once. A payment is settled only after a server-to-server
verification whose amount and order match ours; a charge takes at most one settled payment (a
database constraint backs it); any other payment the gateway confirms for the same charge is
reversed. Verification that cannot finish (a timeout) leaves the payment ``unknown`` for the
reconciliation job, never guessed.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Role
from desk.core.compiled import CompiledQuery
from desk.core.errors import ApplicationError
from desk.core.events import (
    PaymentSettled,
    SubmissionAwaitingPayment,
    SubmissionMoved,
    SubmissionSubmitted,
    announce,
)
from desk.lib.persian import format_rials, format_tomans
from desk.notifications.services import message_queue_template
from desk.payments.gateways import gateway_for
from desk.payments.gateways.base import (
    Gateway,
    GatewayError,
    GatewayUnavailable,
    Outcome,
    Redirect,
    Returned,
)
from desk.payments.models import (
    Charge,
    ChargeState,
    FeeKind,
    GatewayAccount,
    Payment,
    PaymentEvent,
    PaymentState,
    Refund,
    ServiceFee,
)
from desk.payments.selectors import active_gateway_accounts
from desk.submissions.models import Status, Submission
from desk.submissions.progress import short_link
from desk.submissions.services import (
    staff_may_act_now,
    submission_advance,
    submission_expire_unpaid,
    submission_release_after_payment,
)
from desk.workflow.models import Step, StepKind

logger = logging.getLogger(__name__)


# --- charges -------------------------------------------------------------------------------------


def _fee_of(submission: Submission) -> ServiceFee | None:
    return ServiceFee.objects.filter(service_id=submission.service_id).first()


def _charge_make(submission: Submission, step: Step | None, fee: ServiceFee) -> Charge | None:
    if fee.kind == FeeKind.STAFF:
        return None  # staff set the amount at the step, with a reason
    options = (
        [{"label": o.label, "amount": o.amount} for o in fee.options.all()]
        if fee.kind == FeeKind.OPTIONS
        else []
    )
    amount = fee.amount if fee.kind == FeeKind.FIXED else 0
    if fee.kind == FeeKind.FIXED and not amount:
        return None
    if fee.kind == FeeKind.OPTIONS and not options:
        return None
    return Charge.objects.create(
        submission=submission,
        agency_id=submission.agency_id,
        step=step,
        amount=amount,
        purpose=fee.purpose,
        options=options,
    )


def _fallback_fee(submission: Submission) -> ServiceFee | None:
    """A service card that states a fee but has no fee settings charges that fee."""
    amount = submission.service.fee_amount
    if not amount:
        return None
    return ServiceFee(
        service=submission.service,
        kind=FeeKind.FIXED,
        amount=amount,
        purpose=_("هزینه خدمت «%(service)s»") % {"service": submission.service.title},
    )


@transaction.atomic
def charge_for_step(*, submission_id: int, step_id: int | None) -> Charge | None:
    """Bill the request for the payment step it has reached (or, step None, for paying at
    application). Idempotent: one open bill per request and step."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("service", "agency")
        .get(pk=submission_id)
    )
    existing = (
        Charge.objects.filter(submission=submission, state__in=(ChargeState.DUE, ChargeState.PAID))
        .filter(step__isnull=step_id is None)
        .filter(**({} if step_id is None else {"step_id": step_id}))
        .first()
    )
    if existing is not None:
        return existing
    step = Step.objects.get(pk=step_id) if step_id is not None else None
    fee = _fee_of(submission) or _fallback_fee(submission)
    if fee is None:
        return None
    charge = _charge_make(submission, step, fee)
    if charge is not None and charge.amount:
        _text_due(charge, submission)
    return charge


def on_submission_moved(event: SubmissionMoved) -> None:
    """Subscriber: a request that reaches a payment step is billed."""
    if Step.objects.filter(pk=event.to_step_id, kind=StepKind.PAYMENT).exists():
        charge_for_step(submission_id=event.submission_id, step_id=event.to_step_id)


def _payment_step_query(submission_id: int) -> QuerySet[Submission, Any]:
    return Submission.objects.filter(
        pk=submission_id, current_step__kind=StepKind.PAYMENT
    ).values_list("current_step_id")


# Every filing asks it (inline: the receipt's «pay online» needs the charge), so it is one
# statement compiled once (desk/core/compiled.py), not the request then its step.
_PAYMENT_STEP = CompiledQuery(_payment_step_query, (int,))


def on_submission_submitted(event: SubmissionSubmitted) -> None:
    """Subscriber: a workflow that starts with a payment step bills the request at once."""
    for (step_id,) in _PAYMENT_STEP.rows(event.submission_id):
        charge_for_step(submission_id=event.submission_id, step_id=step_id)


def on_submission_awaiting_payment(event: SubmissionAwaitingPayment) -> None:
    """Subscriber: a service paid at application bills the request it holds; with nothing to
    bill (no fee, or one staff set later) the request is not held for nothing: released now."""
    charge = charge_for_step(submission_id=event.submission_id, step_id=None)
    if charge is None or (not charge.amount and not charge.needs_choice):
        submission_release_after_payment(submission_id=event.submission_id)


@transaction.atomic
def charge_set_by_staff(*, submission_id: int, actor: User, amount: int, reason: str) -> Charge:
    """Staff set the amount at a payment step, with a reason the citizen reads."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("service", "agency", "current_step")
        .get(pk=submission_id)
    )
    if not access.can_act_on_submission(actor, submission):
        raise ApplicationError(_("شما اجازه این اقدام را ندارید."))
    step = submission.current_step
    if step is None or step.kind != StepKind.PAYMENT or not submission.is_open:
        raise ApplicationError(_("مبلغ را فقط در مرحله پرداخت می‌توان تعیین کرد."))
    if not staff_may_act_now(submission, actor):  # who works this step, not any staff
        raise ApplicationError(_("تعیین مبلغ در این مرحله با کارشناس همین مرحله است."))
    if amount <= 0:
        raise ApplicationError(_("مبلغ را به ریال و بیشتر از صفر وارد کنید."), field="amount")
    if not reason.strip():
        raise ApplicationError(_("بنویسید این مبلغ بابت چیست."), field="reason")
    current = Charge.objects.filter(submission=submission, step=step).exclude(
        state=ChargeState.CANCELLED
    )
    if current.filter(state=ChargeState.PAID).exists():
        raise ApplicationError(_("هزینه این مرحله پرداخت شده است."))
    current.update(state=ChargeState.CANCELLED)
    fee = _fee_of(submission)
    charge = Charge.objects.create(
        submission=submission,
        agency_id=submission.agency_id,
        step=step,
        amount=amount,
        purpose=fee.purpose if fee else _("هزینه خدمت «%(s)s»") % {"s": submission.service.title},
        reason=reason.strip(),
        created_by=actor,
    )
    _text_due(charge, submission)
    return charge


@transaction.atomic
def charge_choose(*, charge_id: int, user: User, option: int) -> Charge:
    """The citizen picks one of the fee's options."""
    charge = Charge.objects.select_for_update().select_related("submission").get(pk=charge_id)
    if not access.is_applicant(user, charge.submission):
        raise ApplicationError(_("این صفحه برای شما نیست."))
    if charge.state != ChargeState.DUE:
        raise ApplicationError(_("این مبلغ دیگر قابل تغییر نیست."))
    if not 0 <= option < len(charge.options):
        raise ApplicationError(_("یکی از گزینه‌ها را انتخاب کنید."), field="option")
    if charge.payments.exclude(state__in=(PaymentState.FAILED, PaymentState.EXPIRED)).exists():
        raise ApplicationError(_("پرداخت این مبلغ آغاز شده است؛ گزینه را نمی‌توان تغییر داد."))
    chosen = charge.options[option]
    charge.option_label = str(chosen["label"])
    charge.amount = int(chosen["amount"])
    charge.save(update_fields=["option_label", "amount"])
    return charge


def _text_due(charge: Charge, submission: Submission) -> None:
    message_queue_template(
        to=submission.applicant_mobile,
        event="payment_due",
        context={
            "tracking_code": submission.tracking_code,
            "service": submission.service.title,
            "amount": format_tomans(charge.amount),
            "link": short_link(submission.tracking_code),
            "agency": submission.agency.name,
        },
        agency_id=submission.agency_id,
        reference=submission.tracking_code,
        sender=submission.agency.sms_line,
    )


# --- starting a payment --------------------------------------------------------------------------


def _account(agency_id: int) -> GatewayAccount:
    account = active_gateway_accounts(agency_id).first()
    if account is None:
        raise ApplicationError(_("پرداخت برخط برای این دستگاه هنوز فعال نشده است."))
    return account


def _gateway(payment: Payment) -> Gateway:
    account = GatewayAccount.objects.filter(agency_id=payment.agency_id).first()
    if account is None or account.provider != payment.provider:
        raise GatewayError("the agency's gateway changed since this payment", code="config")
    return gateway_for(account)


def _record(
    payment: Payment, to_state: str, *, note: str = "", data: dict[str, Any] | None = None
) -> None:
    PaymentEvent.objects.create(
        payment=payment,
        from_state=payment.state,
        to_state=to_state,
        note=note[:300],
        reference=payment.reference,
        data=data or {},
    )
    payment.state = to_state
    payment.updated_at = timezone.now()


def payment_start(*, charge_public_id: str, user: User) -> tuple[Payment, Redirect]:
    """Open a payment of the charge at the agency's gateway and say where the browser goes.

    The row is committed before the gateway is called, so a crash between the two leaves a
    trace the reconciliation job closes."""
    with transaction.atomic():
        charge = (
            Charge.objects.select_for_update()
            .select_related("submission")
            .filter(public_id=charge_public_id)
            .first()
        )
        if charge is None or not access.is_applicant(user, charge.submission):
            raise ApplicationError(_("این صفحه برای شما نیست."))
        if charge.state == ChargeState.PAID:
            raise ApplicationError(_("این مبلغ پیش از این پرداخت شده است."))
        if charge.state != ChargeState.DUE:
            raise ApplicationError(_("این مبلغ دیگر قابل پرداخت نیست."))
        if charge.needs_choice or not charge.amount:
            raise ApplicationError(_("ابتدا یکی از گزینه‌های هزینه را انتخاب کنید."), field="option")
        account = _account(charge.agency_id)
        payment = Payment.objects.create(
            charge=charge,
            agency_id=charge.agency_id,
            provider=account.provider,
            amount=charge.amount,
        )
        PaymentEvent.objects.create(payment=payment, to_state=PaymentState.CREATED)
    callback = settings.SITE_URL.rstrip("/") + reverse("payments:return", args=[payment.public_id])
    submission = charge.submission
    try:
        started = gateway_for(account).start(
            order_id=payment.order_id,
            amount=payment.amount,
            callback_url=callback,
            description=f"{charge.purpose} - {submission.tracking_code}",
            mobile=submission.applicant_mobile,
        )
    except GatewayError as exc:
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            _record(locked, PaymentState.FAILED, note=f"start: {exc}")
            locked.save()
        logger.warning("payment %s could not start: %s", payment.order_id, exc)
        raise ApplicationError(
            _("درگاه بانک اکنون پاسخ نمی‌دهد. چند دقیقه دیگر دوباره «پرداخت» را بزنید."),
            retry_after=120,
        ) from exc
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        locked.token = started.token
        _record(locked, PaymentState.PENDING, note="redirected to the gateway")
        locked.save()
    return locked, started.redirect


# --- the return, verification and settlement -----------------------------------------------------


def payment_return(*, public_id: str, params: dict[str, str]) -> Payment | None:
    """The browser came back from the gateway. Whatever it carries is only a hint: the payment
    is verified with the gateway, server to server, before it counts."""
    payment = Payment.objects.filter(public_id=public_id).first()
    if payment is None:
        return None
    try:
        gateway = _gateway(payment)
    except GatewayError:
        logger.exception("payment %s: no gateway to verify with", payment.order_id)
        return payment
    returned = gateway.parse_return(params)
    foreign = (returned.token and returned.token != payment.token) or (
        returned.order_id and returned.order_id != str(payment.order_id)
    )
    if foreign:
        # Someone else's order, or a forged return: record it and change nothing.
        PaymentEvent.objects.create(
            payment=payment,
            from_state=payment.state,
            to_state=payment.state,
            note="return rejected: token or order does not match",
            data={"params": dict(params)},
        )
        return payment
    return payment_finish(payment_id=payment.pk, gateway=gateway, returned=returned)


def _returned_of(payment: Payment) -> Returned | None:
    event = payment.events.filter(data__has_key="returned").last()
    if event is None:
        return None
    data = dict(event.data["returned"])
    data["extra"] = dict(data.get("extra") or {})
    return Returned(**data)


def payment_finish(
    *, payment_id: int, gateway: Gateway | None = None, returned: Returned | None = None
) -> Payment:
    """Verify a payment with its gateway and settle, fail, or reverse it. Safe to call any
    number of times, at once from several places (a double return, the job): the charge and
    the payment are locked, and a payment in a final state is left as it is."""
    with transaction.atomic():
        charge_id = Payment.objects.values_list("charge_id", flat=True).get(pk=payment_id)
        charge = Charge.objects.select_for_update().get(pk=charge_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        late_success = (
            payment.state in (PaymentState.FAILED, PaymentState.EXPIRED)
            and returned is not None
            and returned.ok
        )
        if payment.is_final and not late_success:
            return payment
        gateway = gateway or _gateway(payment)
        # A transaction already verified for another payment (SEP answers «verified before»
        # for it again): shown here, it would pay this charge too.
        if returned and returned.reference and not _holds_reference(payment, returned.reference):
            PaymentEvent.objects.create(
                payment=payment,
                from_state=payment.state,
                to_state=payment.state,
                note="return rejected: its transaction belongs to another payment",
                data={"reference": returned.reference},
            )
            return payment
        if returned is not None:
            PaymentEvent.objects.create(
                payment=payment,
                from_state=payment.state,
                to_state=payment.state,
                note="returned from the gateway",
                data={"returned": asdict(returned)},
            )
        else:
            returned = _returned_of(payment)
        _verify_and_apply(payment, charge, gateway, returned)
        payment.save()
        if payment.state == PaymentState.SETTLED:
            charge.state = ChargeState.PAID
            charge.paid_at = payment.settled_at
            charge.save(update_fields=["state", "paid_at"])
            transaction.on_commit(lambda: _after_settled(payment.pk))
            announce(
                PaymentSettled(
                    submission_id=charge.submission_id,
                    agency_id=charge.agency_id,
                    charge_id=charge.pk,
                    step_id=charge.step_id,
                )
            )
    return payment


def _holds_reference(payment: Payment, reference: str) -> bool:
    """Whether the gateway's transaction `reference` is this payment's: the first return that
    names one binds it to the payment (for good: a later return naming another is refused);
    one already bound to another payment of the provider is never this one's."""
    if payment.gateway_reference:
        return payment.gateway_reference == reference
    others = Payment.objects.filter(provider=payment.provider, gateway_reference=reference)
    if others.exclude(pk=payment.pk).exists():
        return False
    try:
        with transaction.atomic():  # a parallel return binding it first: the constraint says
            Payment.objects.filter(pk=payment.pk).update(gateway_reference=reference)
    except IntegrityError:
        return False
    payment.gateway_reference = reference
    return True


def _verify_and_apply(
    payment: Payment, charge: Charge, gateway: Gateway, returned: Returned | None
) -> None:
    if returned is not None and not returned.ok and not gateway.verifies_without_return:
        _record(payment, PaymentState.FAILED, note="the gateway returned: not paid")
        return
    if returned is None and not gateway.verifies_without_return:
        return  # nothing to verify with; the job expires it and the bank returns any money
    try:
        verified = gateway.verify(
            order_id=payment.order_id, token=payment.token, amount=payment.amount, returned=returned
        )
    except GatewayUnavailable as exc:
        if payment.state != PaymentState.UNKNOWN:
            _record(payment, PaymentState.UNKNOWN, note=f"verify: {exc}")
        return
    if verified.outcome != Outcome.PAID:
        _record(payment, PaymentState.FAILED, note="verify: not paid", data=dict(verified.raw))
        return
    payment.reference = verified.reference or (returned.reference if returned else "")
    payment.trace = verified.trace or (returned.trace if returned else "")
    payment.card = verified.card
    if verified.amount != payment.amount:
        _reverse(payment, gateway, returned, f"amount mismatch: paid {verified.amount}")
        return
    if charge.state != ChargeState.DUE:
        _reverse(payment, gateway, returned, "the charge was already paid")
        return
    if payment.amount != charge.amount:
        # Another of the fee's options was chosen after this payment started (and failed):
        # its late success pays the amount it started with, not the charge's.
        _reverse(
            payment, gateway, returned, f"the charge is {charge.amount} since this payment began"
        )
        return
    try:
        gateway.settle(order_id=payment.order_id, token=payment.token, returned=returned)
    except GatewayUnavailable as exc:
        if payment.state != PaymentState.UNKNOWN:
            _record(payment, PaymentState.UNKNOWN, note=f"settle: {exc}")
        return
    payment.settled_at = timezone.now()
    _record(payment, PaymentState.SETTLED, note="verified and settled")


def _reverse(payment: Payment, gateway: Gateway, returned: Returned | None, why: str) -> None:
    try:
        done = gateway.reverse(order_id=payment.order_id, token=payment.token, returned=returned)
    except GatewayError as exc:
        done = False
        why = f"{why}; reverse failed: {exc}"
    note = why if done else f"{why}; the bank returns unsettled money itself"
    _record(payment, PaymentState.REVERSED, note=note)


def _after_settled(payment_id: int) -> None:
    payment = Payment.objects.select_related(
        "charge__submission__service", "charge__submission__agency"
    ).get(pk=payment_id)
    charge = payment.charge
    submission = charge.submission
    message_queue_template(
        to=submission.applicant_mobile,
        event="payment_received",
        context={
            "tracking_code": submission.tracking_code,
            "service": submission.service.title,
            "amount": format_tomans(payment.amount),
            "reference": payment.reference,
            "agency": submission.agency.name,
        },
        agency_id=submission.agency_id,
        reference=submission.tracking_code,
        sender=submission.agency.sms_line,
    )
    if charge.step_id is not None:
        submission_advance(
            submission_id=submission.pk,
            from_step_id=charge.step_id,
            message=_("%(amount)s بابت «%(purpose)s» پرداخت شد؛ شماره مرجع %(ref)s.")
            % {
                "amount": format_rials(payment.amount),
                "purpose": charge.purpose,
                "ref": payment.reference,
            },
        )


# --- reconciliation ------------------------------------------------------------------------------


def payments_reconcile(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Close what the browser left open: verify pending and unknown payments again, expire the
    ones that cannot be verified (the bank returns their money by itself)."""
    now = now or timezone.now()
    counts = {"checked": 0, "settled": 0, "expired": 0, "still_unknown": 0}
    stale = now - datetime.timedelta(minutes=settings.PAYMENT_PENDING_MINUTES)
    candidates = Payment.objects.filter(
        state__in=(PaymentState.CREATED, PaymentState.PENDING, PaymentState.UNKNOWN),
        updated_at__lt=stale,
    ).values_list("pk", flat=True)
    for pk in list(candidates[:500]):
        counts["checked"] += 1
        payment = _reconcile_one(pk, now)
        if payment.state == PaymentState.SETTLED:
            counts["settled"] += 1
        elif payment.state == PaymentState.EXPIRED:
            counts["expired"] += 1
        elif payment.state == PaymentState.UNKNOWN:
            counts["still_unknown"] += 1
    return counts


def _reconcile_one(payment_id: int, now: datetime.datetime) -> Payment:
    payment = Payment.objects.get(pk=payment_id)
    if payment.state == PaymentState.CREATED or not payment.token:
        return _expire(payment_id, "never reached the gateway")
    try:
        payment = payment_finish(payment_id=payment_id)
    except GatewayError as exc:
        logger.warning("reconcile %s: %s", payment.order_id, exc)
        return payment
    if payment.state == PaymentState.PENDING:
        return _expire(payment_id, "abandoned at the gateway")
    if payment.state == PaymentState.UNKNOWN:
        age = now - payment.created_at
        if age > datetime.timedelta(hours=settings.PAYMENT_UNKNOWN_GIVE_UP_HOURS):
            logger.error("payment %s unknown for %s: check it by hand", payment.order_id, age)
    return payment


@transaction.atomic
def _expire(payment_id: int, why: str) -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.state in (PaymentState.CREATED, PaymentState.PENDING):
        _record(payment, PaymentState.EXPIRED, note=why)
        payment.save()
    return payment


# --- requests whose fee was never paid -----------------------------------------------------------

# A payment in these states may still turn into money: the request it pays is not expired.
IN_FLIGHT = (PaymentState.CREATED, PaymentState.PENDING, PaymentState.UNKNOWN)


def unpaid_overdue(*, now: datetime.datetime) -> list[int]:
    """Requests waiting for the fee paid at application longer than their service allows
    (``Service.unpaid_expiry_hours``, else PAYMENT_UNPAID_EXPIRY_HOURS), oldest first."""
    waiting = Submission.objects.filter(status=Status.AWAITING_PAYMENT)
    late = Q(pk__in=[])
    for hours in set(waiting.values_list("service__unpaid_expiry_hours", flat=True)):
        limit = settings.PAYMENT_UNPAID_EXPIRY_HOURS if hours is None else hours
        cutoff = now - datetime.timedelta(hours=limit)
        same = (
            Q(service__unpaid_expiry_hours__isnull=True)
            if hours is None
            else Q(service__unpaid_expiry_hours=hours)
        )
        late |= same & Q(submitted_at__lte=cutoff)
    return list(waiting.filter(late).order_by("submitted_at").values_list("pk", flat=True)[:500])


def unpaid_expire(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Close the requests whose fee was not paid in time (the Huey job and
    ``manage.py expire_unpaid``). Payments of theirs still at the bank are verified first, as
    the reconciliation job does: one the bank confirms releases the request instead; one the
    bank has not answered for, or one started in the last PAYMENT_PENDING_MINUTES, keeps it
    waiting for the next run. Safe to run again and beside payments and returns."""
    now = now or timezone.now()
    counts = {"expired": 0, "kept": 0}
    for submission_id in unpaid_overdue(now=now):
        counts["expired" if _unpaid_expire_one(submission_id, now) else "kept"] += 1
    return counts


def _unpaid_expire_one(submission_id: int, now: datetime.datetime) -> bool:
    stale = now - datetime.timedelta(minutes=settings.PAYMENT_PENDING_MINUTES)
    at_bank = Payment.objects.filter(
        charge__submission_id=submission_id, state__in=IN_FLIGHT, updated_at__lt=stale
    ).values_list("pk", flat=True)
    for payment_id in list(at_bank):
        _reconcile_one(payment_id, now)
    with transaction.atomic():
        # The charges' lock is the one payment_start and payment_finish take: no payment can
        # start or settle between this look and the expiry.
        charges = list(Charge.objects.select_for_update().filter(submission_id=submission_id))
        if any(c.state == ChargeState.PAID for c in charges):
            return False
        if Payment.objects.filter(
            charge__in=charges,
            state__in=(*IN_FLIGHT, PaymentState.SETTLED, PaymentState.REFUNDED),
        ).exists():
            return False
        if submission_expire_unpaid(submission_id=submission_id) is None:
            return False
        due = [c.pk for c in charges if c.state == ChargeState.DUE]
        Charge.objects.filter(pk__in=due).update(state=ChargeState.CANCELLED)
    return True


# --- refunds ------------------------------------------------------------------------------------


def refund_check(*, payment: Payment, actor: User, amount: int, reason: str) -> None:
    """Whether ``actor`` may record this refund now (raises ApplicationError with the reason):
    asked before the «are you sure» page, and again, under lock, when it is recorded."""
    submission = payment.charge.submission
    if not (access.can_view_submission(actor, submission) and access.has_role(actor, Role.MANAGER)):
        raise ApplicationError(_("فقط مدیر دستگاه می‌تواند استرداد ثبت کند."))
    if payment.state not in (PaymentState.SETTLED, PaymentState.REFUNDED):
        raise ApplicationError(_("فقط پرداخت انجام‌شده را می‌توان مسترد کرد."))
    left = payment.amount - payment.refunded_amount
    if amount <= 0 or amount > left:
        raise ApplicationError(
            _("مبلغ استرداد باید بیشتر از صفر و حداکثر %(left)s باشد.")
            % {"left": format_rials(left)},
            field="amount",
        )
    if not reason.strip():
        raise ApplicationError(_("علت استرداد را بنویسید."), field="reason")


@transaction.atomic
def refund_record(
    *,
    payment_id: int,
    actor: User,
    amount: int,
    reason: str,
    reference: str = "",
    refunded_before: int | None = None,
) -> Refund:
    """A manager records money given back (all or part), with a reason the citizen reads.

    ``refunded_before``: what had been refunded when the manager confirmed; if it has changed
    since (a double click, the confirmation sent again, another manager), nothing is recorded,
    so one confirmation never gives money back twice."""
    payment = (
        Payment.objects.select_for_update()
        .select_related("charge__submission__service", "charge__submission__agency")
        .get(pk=payment_id)
    )
    submission = payment.charge.submission
    if refunded_before is not None and payment.refunded_amount != refunded_before:
        raise ApplicationError(
            _(
                "استردادی پس از تأیید شما ثبت شده است (تاکنون مسترد: %(done)s)؛ این استرداد "
                "دوباره ثبت نشد. اگر هنوز لازم است، مبلغ را بررسی و دوباره تأیید کنید."
            )
            % {"done": format_rials(payment.refunded_amount)}
        )
    refund_check(payment=payment, actor=actor, amount=amount, reason=reason)
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason.strip(),
        reference=reference.strip(),
        created_by=actor,
    )
    payment.refunded_amount += amount
    if payment.refunded_amount == payment.amount:
        _record(payment, PaymentState.REFUNDED, note=f"refunded: {reason.strip()}")
    else:
        PaymentEvent.objects.create(
            payment=payment,
            from_state=payment.state,
            to_state=payment.state,
            note=f"partly refunded {amount}: {reason.strip()}"[:300],
        )
    payment.save()
    message_queue_template(
        to=submission.applicant_mobile,
        event="payment_refunded",
        context={
            "tracking_code": submission.tracking_code,
            "service": submission.service.title,
            "amount": format_tomans(amount),
            "message": reason.strip(),
            "agency": submission.agency.name,
        },
        agency_id=submission.agency_id,
        reference=submission.tracking_code,
        sender=submission.agency.sms_line,
    )
    return refund
