from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from desk.accounts.models import User
from desk.agencies.access import require_staff
from desk.core.errors import ApplicationError
from desk.core.http import staff_login_required
from desk.core.uploads import document_response
from desk.inquiries import selectors, services, staging
from desk.inquiries.forms import AnswerForm, DeclineForm, SendForm
from desk.inquiries.models import Inquiry
from desk.submissions.selectors import get_submission_for_staff


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The inquiries other agencies sent the viewer's agency: overdue first."""
    staff = require_staff(request.user)
    page = Paginator(selectors.inbox_for_agency(request.user), selectors.INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "staff": staff,
        "inbox": page,
        "page": page,
        "answered": selectors.recently_answered(request.user),
    }
    return render(request, "inquiries/inbox.html", context)


@staff_login_required
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    inquiry = selectors.get_inquiry_for_answerer(request.user, public_id)
    form = _answer_form(request, inquiry)
    if request.method == "POST" and form.is_valid():
        try:
            services.inquiry_answer(
                inquiry_id=inquiry.pk,
                actor=_user(request),
                answer=form.cleaned_data["answer"],
                staged=[str(row.public_id) for row in form.kept],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("پاسخ استعلام فرستاده شد."))
            return redirect("inquiries:respond", public_id=public_id)
    status = 400 if form.errors else 200
    return render(
        request, "inquiries/respond.html", _context(request, inquiry, form), status=status
    )


def _answer_form(request: HttpRequest, inquiry: Inquiry) -> AnswerForm:
    """The answer form. Posted, it carries the documents kept from an earlier post (by
    reference, less those ticked to remove), and every newly chosen document that passes its
    checks is kept at once, whatever else the form says: an error never asks for it again."""
    if request.method != "POST":
        return AnswerForm()
    user = _user(request)
    removed = request.POST.getlist(staging.REMOVE_FIELD)
    staging.answer_files_discard(inquiry=inquiry, owner=user, references=removed)
    posted = [r for r in request.POST.getlist(staging.KEPT_FIELD) if r not in removed]
    kept, refused = staging.answer_files_kept(inquiry=inquiry, owner=user, references=posted)
    form = AnswerForm(request.POST, request.FILES, kept=kept)
    form.is_valid()
    if form.accepted:  # newly chosen documents replace the kept ones
        try:
            form.kept = staging.answer_files_stage(
                inquiry=inquiry, owner=user, documents=form.accepted, replacing=kept
            )
        except ApplicationError as exc:
            form.add_error("documents", exc.message)
    elif refused:  # a kept document gone; one newly chosen would have replaced it anyway
        form.add_error("documents", refused)
    return form


def _context(request: HttpRequest, inquiry: Inquiry, form: object) -> dict[str, object]:
    if request.method == "GET" and inquiry.is_open:
        services.inquiry_seen(inquiry=inquiry, user=_user(request), file=None)
    return {
        "inquiry": inquiry,
        "shared": selectors.shared_with(request.user, inquiry),
        "form": form,
        "files": list(inquiry.files.all()),
    }


@staff_login_required
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Not answering is final: its own page, with the consequence stated."""
    inquiry = selectors.get_inquiry_for_answerer(request.user, public_id)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.inquiry_decline(
                inquiry_id=inquiry.pk, actor=_user(request), reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("به دستگاه پرسنده اعلام شد که پاسخ نمی‌دهید."))
            return redirect("inquiries:respond", public_id=public_id)
    status = 400 if form.errors else 200
    context = {"inquiry": inquiry, "form": form}
    return render(request, "inquiries/decline.html", context, status=status)


def shared_file(request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID) -> FileResponse:
    """A file of the asking request that the inquiry shares, while it is open (logged)."""
    inquiry = selectors.get_inquiry_for_answerer(request.user, public_id)
    attachment = selectors.get_shared_attachment(request.user, inquiry, file_id)
    services.inquiry_seen(inquiry=inquiry, user=_user(request), file=attachment)
    return document_response(
        attachment.file.open("rb"),
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )


def answer_file(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    row = selectors.get_answer_file(request.user, public_id)
    return document_response(
        row.file.open("rb"), filename=row.download_name, content_type=row.content_type
    )


@staff_login_required
@require_POST
def send(request: HttpRequest, code: str) -> HttpResponse:
    """The asking expert sends an inquiry to the agency they chose."""
    submission = get_submission_for_staff(request.user, code)
    form = SendForm(request.POST, submission=submission)
    if form.is_valid():
        try:
            services.inquiry_send_by_expert(
                submission_id=submission.pk,
                actor=_user(request),
                to_agency=form.cleaned_data["to_agency"],
                question=form.cleaned_data["question"],
                fields=form.cleaned_data["shared"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("استعلام فرستاده شد."))
            return redirect("submissions:staff_request", code=code)
    context = {"submission": submission, "form": form}
    return render(request, "inquiries/send.html", context, status=400)
