"""The in-person desk: one screen where a clerk serves the citizen in front of them (or on the
phone): look them up, take their consent, file a request with the service's own form, print
the receipt, hand over a result, book an appointment."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from desk.accounts.models import User
from desk.catalog.forms import ApplicationForm
from desk.catalog.models import Service
from desk.core.errors import ApplicationError
from desk.core.http import staff_login_required
from desk.frontdesk import selectors, services
from desk.frontdesk.forms import ConsentCodeForm, ConsentForm, LookupForm
from desk.frontdesk.models import Consent
from desk.lib.validators import masked_mobile
from desk.submissions import drafts, staging
from desk.submissions import selectors as submission_selectors
from desk.submissions import services as submission_services

SERVING = "frontdesk:serving"


def _serving(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(SERVING) or {})


def _serve(request: HttpRequest, **changes: Any) -> None:
    request.session[SERVING] = {**_serving(request), **changes}


def _consent(request: HttpRequest, clerk: User) -> Consent | None:
    consent_id = _serving(request).get("consent")
    return services.consent_in_force(clerk=clerk, consent_id=consent_id)


@staff_login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    clerk = selectors.require_desk(request.user)
    lookup = LookupForm(request.POST or None)
    if request.method == "POST" and lookup.is_valid():
        request.session[SERVING] = {"national_code": lookup.cleaned_data["national_code"]}
        return redirect("frontdesk:home")
    return _render_home(request, clerk, lookup=lookup)


def _render_home(
    request: HttpRequest,
    clerk: User,
    *,
    lookup: LookupForm | None = None,
    consent_form: ConsentForm | None = None,
) -> HttpResponse:
    national_code = _serving(request).get("national_code", "")
    context: dict[str, Any] = {"lookup": lookup or LookupForm(), "national_code": national_code}
    if national_code:
        context.update(_citizen_context(request, clerk, national_code, consent_form))
    failed = (lookup is not None and lookup.errors) or (consent_form and consent_form.errors)
    return render(request, "frontdesk/home.html", context, status=400 if failed else 200)


def _citizen_context(
    request: HttpRequest, clerk: User, national_code: str, consent_form: ConsentForm | None
) -> dict[str, Any]:
    citizen = selectors.citizen_by_national_code(national_code)
    requests = submission_selectors.submissions_of_citizen_for_staff(clerk, national_code)
    services.citizen_requests_read_audit(
        clerk=clerk, national_code=national_code, count=len(requests)
    )
    consent = _consent(request, clerk)
    return {
        "citizen": citizen,
        "citizen_mobile": masked_mobile(citizen.mobile) if citizen and citizen.mobile else "",
        "requests": requests,
        "consent": consent,
        "consent_form": consent_form or ConsentForm(registered=bool(citizen and citizen.mobile)),
        "services": selectors.services_for_desk(clerk) if consent else [],
    }


@staff_login_required
@require_POST
def consent_send(request: HttpRequest) -> HttpResponse:
    """Send the consent code, or record a citizen without a mobile who is at the counter."""
    clerk = selectors.require_desk(request.user)
    national_code = _serving(request).get("national_code", "")
    if not national_code:
        return redirect("frontdesk:home")
    citizen = selectors.citizen_by_national_code(national_code)
    form = ConsentForm(request.POST, registered=bool(citizen and citizen.mobile))
    if form.is_valid():
        try:
            consent = _consent_start(clerk, national_code, form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if consent.confirmed_at is not None:
                _serve(request, consent=consent.pk, pending=None)
                messages.success(request, _("شهروند بدون تلفن همراه ثبت شد."))
                return redirect("frontdesk:home")
            _serve(request, pending=consent.pk, consent=None)
            return redirect("frontdesk:consent")
    return _render_home(request, clerk, consent_form=form)


def _consent_start(clerk: User, national_code: str, data: dict[str, Any]) -> Consent:
    names = {"first_name": data.get("first_name", ""), "last_name": data.get("last_name", "")}
    if data["no_mobile"]:
        return services.consent_in_person(
            clerk=clerk, national_code=national_code, landline=data["landline"], **names
        )
    return services.consent_request(
        clerk=clerk,
        national_code=national_code,
        channel=data["channel"],
        mobile=data.get("mobile") or "",
        **names,
    )


@staff_login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    """The clerk types the code the citizen reads back."""
    clerk = selectors.require_desk(request.user)
    pending = services.consent_pending(clerk=clerk, consent_id=_serving(request).get("pending"))
    form = ConsentCodeForm(request.POST or None)
    if pending is not None and request.method == "POST" and "resend" in request.POST:
        return _resend(request, clerk, pending)
    if pending is not None and request.method == "POST" and form.is_valid():
        try:
            confirmed = services.consent_confirm(
                clerk=clerk, consent_id=pending.pk, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            _serve(request, consent=confirmed.pk, pending=None)
            messages.success(request, _("رضایت شهروند تأیید شد. اکنون خدمت را انتخاب کنید."))
            return redirect("frontdesk:home")
    context = {
        "pending": pending,
        "form": form,
        "mobile": masked_mobile(pending.mobile) if pending else "",
    }
    return render(request, "frontdesk/consent.html", context, status=400 if form.errors else 200)


def _resend(request: HttpRequest, clerk: User, pending: Consent) -> HttpResponse:
    try:
        fresh = services.consent_request(
            clerk=clerk,
            national_code=pending.national_code,
            channel=pending.channel,
            mobile=pending.mobile,
            first_name=pending.first_name,
            last_name=pending.last_name,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        _serve(request, pending=fresh.pk)
        messages.success(request, _("کد تازه فرستاده شد."))
    return redirect("frontdesk:consent")


def _filing(request: HttpRequest, slug: str) -> tuple[User, Service, Consent | None]:
    clerk = selectors.require_desk(request.user)
    return clerk, selectors.service_for_desk(clerk, slug), _consent(request, clerk)


def _no_consent(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("نخست رضایت شهروند را با کد پیامکی بگیرید."))
    return redirect("frontdesk:home")


@staff_login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    """The service's own form and validation (submissions.forms), kept in a draft of the
    clerk's session for this citizen until «check answers». The scanned documents are staged
    as they are chosen (the clerk's, for this citizen: desk.submissions.staging), with
    JavaScript each on its own request (:func:`apply_file`), without it when the form is
    posted: a form error never loses them."""
    clerk, service, consent = _filing(request, slug)
    if consent is None:
        return _no_consent(request)
    owner = consent.national_code
    form = drafts.staged_form(request, service, clerk, owner=owner)
    # A form opened for one citizen and sent after the desk moved on to another (another tab)
    # is not filed for the one now served: said, with the answers kept on the page to check.
    serving = request.POST.get("serving") if request.method == "POST" else None
    switched = serving is not None and serving != str(consent.pk)
    valid = (
        request.method == "POST"
        and not switched
        and drafts.staged_clean(form, user=clerk, address=None, owner=owner)
    )
    if valid:
        drafts.draft_keep(request.session, service, form, owner=owner)
        return redirect("frontdesk:apply_check", slug=slug)
    if request.method == "POST" and not switched:
        drafts.partial_keep(request.session, service, form, owner=owner)
    context = {
        "switched": switched,
        "service": service,
        "form": form,
        "consent": consent,
        "upload_limit": settings.UPLOAD_MAX_BYTES,
        "promised": submission_services.promised_date(service=service),
        "staging": True,
        "staging_url": "frontdesk:apply_file",
    }
    failed = switched or (request.method == "POST" and bool(form.errors))
    return render(request, "frontdesk/apply.html", context, status=400 if failed else 200)


@staff_login_required
@require_POST
def apply_file(request: HttpRequest, slug: str, field: str) -> HttpResponse:
    """One scanned document, uploaded as soon as the clerk chooses it (htmx, see
    submissions/_file_field.html): checked and staged as the clerk's for the citizen being
    served, and the question shown again with the file; or ``remove``: taken back."""
    clerk, service, consent = _filing(request, slug)
    spec = staging.file_question(service, field)
    if consent is None or spec is None:
        raise Http404
    form = ApplicationForm(service=service, specs=[spec])  # only the question shown again
    staged, error = drafts.staged_choose(
        request,
        user=clerk,
        service=service,
        field=field,
        address=None,  # the desk's filing is not counted against citizens' quotas
        owner=consent.national_code,
    )
    bound = form[field]
    bound.field.staged = staged  # type: ignore[attr-defined]
    context = {
        "field": bound,
        "staging": True,
        "staging_url": "frontdesk:apply_file",
        "file_error": error,
        "service": service,
    }
    return render(request, "submissions/_file_field.html", context)


@staff_login_required
@require_http_methods(["GET", "POST"])
def apply_check(request: HttpRequest, slug: str) -> HttpResponse:
    clerk, service, consent = _filing(request, slug)
    if consent is None:
        return _no_consent(request)
    owner = consent.national_code
    draft = drafts.draft_get(request.session, service, owner=owner)
    if draft is None:
        filed = drafts.last_sent(request.session, service, owner=owner)
        if filed and request.method == "POST":  # «send» tapped again after it was filed
            return redirect("frontdesk:receipt", code=filed)
        return redirect("frontdesk:apply", slug=slug)
    error = ""
    if request.method == "POST":
        try:
            submission = services.desk_file(
                clerk=clerk,
                consent_id=consent.pk,
                service=service,
                answers=draft.answers,
                files=drafts.draft_uploads(draft),
                idempotency_key=uuid.UUID(draft.idempotency_key),
            )
        except (ApplicationError, ValidationError) as exc:
            error = exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
        else:
            drafts.draft_discard(
                request.session, service, sent=submission.tracking_code, owner=owner
            )
            return redirect("frontdesk:receipt", code=submission.tracking_code)
    context = {
        "service": service,
        "consent": consent,
        "rows": drafts.check_rows(service, draft),
        "error": error,
    }
    return render(request, "frontdesk/apply_check.html", context, status=400 if error else 200)


RECEIPT_LAYOUTS = {"a5", "thermal"}


@staff_login_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The printed receipt: A5 or an 80 mm thermal roll (print CSS), the code large."""
    selectors.require_desk(request.user)
    submission = submission_selectors.get_submission_for_staff(request.user, code)
    layout = request.GET.get("layout", "a5")
    context = {
        "submission": submission,
        "answers": submission_selectors.answers_for_display(submission),
        "layout": layout if layout in RECEIPT_LAYOUTS else "a5",
    }
    return render(request, "frontdesk/receipt.html", context)


@staff_login_required
@require_http_methods(["GET", "POST"])
def hand_over(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Confirm, then record that the printed result was handed to the citizen."""
    clerk = selectors.require_desk(request.user)
    document = selectors.document_for_desk(clerk, str(public_id))
    if request.method == "POST":
        try:
            services.hand_over(clerk=clerk, document=document)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("تحویل حضوری نتیجه ثبت شد."))
        return redirect("frontdesk:home")
    return render(request, "frontdesk/hand_over.html", {"document": document})


@staff_login_required
@require_POST
def finish(request: HttpRequest) -> HttpResponse:
    """Done with this citizen: the next one starts from an empty screen."""
    selectors.require_desk(request.user)
    request.session.pop(SERVING, None)
    return redirect("frontdesk:home")
