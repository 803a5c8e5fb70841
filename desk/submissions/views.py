from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import get_script_prefix
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.access import require_staff
from desk.agencies.models import Role
from desk.catalog.forms import ApplicationForm
from desk.catalog.selectors import service_for_apply
from desk.core import ratelimit
from desk.core.audit import writes_nothing_audited
from desk.core.errors import ApplicationError
from desk.core.http import client_ip, staff_login_required
from desk.core.shell import render_part
from desk.core.uploads import document_response
from desk.lib.addresses import limit_scope
from desk.lib.persian import is_ascii_number
from desk.submissions import (
    deadlines,
    drafts,
    progress,
    proofs,
    selectors,
    services,
    staging,
    verification,
)
from desk.submissions.forms import (
    AssignForm,
    InboxFilterForm,
    ReferForm,
    ReplyForm,
    StaffActionForm,
    TrackForm,
    track_clean,
)
from desk.submissions.models import AttachmentKind, Status, Submission
from desk.submissions.quotas import quota_consume
from desk.submissions.templatetags.submissions import track_answer
from desk.submissions.warnings import leave_warnings


def _citizen(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    service = service_for_apply(slug)
    if service is None or not service.accepts_online:
        raise Http404
    user = _citizen(request)
    # Staff sign in with a password, not as a citizen; their account never files a request.
    if not access.may_apply(user):
        messages.error(request, _("ثبت درخواست فقط با ورود شهروند (کد ملی و پیامک) ممکن است."))
        if access.may_serve_at_desk(user):  # staff file for a citizen at the desk instead
            messages.info(request, _("برای ثبت به نام شهروند از «میز خدمت حضوری» استفاده کنید."))
        return redirect("catalog:service_detail", slug=slug)
    form = drafts.staged_form(request, service, user)
    address = client_ip(request) or "unknown"
    if request.method == "POST" and drafts.staged_clean(form, user=user, address=address):
        check = verification.form_verify(service=service, applicant=user, answers=form.answers())
        for name, message in check.errors.items():
            form.add_error(name, message)
        if form.is_valid():
            drafts.draft_keep(request.session, service, form, check=check)
            return redirect("submissions:apply_check", slug=slug)
    if request.method == "POST":
        drafts.partial_keep(request.session, service, form)
    context = {
        "service": service,
        "form": form,
        "upload_limit": settings.UPLOAD_MAX_BYTES,
        "promised": services.promised_date(service=service),
        "staging": True,
    }
    return render(request, "submissions/apply.html", context)


@login_required
@require_POST
def apply_file(request: HttpRequest, slug: str, field: str) -> HttpResponse:
    """One document of the form, uploaded as soon as it is chosen (htmx, see
    submissions/_file_field.html): checked and staged, and the question shown again with the
    file's name, size and a remove button; or ``remove``: the staged file taken back."""
    service = service_for_apply(slug)
    user = _citizen(request)
    if service is None or not service.accepts_online or not access.may_apply(user):
        raise Http404
    spec = staging.file_question(service, field)
    if spec is None:
        raise Http404
    form = ApplicationForm(service=service, specs=[spec])  # only the question shown again
    address = client_ip(request) or "unknown"
    staged, error = drafts.staged_choose(
        request, user=user, service=service, field=field, address=address
    )
    bound = form[field]
    bound.field.staged = staged  # type: ignore[attr-defined]
    context = {"field": bound, "staging": True, "file_error": error, "service": service}
    return render(request, "submissions/_file_field.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def apply_check(request: HttpRequest, slug: str) -> HttpResponse:
    """«Check your answers»: every answer with a change link; sending files the request."""
    service = service_for_apply(slug)
    draft = drafts.draft_get(request.session, service) if service else None
    if service is None or draft is None:
        filed = drafts.last_sent(request.session, service) if service else ""
        if filed and request.method == "POST":  # «send» tapped again after it was filed
            return redirect("submissions:receipt", code=filed)
        return redirect("submissions:apply", slug=slug)
    user = _citizen(request)
    error = ""
    if request.method == "POST":
        try:
            uploads = drafts.draft_uploads(draft)
            submission = services.submission_create(
                service=service,
                applicant=user,
                answers=draft.answers,
                files=uploads,
                idempotency_key=uuid.UUID(draft.idempotency_key),
                address=client_ip(request) or "unknown",
                verification=draft.verification,
            )
        except (FileNotFoundError, ApplicationError, ValidationError) as exc:
            # A second tap on «send» while the first was on its way: that one filed it (and
            # took the staged files).
            sent = selectors.submission_by_key(user, draft.idempotency_key)
            if sent is not None:
                return redirect("submissions:receipt", code=sent.tracking_code)
            if isinstance(exc, FileNotFoundError):
                raise
            error = exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
        else:
            drafts.draft_discard(request.session, service, sent=submission.tracking_code)
            return redirect("submissions:receipt", code=submission.tracking_code)
    context = {"service": service, "rows": drafts.check_rows(service, draft), "error": error}
    return render(request, "submissions/apply_check.html", context)


@login_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    submission = selectors.get_submission_for_applicant(_citizen(request), code)
    if submission.status == Status.AWAITING_PAYMENT:
        # Filed for a service paid at application: straight on to paying (by URL name).
        return redirect("payments:request", code=code)
    if submission.status == Status.EXPIRED:
        # Never sent to the agency: no receipt to show; its page says how to file again.
        return redirect("submissions:my_request", code=code)
    context = {"submission": submission, "answers": selectors.answers_for_display(submission)}
    return render(request, "submissions/receipt.html", context)


@writes_nothing_audited  # an anonymous read sent as a POST (desk/core/audit.py)
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    # A well-formed lookup (most of them) is cleaned without building the form; the form is
    # built only to show itself: to ask, or to say what was wrong with what was typed kept.
    asked = track_clean(request.POST) if request.method == "POST" else None
    form = None if asked else TrackForm(request.POST or None)
    if form is not None and request.method == "POST" and form.is_valid():
        asked = form.cleaned_data["code"], form.cleaned_data["national_code"]
    submission, error = _look_up(request, *asked) if asked else (None, "")
    if submission is None:
        form = form or TrackForm(request.POST)
        if error and form.is_valid():
            form.add_error(None, error)
        asking: dict[str, object] = {"form": form, "submission": None, "events": []}
        return render(request, "submissions/track.html", asking)
    # The summary, timeline and «what happens next» formatted once, written in one pass, in
    # the active language read once (each read costs as much as a translation).
    language, script_prefix = get_language(), get_script_prefix()
    context = _progress_context(submission, shown=True, language=language)
    context.update(
        {
            "signs_in": True,
            "language": language,
            "script_prefix": script_prefix,
        }
    )
    # The lookup's query says whether there is anything to download: no query for result
    # files or issued documents that are not there (most requests).
    completed = submission.status == Status.COMPLETED
    has_results, has_documents = selectors.downloads_of(submission)
    context["results"] = selectors.result_files(submission) if completed and has_results else []
    context["skip_documents"] = not has_documents
    if completed and (has_results or has_documents):
        # Proving the code and national code lets whoever holds the answer's links download
        # the result files and issued documents for a while: a signed proof in the links, no
        # session to write (desk/submissions/proofs.py).
        context["download_proof"] = proofs.proof_for(submission.pk)
    context["user"] = request.user  # «after signing in» on the next step's link
    answer = track_answer(context, request)
    return render_part(
        request,
        "submissions/track.html",
        context,
        name="answer",
        part=answer,
        language=language,
        script_prefix=script_prefix,
    )


def _look_up(request: HttpRequest, code: str, national_code: str) -> tuple[Submission | None, str]:
    """The request a valid lookup names, within the per-address limit; else why not, worded
    the same whether the code or the national code was wrong."""
    allowed = ratelimit.hit(
        key=f"track:{limit_scope(client_ip(request))}",
        limit=settings.TRACKING_LOOKUPS_PER_IP_PER_HOUR,
        window_seconds=3600,
    )
    if not allowed:
        return None, _("تعداد جست‌وجوها از حد مجاز گذشته است. یک ساعت بعد بیایید.")
    submission = selectors.submission_track(code=code, national_code=national_code)
    if submission is None:
        return None, _("درخواستی با این کد رهگیری و کد ملی پیدا نشد.")
    return submission, ""


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    submissions = selectors.submissions_of_applicant(_citizen(request))
    return render(request, "submissions/my_requests.html", {"submissions": submissions})


@login_required
@require_http_methods(["GET", "POST"])
def my_request(request: HttpRequest, code: str) -> HttpResponse:
    submission = selectors.get_submission_for_applicant(_citizen(request), code)
    if request.method == "POST" and submission.status != Status.NEEDS_INFO:
        # A second tap on «ارسال پاسخ», or the page sent again: the request no longer waits.
        messages.info(
            request,
            _("این درخواست اکنون منتظر پاسخ شما نیست؛ اگر پاسخی فرستاده بودید، ثبت شده است."),
        )
        return redirect("submissions:my_request", code=code)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            quota_consume(
                citizen_id=submission.applicant_id,
                address=client_ip(request) or "unknown",
                submissions=0,
                uploads=len(form.cleaned_data["documents"]),
            )
            services.submission_transition(
                submission_id=submission.pk,
                actor=_citizen(request),
                action="provide_info",
                message=form.cleaned_data["message"],
                files=form.cleaned_data["documents"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("پاسخ شما ثبت شد و درخواست به کارتابل بررسی برگشت."))
            return redirect("submissions:my_request", code=code)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "submissions/my_request.html", _detail_context(submission, form), status=status
    )


def _detail_context(submission: Submission, form: object) -> dict[str, object]:
    attachments = list(submission.attachments.all())
    return {
        **_progress_context(submission),
        "form": form,
        "answers": selectors.answers_for_display(submission),
        "attachments": [a for a in attachments if a.kind != AttachmentKind.RESULT],
        "results": [a for a in attachments if a.kind == AttachmentKind.RESULT],
    }


def _progress_context(
    submission: Submission, *, shown: bool = False, language: str | None = None
) -> dict[str, object]:
    """Where the request stands, for the citizen: events done, the next step, steps ahead
    (and, with ``shown``, all of it formatted for the lookup's one-pass tags). ``language``:
    the active one, when the caller read it already."""
    events = selectors.public_events(submission)  # tuples: the same query for both pages
    next_step = progress.next_step_for(submission, language=language)
    ahead = progress.steps_ahead(submission)
    context: dict[str, object] = {
        "submission": submission,
        "events": events,
        "next_step": next_step,
        "ahead": ahead,
        "decision_note": selectors.decision_note(events),
    }
    if shown:
        context["shown"] = progress.public_progress(
            submission, events, next_step, ahead, language=language
        )
    return context


def short(request: HttpRequest, code: str) -> HttpResponse:
    """The short link an SMS carries: the request's own page, through sign-in if needed."""
    return redirect("submissions:my_request", code=code)


@proofs.refused_as_page
def download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    proof = request.GET.get("proof", "")
    attachment = selectors.get_attachment_for_user(request.user, public_id, proof=proof)
    services.submission_read_audit(
        user=request.user, submission=attachment.submission, attachment=attachment
    )
    return document_response(
        attachment.file.open("rb"),
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )


@staff_login_required
def inbox(request: HttpRequest) -> HttpResponse:
    staff = require_staff(request.user)
    # An agency can have thousands of open requests: a page at a time, overdue first, each
    # page after the last row of the one before (`after`), never by skipping rows.
    start_text = request.GET.get("from", "")
    start = int(start_text) if is_ascii_number(start_text) and len(start_text) < 9 else 1
    after = request.GET.get("after")
    search = InboxFilterForm(request.GET or None, agency_id=staff.agency_id)
    chosen = search.chosen()
    if chosen:
        page = selectors.inbox_search(
            staff,
            text=chosen.get("q", ""),
            service_id=chosen.get("service"),
            only=chosen.get("only", ""),
            after=after,
            start=start,
        )
        # The next page's link keeps the search (the accepted fields, as they were typed).
        narrowed = {name: request.GET[name] for name in chosen}
    else:
        page = selectors.inbox_page(staff, after=after, start=start)
        narrowed = {}
    context = {
        "staff": staff,
        "search": search,
        "narrowed": urlencode(narrowed),
        "inbox": page.rows,
        "inbox_page": page,
        "next_from": page.first + len(page.rows),
        "last": page.first + len(page.rows) - 1,
        "waiting": selectors.waiting_for_citizen(request.user),
        "closed": selectors.recently_closed(request.user),
    }
    return render(request, "submissions/inbox.html", context)


@staff_login_required
def staff_request(request: HttpRequest, code: str) -> HttpResponse:
    submission = selectors.get_submission_for_staff(request.user, code)
    services.submission_read_audit(user=request.user, submission=submission)
    return render(request, "submissions/staff_request.html", _staff_context(request, submission))


@staff_login_required
@require_POST
def staff_act(request: HttpRequest, code: str) -> HttpResponse:
    submission = selectors.get_submission_for_staff(request.user, code)
    form = StaffActionForm(request.POST, request.FILES)
    if request.POST.get("change") == "1":
        # «نه، برگرد» on the «are you sure» page: the request's page with the text as typed.
        context = _staff_context(request, submission, form=StaffActionForm(request.POST))
        return render(request, "submissions/staff_request.html", context)
    if form.is_valid() and _needs_confirming(request, submission, form):
        warnings = leave_warnings(submission, form.cleaned_data["action"])
        context = {"submission": submission, "form": form, "warnings": warnings}
        return render(request, "submissions/staff_confirm.html", context)
    if form.is_valid() and request.POST.get("confirmed_leave") != "1":
        # Moving on while another agency's answer is awaited withdraws the inquiry: said, and
        # confirmed on a page of its own, before it is done (a rejection says it on its own).
        choice = _choice(request, submission, form)
        warnings = leave_warnings(submission, form.cleaned_data["action"]) if choice else []
        if choice is not None and not choice.rejects and warnings:
            context = {"submission": submission, "form": form, "choice": choice}
            context["warnings"] = warnings
            return render(request, "submissions/staff_confirm_leave.html", context)
    if form.is_valid() and _unconfirmed_ending(request, submission, form):
        form.add_error(
            "confirmed",
            _("برای پایان دادن به درخواست، تأیید کنید که نتیجه درست است و برای متقاضی برود."),
        )
    if form.is_valid():
        try:
            submission = services.submission_transition(
                submission_id=submission.pk,
                actor=request.user,  # type: ignore[arg-type]
                action=form.cleaned_data["action"],
                message=form.cleaned_data["message"],
                files=form.cleaned_data["documents"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("اقدام ثبت شد و به متقاضی پیامک می‌شود."))
            return redirect("submissions:staff_request", code=code)
    context = _staff_context(request, submission, form=form)
    # What the page sent again must carry: the leave confirmation already given (else its page
    # comes back in a loop), and a word that the chosen files did not come back with the page.
    context["leave_confirmed"] = request.POST.get("confirmed_leave") == "1"
    context["files_dropped"] = bool(request.FILES.getlist("documents"))
    return render(request, "submissions/staff_request.html", context, status=400)


def _choice(
    request: HttpRequest, submission: Submission, form: StaffActionForm
) -> services.ActionChoice | None:
    actions = services.staff_actions_for(submission, request.user)
    return next((a for a in actions if a.name == form.cleaned_data["action"]), None)


def _needs_confirming(request: HttpRequest, submission: Submission, form: StaffActionForm) -> bool:
    """A rejection is final: it is confirmed on a page of its own, with its reason shown,
    before it is taken (the confirming form posts again with ``confirmed``)."""
    choice = _choice(request, submission, form)
    if choice is None or not choice.rejects or request.POST.get("confirmed") == "1":
        return False
    return bool(form.cleaned_data["message"].strip()) or not choice.needs_message


def _unconfirmed_ending(
    request: HttpRequest, submission: Submission, form: StaffActionForm
) -> bool:
    """Completing ends the request and sends the result: it is taken only with the tick that
    says so on its form (the result files cannot be carried to a page of its own)."""
    choice = _choice(request, submission, form)
    return choice is not None and choice.completes and not form.cleaned_data["confirmed"]


@staff_login_required
@require_POST
def staff_assign(request: HttpRequest, code: str) -> HttpResponse:
    submission = selectors.get_submission_for_staff(request.user, code)
    staff = require_staff(request.user)
    form = AssignForm(request.POST, agency_id=staff.agency_id)
    if form.is_valid():
        try:
            services.submission_assign(
                submission_id=submission.pk,
                actor=request.user,  # type: ignore[arg-type]
                assignee=form.cleaned_data["assignee"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("درخواست واگذار شد."))
            return redirect("submissions:staff_request", code=code)
    context = _staff_context(request, submission, assign_form=form)
    return render(request, "submissions/staff_request.html", context, status=400)


@staff_login_required
@require_POST
def staff_refer(request: HttpRequest, code: str) -> HttpResponse:
    submission = selectors.get_submission_for_staff(request.user, code)
    staff = require_staff(request.user)
    form = ReferForm(request.POST, agency_id=staff.agency_id)
    if form.is_valid():
        try:
            services.submission_refer(
                submission_id=submission.pk,
                actor=request.user,  # type: ignore[arg-type]
                department=form.cleaned_data["department"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("درخواست ارجاع شد."))
            return redirect("submissions:staff_request", code=code)
    context = _staff_context(request, submission, refer_form=form)
    return render(request, "submissions/staff_request.html", context, status=400)


def _staff_context(
    request: HttpRequest,
    submission: Submission,
    form: StaffActionForm | None = None,
    assign_form: AssignForm | None = None,
    refer_form: ReferForm | None = None,
) -> dict[str, object]:
    staff = require_staff(request.user)
    context = _detail_context(submission, form)
    context["events"] = selectors.timeline_for(submission, public_only=False)
    context["actions"] = services.staff_actions_for(submission, request.user)
    context["failed_action"] = form.data.get("action") if form is not None else None
    context["deadline"] = deadlines.explain_request_due(submission)
    context["is_manager"] = staff.role == Role.MANAGER
    context["assign_form"] = assign_form or AssignForm(
        agency_id=staff.agency_id, initial={"assignee": submission.assigned_to_id}
    )
    context["refer_form"] = refer_form or ReferForm(agency_id=staff.agency_id)
    return context
