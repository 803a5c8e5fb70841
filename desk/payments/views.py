from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Role
from desk.core.errors import ApplicationError
from desk.core.http import staff_login_required
from desk.lib.jalali import to_jalali, today_tehran
from desk.payments import exports, selectors, services
from desk.payments.forms import ChooseForm, RefundForm, RevenueForm, StaffChargeForm
from desk.payments.models import Charge, FakeGatewayTransaction, Payment, PaymentState
from desk.payments.templatetags.payments import tomans


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def request_payments(request: HttpRequest, code: str) -> HttpResponse:
    """What the citizen owes and has paid for one request, with «پرداخت» for what is due."""
    submission = selectors.submission_for_applicant(request.user, code)
    if submission is None:
        raise Http404
    charges = list(selectors.charges_of(submission))
    for charge in charges:
        if charge.needs_choice:
            charge.choose_form = ChooseForm(  # type: ignore[attr-defined]
                options=_options(charge), prefix=f"c{charge.pk}"
            )
    context = {
        "submission": submission,
        "charges": charges,
        "online": selectors.online_payment_open(submission.agency_id),
    }
    return render(request, "payments/request.html", context)


def _options(charge: Charge) -> list[tuple[int, str]]:
    return [(i, f"{o['label']} — {tomans(int(o['amount']))}") for i, o in enumerate(charge.options)]


@login_required
@require_POST
def choose(request: HttpRequest, public_id: str) -> HttpResponse:
    charge = selectors.charge_for_applicant(request.user, public_id)
    if charge is None:
        raise Http404
    form = ChooseForm(request.POST, options=_options(charge), prefix=f"c{charge.pk}")
    if form.is_valid():
        try:
            services.charge_choose(
                charge_id=charge.pk, user=_user(request), option=form.cleaned_data["option"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("یکی از گزینه‌های هزینه را انتخاب کنید."))
    return redirect("payments:request", code=charge.submission.tracking_code)


@login_required
@require_POST
def pay(request: HttpRequest, public_id: str) -> HttpResponse:
    """Open a payment and send the browser to the bank (a form it posts, where the bank asks)."""
    charge = selectors.charge_for_applicant(request.user, public_id)
    if charge is None:
        raise Http404
    try:
        _payment, target = services.payment_start(charge_public_id=public_id, user=_user(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("payments:request", code=charge.submission.tracking_code)
    if target.method == "GET":
        return redirect(target.url)
    return render(request, "payments/redirect.html", {"target": target, "charge": charge})


@csrf_exempt  # the bank's page posts here; nothing is trusted before verification
@require_http_methods(["GET", "POST"])
def gateway_return(request: HttpRequest, public_id: str) -> HttpResponse:
    data = request.POST or request.GET
    params = {key: str(data.get(key, "")) for key in data}
    payment = services.payment_return(public_id=public_id, params=params)
    if payment is None:
        raise Http404
    return redirect("payments:result", public_id=payment.public_id)


@login_required
def result(request: HttpRequest, public_id: str) -> HttpResponse:
    payment = selectors.payment_for_viewer(request.user, public_id)
    if payment is None:
        raise Http404
    return render(request, "payments/result.html", {"payment": payment, "states": PaymentState})


@login_required
def receipt(request: HttpRequest, public_id: str) -> HttpResponse:
    payment = selectors.payment_for_viewer(request.user, public_id)
    if payment is None or payment.state not in (PaymentState.SETTLED, PaymentState.REFUNDED):
        raise Http404
    return render(request, "payments/receipt.html", {"payment": payment})


# --- staff ---------------------------------------------------------------------------------------


@staff_login_required
@require_POST
def staff_charge(request: HttpRequest, code: str) -> HttpResponse:
    submission = selectors.submission_for_staff(request.user, code)
    if submission is None:
        raise Http404
    form = StaffChargeForm(request.POST)
    if form.is_valid():
        try:
            services.charge_set_by_staff(
                submission_id=submission.pk,
                actor=_user(request),
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("مبلغ ثبت شد و برای متقاضی پیامک می‌شود."))
            return redirect("submissions:staff_request", code=code)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request, "payments/staff_charge.html", {"submission": submission, "form": form}, status=400
    )


def _refunded_before(request: HttpRequest) -> int:
    """What the confirmation page showed as refunded so far (-1, never equal, if missing)."""
    value = request.POST.get("refunded_before", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else -1


@staff_login_required
@require_http_methods(["GET", "POST"])
def staff_refund(request: HttpRequest, public_id: str) -> HttpResponse:
    payment = selectors.payment_for_viewer(request.user, public_id)
    if payment is None or not access.can_view_submission(request.user, payment.charge.submission):
        raise Http404
    form = RefundForm(request.POST or None)
    if request.POST.get("edit") == "1":
        # «Change» on the «are you sure» page: the form again, with what was typed.
        return render(request, "payments/staff_refund.html", {"payment": payment, "form": form})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("confirmed") != "1":
                # A refund is recorded and texted for good: «are you sure?» on a page of its
                # own first, with what will be recorded (that form posts again, confirmed).
                services.refund_check(
                    payment=payment,
                    actor=_user(request),
                    amount=data["amount"],
                    reason=data["reason"],
                )
                context = {"payment": payment, "form": form}
                return render(request, "payments/staff_refund_confirm.html", context)
            services.refund_record(
                payment_id=payment.pk,
                actor=_user(request),
                amount=data["amount"],
                reason=data["reason"],
                reference=data["reference"],
                refunded_before=_refunded_before(request),
            )
            messages.success(request, _("استرداد ثبت شد و به متقاضی پیامک می‌شود."))
            return redirect(
                "submissions:staff_request", code=payment.charge.submission.tracking_code
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "payments/staff_refund.html", {"payment": payment, "form": form}, status=status
    )


def _revenue_scope(request: HttpRequest) -> int:
    """The agency whose revenue the viewer may read: their own, for managers and admins."""
    agency_id = access.agency_for_staff(request.user)
    if agency_id is None or not access.has_role(request.user, Role.MANAGER, Role.ADMIN):
        raise Http404
    return agency_id


@staff_login_required
def revenue(request: HttpRequest) -> HttpResponse:
    agency_id = _revenue_scope(request)
    form = RevenueForm(request.GET or {"year": to_jalali(today_tehran()).year})
    if not form.is_valid():  # the year as typed, its error, and no figures of another year
        return render(request, "payments/revenue.html", {"form": form, "rows": [], "year": None})
    year = form.cleaned_data["year"]
    rows = selectors.revenue(agency_id=agency_id, year=year)
    return render(request, "payments/revenue.html", {"form": form, "rows": rows, "year": year})


@staff_login_required
def revenue_xlsx(request: HttpRequest) -> HttpResponse:
    agency_id = _revenue_scope(request)
    form = RevenueForm(request.GET)
    if not form.is_valid():
        raise Http404
    year = form.cleaned_data["year"]
    buffer = io.BytesIO()
    exports.revenue_workbook(selectors.revenue(agency_id=agency_id, year=year), year).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="revenue-{year}.xlsx"'
    return response


# --- the fake gateway's own page (demo and tests only) ------------------------------------------


@require_http_methods(["GET", "POST"])
def fake_gateway(request: HttpRequest, token: str) -> HttpResponse:
    """Stands in for a bank's payment page: pay, fail, or cancel; closing it is abandoning."""
    if not settings.PAYMENT_FAKE_ALLOWED:
        raise Http404
    row = get_object_or_404(FakeGatewayTransaction, token=token)
    if request.method == "POST" and row.state == "pending":
        outcome = request.POST.get("outcome")
        if outcome == "pay":
            row.state = "paid"
            row.reference = str(10**9 + row.pk)
        elif outcome in ("fail", "cancel"):
            row.state = "failed"
        row.save(update_fields=["state", "reference"])
    if request.method == "POST":
        status = "OK" if row.state == "paid" else "NOK"
        query = f"token={row.token}&status={status}&order={row.order_id}"
        if row.state == "paid":
            query += f"&reference={row.reference}&amount={row.amount}"
        return redirect(f"{row.callback_url}?{query}")
    payment = Payment.objects.filter(token=token).select_related("agency").first()
    return render(request, "payments/fake_gateway.html", {"row": row, "payment": payment})
