"""The citizen's survey (no sign-in: the link's token is the key), one question per page,
check your answers, confirmation; and the staff results page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from desk.agencies import access
from desk.catalog.models import Service
from desk.core.errors import ApplicationError
from desk.core.http import staff_login_required
from desk.lib import jalali
from desk.surveys import selectors, services
from desk.surveys.forms import NOT_APPLICABLE_LABEL, QuestionForm, ResultsForm
from desk.surveys.models import Invitation, Question, QuestionKind

# --- the citizen's survey ------------------------------------------------------------------------


def short(request: HttpRequest, token: str) -> HttpResponse:
    """/s/<token>/: the link in the SMS."""
    return redirect("surveys:start", token=token)


def _invitation(token: str) -> Invitation:
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        raise Http404
    return invitation


def _key(token: str) -> str:
    return f"survey-{token}"


def _draft(request: HttpRequest, invitation: Invitation) -> dict[str, Any]:
    """The answers given so far in this browser (a saved response's, to change them)."""
    key = _key(invitation.token)
    if key not in request.session:
        response = getattr(invitation, "response", None)
        request.session[key] = services.answers_of(response) if response else {}
    draft: dict[str, Any] = request.session[key]
    return draft


def _questions(invitation: Invitation) -> list[Question]:
    return list(invitation.form_version.questions.all())


def _closed(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    return render(request, "surveys/closed.html", {"invitation": invitation})


@never_cache
def start(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation(token)
    if not services.invitation_open(invitation):
        return _closed(request, invitation)
    response = getattr(invitation, "response", None)
    count = len(_questions(invitation))
    minutes = max(1, round(count / 6))  # about ten seconds a question on a phone
    return render(
        request,
        "surveys/start.html",
        {"invitation": invitation, "response": response, "count": count, "minutes": minutes},
    )


@never_cache
def question(request: HttpRequest, token: str, number: int) -> HttpResponse:
    invitation = _invitation(token)
    if not services.invitation_open(invitation):
        return _closed(request, invitation)
    questions = _questions(invitation)
    if not 1 <= number <= len(questions):
        raise Http404
    item = questions[number - 1]
    draft = _draft(request, invitation)
    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        form = QuestionForm(request.POST, question=item)
        if form.is_valid():
            draft[item.key] = form.value()
            request.session.modified = True
            if changing or number == len(questions):
                return redirect("surveys:check", token=token)
            return redirect("surveys:question", token=token, number=number + 1)
    else:
        form = QuestionForm(question=item, initial={"answer": draft.get(item.key)})
    back = (
        reverse("surveys:check", args=[token])
        if changing
        else reverse("surveys:question", args=[token, number - 1])
        if number > 1
        else reverse("surveys:start", args=[token])
    )
    context = {"invitation": invitation, "form": form, "question": item, "number": number}
    context.update(total=len(questions), back=back, changing=changing)
    return render(request, "surveys/question.html", context)


def _shown(item: Question, value: Any) -> str:
    if item.kind == QuestionKind.TEXT:
        return str(value or "")
    if value == services.NOT_APPLICABLE:
        return str(NOT_APPLICABLE_LABEL)
    return dict(item.choices).get(value, "") if isinstance(value, int) else ""


@never_cache
def check(request: HttpRequest, token: str) -> HttpResponse:
    """Check your answers, each with «تغییر»; sending saves the response."""
    invitation = _invitation(token)
    if not services.invitation_open(invitation):
        return _closed(request, invitation)
    questions = _questions(invitation)
    draft = _draft(request, invitation)
    for number, item in enumerate(questions, start=1):
        if item.kind == QuestionKind.SCALE and item.required and draft.get(item.key) is None:
            return redirect("surveys:question", token=token, number=number)
    error = ""
    if request.method == "POST":
        try:
            services.response_save(token=token, answers=draft)
        except ApplicationError as exc:
            error = exc.message
        else:
            request.session.pop(_key(token), None)
            return redirect("surveys:done", token=token)
    rows = [(n, item, _shown(item, draft.get(item.key))) for n, item in enumerate(questions, 1)]
    context = {"invitation": invitation, "rows": rows, "error": error}
    context["response"] = getattr(invitation, "response", None)
    return render(request, "surveys/check.html", context)


@never_cache
def done(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation(token)
    response = getattr(invitation, "response", None)
    if response is None:
        return redirect("surveys:start", token=token)
    return render(request, "surveys/done.html", {"invitation": invitation, "response": response})


# --- staff ---------------------------------------------------------------------------------------


@staff_login_required
def results(request: HttpRequest) -> HttpResponse:
    """Results per service or month (per agency and province for operators), by axis, with
    the response rate; the citizens' free text for the agency's managers."""
    scope = access.survey_results_scope(request.user)
    if scope is None:
        raise Http404
    # Operators see every agency: no list of thousands of services (the form leaves it out).
    services_qs = Service.objects.filter(agency_id=scope.agency_id or 0).order_by("title")
    this = jalali.to_jalali(timezone.now())
    defaults = {"year": this.year, "period": "y", "group_by": "service"}
    form = ResultsForm(
        request.GET or defaults,
        services=list(services_qs.values_list("pk", "title")),
        national=scope.agency_id is None,
    )
    if not form.is_valid():
        form = ResultsForm(defaults, services=[], national=scope.agency_id is None)
        form.is_valid()
    period = form.period_value()
    service_id = form.cleaned_data.get("service")
    # From the daily rollup (desk/surveys/rollup.py): the page says when it last ran.
    rows = selectors.satisfaction(
        scope.agency_ids, period, group_by=form.group_value(), service_id=service_id, rolled=True
    )
    total = selectors.satisfaction(
        scope.agency_ids, period, group_by="none", service_id=service_id, rolled=True
    )
    comments = None
    if scope.agency_id is not None and access.may_read_survey_comments(
        request.user, scope.agency_id
    ):
        found = selectors.comments(scope.agency_id, period, service_id=service_id)
        comments = Paginator(found, 20).get_page(request.GET.get("page"))
    context = {"form": form, "rows": rows, "total": total[0] if total else None}
    context.update(
        period=period,
        comments=comments,
        axes=selectors.axis_labels(),
        flags=selectors.red_flags(scope.agency_ids, year=period.year),
        questions=selectors.question_breakdown(scope.agency_ids, period, service_id=service_id),
        rollup=selectors.last_rollup(),
        national=scope.agency_id is None,
        group_label=dict(form.fields["group_by"].choices).get(form.group_value(), ""),  # type: ignore[attr-defined]
        query=_without_page(request),
    )
    return render(request, "surveys/results.html", context)


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
