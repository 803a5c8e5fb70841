"""Citizen pages (start, the three ways to file, check answers, receipt, my complaints,
appeal, follow-up of an anonymous report) and staff pages (the handlers' inbox, answering;
the evaluators' appeals). Thin: form → service → redirect or render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from desk.accounts.models import User
from desk.agencies import access
from desk.catalog.selectors import services_published
from desk.complaints import selectors, services
from desk.complaints.forms import (
    AnswerForm,
    AppealForm,
    AttachmentForm,
    DecisionForm,
    ObjectionForm,
    RequestComplaintForm,
    ServiceComplaintForm,
    TrackReportForm,
)
from desk.complaints.models import About, Complaint, Kind, State
from desk.core import ratelimit
from desk.core.errors import ApplicationError
from desk.core.http import client_ip, staff_login_required
from desk.core.uploads import document_response
from desk.lib import tracking
from desk.submissions.selectors import get_submission_for_applicant
from desk.submissions.services import rejection_of, reopening_for


def _citizen(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not access.may_apply(user):
        raise PermissionDenied
    return user


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/start.html")


# --- filing: question page → «check your answers» (with the optional file) → receipt ----------


def _answer_rows(form: Form) -> list[dict[str, Any]]:
    rows = []
    for name, field in form.fields.items():
        if name == "idempotency_key":
            continue
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        shown = dict(getattr(field, "choices", [])).get(value, value) if name == "about" else value
        if hasattr(field, "label_from_instance") and value is not None:
            shown = field.label_from_instance(value)
        rows.append({"name": name, "label": field.label, "answer": shown})
    return rows


def _filing(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    file: Any,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The two steps of every filing page. A POST with ``change`` shows the questions again
    with the answers kept; a valid POST shows «check your answers» (the answers ride along
    hidden); a POST with ``confirm`` files it through ``file(form, documents)``."""
    context: dict[str, Any] = {"form": form, "title": title, **(extra or {})}
    if request.method != "POST" or "change" in request.POST or not form.is_valid():
        if "change" in request.POST:
            form.errors.clear()
        return render(request, "complaints/form.html", context)
    attachment = AttachmentForm(
        request.POST if "confirm" in request.POST else None, request.FILES or None
    )
    context.update(rows=_answer_rows(form), attachment=attachment)
    if "confirm" in request.POST and attachment.is_valid():
        document = attachment.cleaned_data.get("document")
        try:
            return file(form, [document] if document else [])
        except ApplicationError as exc:
            context["error"] = exc.message
    return render(request, "complaints/check.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new_about_service(request: HttpRequest) -> HttpResponse:
    user = _citizen(request)
    form = ServiceComplaintForm(request.POST or None, services=services_published())

    def file(form: Form, documents: list[Any]) -> HttpResponse:
        filing = services.complaint_file(
            kind=Kind.COMPLAINT,
            about=About.SERVICE,
            citizen=user,
            service=form.cleaned_data["service"],
            text=form.cleaned_data["text"],
            files=documents,
            address=client_ip(request) or "unknown",
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        return redirect("complaints:receipt", code=filing.complaint.tracking_code)

    return _filing(request, form, title=_("شکایت از یک خدمت"), file=file)


@login_required
@require_http_methods(["GET", "POST"])
def new_about_request(request: HttpRequest, code: str) -> HttpResponse:
    user = _citizen(request)
    submission = get_submission_for_applicant(user, code)
    staff = services.staff_on_timeline(submission)
    labels = selectors.staff_labels(submission, staff)
    form = RequestComplaintForm(request.POST or None, staff=staff, labels=labels)

    def file(form: Form, documents: list[Any]) -> HttpResponse:
        filing = services.complaint_file(
            kind=Kind.COMPLAINT,
            about=form.cleaned_data["about"],
            citizen=user,
            submission=submission,
            staff_member=form.cleaned_data.get("staff_member"),
            text=form.cleaned_data["text"],
            files=documents,
            address=client_ip(request) or "unknown",
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        return redirect("complaints:receipt", code=filing.complaint.tracking_code)

    title = _("شکایت درباره درخواست «%(service)s»") % {"service": submission.service.title}
    return _filing(request, form, title=title, file=file)


@login_required
@require_http_methods(["GET", "POST"])
def new_objection(request: HttpRequest, code: str) -> HttpResponse:
    user = _citizen(request)
    submission = get_submission_for_applicant(user, code)
    if not services.may_object(submission):
        return render(
            request, "complaints/objection_closed.html", {"submission": submission}, status=403
        )
    form = ObjectionForm(request.POST or None)

    def file(form: Form, documents: list[Any]) -> HttpResponse:
        filing = services.complaint_file(
            kind=Kind.OBJECTION,
            about=About.REQUEST,
            citizen=user,
            submission=submission,
            text=form.cleaned_data["text"],
            files=documents,
            address=client_ip(request) or "unknown",
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        return redirect("complaints:receipt", code=filing.complaint.tracking_code)

    title = _("اعتراض به رد درخواست «%(service)s»") % {"service": submission.service.title}
    rejection = rejection_of(submission)
    extra = {
        "objection": {
            "submission": submission,
            "until": services.objection_deadline(submission),
            "reason": rejection.message if rejection else "",
        }
    }
    return _filing(request, form, title=title, file=file, extra=extra)


@require_http_methods(["GET", "POST"])
def new_report(request: HttpRequest) -> HttpResponse:
    """An anonymous report: nothing of the person is read here — not the account, even when
    someone is signed in, and not the address, which only counts (hashed) against the limit."""
    form = ServiceComplaintForm(request.POST or None, services=services_published())

    def file(form: Form, documents: list[Any]) -> HttpResponse:
        filing = services.complaint_file(
            kind=Kind.REPORT,
            about=About.SERVICE,
            service=form.cleaned_data["service"],
            text=form.cleaned_data["text"],
            files=documents,
            address=client_ip(request) or "unknown",
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        # Shown once, in the answer to the POST: the key is never stored, mailed or linked.
        return render(request, "complaints/report_receipt.html", {"filing": filing})

    return _filing(request, form, title=_("گزارش بی‌نام"), file=file)


@require_http_methods(["GET", "POST"])
def track_report(request: HttpRequest) -> HttpResponse:
    form = TrackReportForm(request.POST or None)
    complaint = None
    if request.method == "POST" and form.is_valid():
        allowed = ratelimit.hit(
            key=f"complaints:track:{services._address_key(client_ip(request) or '')}",
            limit=20,
            window_seconds=3600,
        )
        if not allowed:  # said as it is: a right code and key would be refused too
            form.add_error(None, _("تعداد جست‌وجوها از حد مجاز گذشته است. یک ساعت بعد بیایید."))
        else:
            found = selectors.report_for_follow_up(tracking.normalize(form.cleaned_data["code"]))
            key = tracking.normalize(form.cleaned_data["key"])
            if found is not None and services.follow_key_matches(found, key):
                complaint = found
            else:
                form.add_error(
                    None, _("گزارشی با این کد و رمز پیدا نشد. هر دو را دوباره بررسی کنید.")
                )
    return render(request, "complaints/track.html", {"form": form, "complaint": complaint})


# --- the citizen's complaints ---------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    complaints = selectors.complaints_of_citizen(request.user)[:200]
    return render(request, "complaints/mine.html", {"complaints": complaints})


@login_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    complaint = selectors.get_complaint_for_citizen(request.user, code)
    return render(request, "complaints/receipt.html", {"complaint": complaint})


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    complaint = selectors.get_complaint_for_citizen(request.user, code)
    context = {"complaint": complaint, "attachments": list(complaint.attachments.all())}
    return render(request, "complaints/detail.html", context)


def _file(complaint: Complaint, public_id: uuid.UUID) -> FileResponse:
    found = selectors.attachment_of(complaint, public_id)
    return document_response(
        found.file.open("rb"), filename=found.download_name, content_type=found.content_type
    )


@login_required
def attachment(request: HttpRequest, code: str, public_id: uuid.UUID) -> FileResponse:
    """A file the complainant sent, for the complainant (an anonymous report's files are
    for its agency's staff only: no one signs in as its author)."""
    return _file(selectors.get_complaint_for_citizen(request.user, code), public_id)


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, code: str) -> HttpResponse:
    complaint = selectors.get_complaint_for_citizen(request.user, code)
    form = AppealForm(request.POST or None)
    context: dict[str, Any] = {"complaint": complaint, "form": form}
    if not complaint.may_appeal():
        if request.method != "POST" or complaint.appealed_at:
            if complaint.appealed_at and request.method == "POST":  # sent twice
                messages.info(request, _("تجدیدنظرخواهی شما پیش‌تر فرستاده شده است."))
            return redirect("complaints:detail", code=code)
        # The time ran out while the citizen wrote: said, with the text kept on the page.
        form.is_valid()
        form.add_error(None, _("مهلت درخواست تجدیدنظر گذشته است؛ این متن فرستاده نشد."))
        return render(request, "complaints/appeal.html", context, status=400)
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        if "confirm" not in request.POST:
            return render(request, "complaints/appeal_check.html", context)
        try:
            services.complaint_appeal(
                complaint_id=complaint.pk, citizen=_citizen(request), text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("تجدیدنظرخواهی شما به مرجع نظارت فرستاده شد."))
            return redirect("complaints:detail", code=code)
    return render(request, "complaints/appeal.html", context)


# --- staff ----------------------------------------------------------------------------------


@staff_login_required
def inbox(request: HttpRequest) -> HttpResponse:
    access.require_staff(request.user)
    closed = request.GET.get("show") == "answered"
    context = {
        "handler": access.handles_complaints(request.user, access.agency_for_staff(request.user)),
        "evaluator": access.evaluator_scope(request.user) is not None,
        "closed": closed,
        "complaints": selectors.inbox_for_handler(request.user, closed=closed)[:200],
        "appeals": selectors.appeals_for_evaluator(request.user)[:200],
        "overdue_elsewhere": selectors.overdue_for_oversight(request.user)[:200],
    }
    if not context["handler"] and not context["evaluator"]:
        raise Http404
    return render(request, "complaints/inbox.html", context)


def _staff_context(request: HttpRequest, complaint: Complaint, **forms: Any) -> dict[str, Any]:
    handler = access.can_handle_complaint(request.user, complaint)
    evaluator = access.may_decide_appeal(
        request.user, agency_id=complaint.agency_id, province=complaint.agency.province
    )
    return {
        "complaint": complaint,
        "may_answer": handler and complaint.state == State.OPEN,
        "may_decide": evaluator and complaint.state == State.APPEALED,
        "answer_form": forms.get("answer_form") or _answer_form(complaint, None),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "attachments": list(complaint.attachments.all()),
    }


def _answer_form(complaint: Complaint, data: Any) -> AnswerForm:
    """The answer form; for an objection, with whom the request may go back to."""
    submission = complaint.submission
    candidates = None
    if complaint.kind == Kind.OBJECTION and submission is not None:
        candidates = reopening_for(submission).candidates
    return AnswerForm(data, candidates=candidates)


@staff_login_required
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    complaint = selectors.get_complaint_for_staff(request.user, code)
    return render(request, "complaints/staff_detail.html", _staff_context(request, complaint))


@staff_login_required
def staff_attachment(request: HttpRequest, code: str, public_id: uuid.UUID) -> FileResponse:
    """A complaint's file for whoever may open the complaint: its handlers, or oversight."""
    return _file(selectors.get_complaint_for_staff(request.user, code), public_id)


@staff_login_required
@require_POST
def staff_answer(request: HttpRequest, code: str) -> HttpResponse:
    complaint = selectors.get_complaint_for_staff(request.user, code)
    if not access.can_handle_complaint(request.user, complaint):
        raise Http404
    form = _answer_form(complaint, request.POST)
    if "change" not in request.POST and form.is_valid():
        if "confirm" not in request.POST:
            return render(
                request,
                "complaints/staff_confirm.html",
                {"complaint": complaint, "form": form, "action": "answer"},
            )
        try:
            services.complaint_answer(
                complaint_id=complaint.pk,
                actor=request.user,  # type: ignore[arg-type]
                answer=form.cleaned_data["answer"],
                outcome=form.cleaned_data["outcome"],
                assignee=form.cleaned_data.get("assignee"),
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("پاسخ ثبت شد و به شهروند پیامک می‌شود."))
            return redirect("complaints:staff_detail", code=code)
    context = _staff_context(request, complaint, answer_form=form)
    return render(request, "complaints/staff_detail.html", context, status=_status(form))


@staff_login_required
@require_POST
def staff_decide(request: HttpRequest, code: str) -> HttpResponse:
    complaint = selectors.get_complaint_for_staff(request.user, code)
    if not access.may_decide_appeal(
        request.user, agency_id=complaint.agency_id, province=complaint.agency.province
    ):
        raise Http404
    form = DecisionForm(request.POST)
    if "change" not in request.POST and form.is_valid():
        if "confirm" not in request.POST:
            return render(
                request,
                "complaints/staff_confirm.html",
                {"complaint": complaint, "form": form, "action": "decide"},
            )
        try:
            services.complaint_decide_appeal(
                complaint_id=complaint.pk,
                actor=request.user,  # type: ignore[arg-type]
                outcome=form.cleaned_data["outcome"],
                decision=form.cleaned_data["decision"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("رأی ثبت شد و به شهروند پیامک می‌شود."))
            return redirect("complaints:staff_detail", code=code)
    context = _staff_context(request, complaint, decision_form=form)
    return render(request, "complaints/staff_detail.html", context, status=_status(form))


def _status(form: Form) -> int:
    """400 for a form sent back with its errors; 200 for «تغییر» (the form again to edit)."""
    return 400 if form.is_bound and form.errors else 200
