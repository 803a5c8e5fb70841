from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Agency
from desk.core.errors import ApplicationError
from desk.core.forms import StyledForm
from desk.core.http import client_ip, staff_login_required
from desk.core.uploads import document_response
from desk.letters import drafts, selectors, services
from desk.letters.forms import ConvertForm, LetterForm, PaperLetterForm, ReplyForm, RouteForm
from desk.letters.models import Letter

T = TypeVar("T")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _agencies() -> object:
    return Agency.objects.filter(is_active=True).order_by("name")


# --- the citizen ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    """The letter's one page of questions; «continue» leads to «check your answers»."""
    user = _user(request)
    if not access.may_write_letter(user):
        raise Http404
    draft = drafts.draft_get(request.session)
    initial: dict[str, object] = {}
    if draft is not None:
        initial = {"agency": draft.agency_id, "subject": draft.subject, "body": draft.body}
        initial["about"] = draft.about_id
    elif request.GET.get("about"):
        initial["about"] = request.GET["about"]
    form = LetterForm(
        request.POST or None,
        request.FILES or None,
        agencies=_agencies(),  # type: ignore[arg-type]
        requests=selectors.requests_of_citizen(user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        drafts.draft_save(
            request.session,
            agency_id=data["agency"].pk,
            subject=data["subject"],
            body=data["body"],
            about_id=data["about"].pk if data["about"] else None,
            uploads=data["documents"],
        )
        return redirect("letters:write_check")
    if request.method == "POST" and "documents" not in form.errors:
        chosen = form.cleaned_data.get("documents") or []
        if chosen:  # accepted: kept while the rest is put right
            drafts.files_keep(request.session, chosen)
    kept = drafts.kept_files(request.session)
    return render(request, "letters/write.html", {"form": form, "kept": kept})


@login_required
@require_http_methods(["GET", "POST"])
def write_check(request: HttpRequest) -> HttpResponse:
    """«Check your answers»: the letter as it will be registered, each part with «تغییر»."""
    user = _user(request)
    draft = drafts.draft_get(request.session)
    if draft is None:
        sent = request.session.get(drafts.SENT_KEY)
        if sent and request.method == "POST":  # «send» tapped again after it was sent
            return redirect("letters:sent", code=sent)
        return redirect("letters:write")
    agency = Agency.objects.filter(pk=draft.agency_id, is_active=True).first()
    about = None
    if draft.about_id is not None:
        about = selectors.requests_of_citizen(user).filter(pk=draft.about_id).first()
    error = ""
    if request.method == "POST" and agency is not None:
        try:
            letter = services.letter_create(
                agency=agency,
                citizen=user,
                registered_by=user,
                subject=draft.subject,
                body=draft.body,
                about=about,
                files=drafts.draft_uploads(draft),
                idempotency_key=uuid.UUID(draft.idempotency_key),
                address=client_ip(request) or "unknown",
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            drafts.draft_discard(request.session, sent=letter.tracking_code)
            return redirect("letters:sent", code=letter.tracking_code)
    context = {"draft": draft, "agency": agency, "about": about, "error": error}
    return render(request, "letters/write_check.html", context)


@login_required
def sent(request: HttpRequest, code: str) -> HttpResponse:
    """The confirmation: the tracking code and register number, and what happens next."""
    letter = selectors.get_letter_for_citizen(request.user, code)
    return render(request, "letters/sent.html", {"letter": letter})


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    letter = selectors.get_letter_for_citizen(request.user, code)
    context = {
        "letter": letter,
        "attachments": selectors.attachments_of(letter),
        "notes": selectors.notes_of(letter, public_only=True),
        "replies": selectors.replies_of(letter),
    }
    return render(request, "letters/detail.html", context)


@login_required
def attachment(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    found = selectors.get_attachment_for_user(request.user, public_id)
    return document_response(
        found.file.open("rb"), filename=found.download_name, content_type=found.content_type
    )


@login_required
def reply_pdf(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    reply = services.reply_render(selectors.get_reply_for_user(request.user, public_id))
    services.reply_record_download(reply=reply, actor=_user(request))
    return document_response(
        reply.file.open("rb"), filename=reply.filename, content_type="application/pdf"
    )


# --- staff ------------------------------------------------------------------------------------


@staff_login_required
def inbox(request: HttpRequest) -> HttpResponse:
    access.require_staff(request.user)
    context = {
        "letters": list(selectors.inbox_for_staff(request.user)[:200]),
        "closed": list(selectors.recently_closed_for_staff(request.user)),
        "may_register": access.can_register_letter(request.user),
    }
    return render(request, "letters/inbox.html", context)


@staff_login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """A paper letter handed in at the desk: the writer by national code, the scan attached."""
    staff = access.require_staff(request.user)
    if not access.can_register_letter(request.user):
        raise Http404
    form = PaperLetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        citizen = User.objects.filter(national_code=data["national_code"]).first()
        if citizen is None or not access.may_apply(citizen):
            form.add_error(
                "national_code",
                _("شهروندی با این کد ملی ثبت‌نام نکرده است. نخست او را در میز خدمت ثبت‌نام کنید."),
            )
        else:
            try:
                letter = services.letter_create(
                    agency=staff.agency,
                    citizen=citizen,
                    registered_by=_user(request),
                    subject=data["subject"],
                    body=data["body"],
                    files=data["documents"],
                    idempotency_key=uuid.uuid4(),
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return redirect("letters:staff_letter", code=letter.tracking_code)
    return render(request, "letters/register.html", {"form": form})


def _staff_context(request: HttpRequest, letter: Letter, **forms: object) -> dict[str, object]:
    may_act = access.can_act_on_letter(request.user, letter)
    return {
        "letter": letter,
        "attachments": selectors.attachments_of(letter),
        "notes": selectors.notes_of(letter, public_only=False),
        "replies": selectors.replies_of(letter),
        "may_act": may_act and letter.is_open,
        "route_form": forms.get("route_form")
        or RouteForm(departments=selectors.departments_for(letter)),
        **forms,
    }


@staff_login_required
def staff_letter(request: HttpRequest, code: str) -> HttpResponse:
    letter = selectors.get_letter_for_staff(request.user, code)
    return render(request, "letters/staff_letter.html", _staff_context(request, letter))


@staff_login_required
@require_POST
def staff_route(request: HttpRequest, code: str) -> HttpResponse:
    letter = selectors.get_letter_for_staff(request.user, code)
    form = RouteForm(request.POST, departments=selectors.departments_for(letter))
    if form.is_valid():
        try:
            services.letter_route(
                letter_id=letter.pk,
                actor=_user(request),
                department=form.cleaned_data["department"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("letters:staff_letter", code=code)
    context = _staff_context(request, letter, route_form=form)
    return render(request, "letters/staff_letter.html", context, status=400)


def _confirmed_step(
    request: HttpRequest, form: StyledForm, act: Callable[[], T]
) -> tuple[str, T | None]:
    """An irreversible staff action on its own confirmation step: a valid POST is shown back
    ("confirm"), done once confirmed ("done", with what `act` returned), or shown as the form
    again to change it ("edit", also on errors, which go on the form)."""
    if request.method != "POST" or not form.is_valid() or "edit" in request.POST:
        return "edit", None
    if request.POST.get("confirmed") != "yes":
        return "confirm", None
    try:
        done = act()
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return "edit", None
    return "done", done


@staff_login_required
@require_http_methods(["GET", "POST"])
def staff_reply(request: HttpRequest, code: str) -> HttpResponse:
    """Write the reply, then confirm it before it takes its number."""
    letter = _letter_to_act_on(request, code)
    form = ReplyForm(request.POST or None)
    step, reply = _confirmed_step(
        request,
        form,
        lambda: services.letter_reply(
            letter_id=letter.pk, actor=_user(request), body=form.cleaned_data["body"]
        ),
    )
    if reply is not None:
        # The number kept left to right inside the Persian sentence (as letter_number does).
        number = f"\u2066{reply.number}\u2069"
        messages.success(
            request,
            _("پاسخ با شماره صادره %(number)s ثبت شد و به نویسنده نامه پیامک می‌شود.")
            % {"number": number},
        )
        return redirect("letters:staff_letter", code=code)
    context = {"letter": letter, "form": form, "confirming": step == "confirm"}
    return render(request, "letters/staff_reply.html", context)


@staff_login_required
@require_http_methods(["GET", "POST"])
def staff_convert(request: HttpRequest, code: str) -> HttpResponse:
    """Turn the letter into a request for one of the agency's services, after a confirmation."""
    letter = _letter_to_act_on(request, code)
    form = ConvertForm(request.POST or None, services=selectors.services_for(letter))
    step, _converted = _confirmed_step(
        request,
        form,
        lambda: services.letter_convert(
            letter_id=letter.pk, actor=_user(request), service=form.cleaned_data["service"]
        ),
    )
    if step == "done":
        return redirect("letters:staff_letter", code=code)
    context = {"letter": letter, "form": form, "confirming": step == "confirm"}
    return render(request, "letters/staff_convert.html", context)


def _letter_to_act_on(request: HttpRequest, code: str) -> Letter:
    letter = selectors.get_letter_for_staff(request.user, code)
    if not access.can_act_on_letter(request.user, letter):
        raise Http404
    return letter
