"""Evaluators' pages (cycles, review, rankings, the festival report) and the evaluated
agency's (its self-assessment, the result, an objection). Thin: form → service → redirect or
render; every object through a selector that asks the access policy (B's ids are 404)."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from desk.accounts.models import User
from desk.agencies import access
from desk.core.errors import ApplicationError
from desk.core.http import staff_login_required
from desk.core.uploads import document_response
from desk.evaluation import exports, selectors, services
from desk.evaluation.forms import AnswerForm, CycleForm, DecisionForm, ObjectionForm, ReviewForm
from desk.evaluation.models import Assessment, State

# What «check your answers» does not carry back in its hidden fields.
_NOT_CARRIED = {"csrfmiddlewaretoken", "confirm", "change"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _error(form: Any, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@staff_login_required
def home(request: HttpRequest) -> HttpResponse:
    evaluator = access.evaluation_scope(request.user)
    context = {
        "evaluator": evaluator,
        "may_open": access.may_open_cycle(request.user),
        "cycles": selectors.cycles_for_evaluator(request.user),
        "assessments": list(selectors.assessments_of_agency(request.user)[:50]),
    }
    if evaluator is None and not context["assessments"]:
        access.require_staff(request.user)
    return render(request, "evaluation/home.html", context)


# --- cycles (evaluators) -----------------------------------------------------------------------


@staff_login_required
@require_http_methods(["GET", "POST"])
def cycle_new(request: HttpRequest) -> HttpResponse:
    if not access.may_open_cycle(request.user):
        raise Http404
    form = CycleForm(request.POST or None)
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        data = form.cleaned_data
        if "confirm" not in request.POST:
            agencies = services.agencies_for_cycle(data["province"])
            carried = [(k, v) for k, v in request.POST.items() if k not in _NOT_CARRIED]
            context = {"form": form, "agencies": agencies, "carried": carried}
            return render(request, "evaluation/cycle_check.html", context)
        try:
            cycle = services.cycle_open(actor=_user(request), **data)
        except ApplicationError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("دوره باز شد و به راهبر هر دستگاه پیامک می‌شود."))
            return redirect("evaluation:cycle", cycle_id=cycle.pk)
    return render(
        request, "evaluation/cycle_new.html", {"form": form}, status=400 if form.errors else 200
    )


@staff_login_required
def cycle(request: HttpRequest, cycle_id: int) -> HttpResponse:
    found = selectors.get_cycle_for_evaluator(request.user, cycle_id)
    rows = selectors.assessments_in_cycle(request.user, found)
    return render(request, "evaluation/cycle.html", {"cycle": found, "assessments": rows})


@staff_login_required
def ranking(request: HttpRequest, cycle_id: int) -> HttpResponse:
    found = selectors.get_cycle_for_evaluator(request.user, cycle_id)
    table = selectors.ranking(request.user, found)
    return render(request, "evaluation/ranking.html", {"cycle": found, "ranking": table})


@staff_login_required
def report_xlsx(request: HttpRequest, cycle_id: int) -> HttpResponse:
    found = selectors.get_cycle_for_evaluator(request.user, cycle_id)
    buffer = io.BytesIO()
    exports.report_workbook(found, selectors.ranking(request.user, found)).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{found.pk}.xlsx"'
    return response


@staff_login_required
def report_pdf(request: HttpRequest, cycle_id: int) -> HttpResponse:
    found = selectors.get_cycle_for_evaluator(request.user, cycle_id)
    pdf = exports.report_pdf(found, selectors.ranking(request.user, found))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{found.pk}.pdf"'
    return response


# --- one assessment ----------------------------------------------------------------------------


def _context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    agency = assessment.agency
    answers = selectors.answers_of(assessment)
    return {
        "assessment": assessment,
        "groups": selectors.grouped(answers),
        "may_fill": assessment.is_filling
        and access.may_fill_self_assessment(request.user, agency_id=agency.pk),
        "may_score": access.may_score(request.user, agency_id=agency.pk, province=agency.province),
        "may_object": assessment.may_be_objected()
        and access.may_object_to_result(request.user, agency_id=agency.pk),
        "done": sum(1 for a in answers if a.self_done),
        "total": len(answers),
        "self_score": services.score_of(assessment, self_scores=True),
    }


@staff_login_required
def assessment(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = selectors.get_assessment_for_user(request.user, public_id)
    return render(request, "evaluation/assessment.html", _context(request, found))


@staff_login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, public_id: uuid.UUID, indicator_id: int) -> HttpResponse:
    found = selectors.get_assessment_for_user(request.user, public_id)
    row = selectors.get_answer(found, indicator_id)
    if not access.may_fill_self_assessment(request.user, agency_id=found.agency_id):
        raise Http404
    if not found.is_filling:  # sent: the page shows it, nothing here changes any more
        return redirect("evaluation:assessment", public_id=public_id)
    kpi = services.kpi_for(row)
    initial = {"self_score": row.self_score, "self_note": row.self_note}
    form = AnswerForm(
        request.POST or None,
        request.FILES or None,
        answer=row,
        kpi_available=kpi is not None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data.get("document")
        try:
            services.answer_save(
                actor=_user(request),
                assessment_id=found.pk,
                indicator_id=indicator_id,
                self_score=form.cleaned_data["self_score"],
                self_note=form.cleaned_data["self_note"],
                files=[document] if document else [],
                attach_kpi=form.cleaned_data.get("attach_kpi", False),
            )
        except ApplicationError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("پاسخ «%(t)s» ذخیره شد.") % {"t": row.indicator.title})
            return redirect("evaluation:assessment", public_id=public_id)
    context = {"assessment": found, "answer": row, "form": form, "kpi": kpi}
    return render(request, "evaluation/answer.html", context, status=400 if form.errors else 200)


@staff_login_required
@require_http_methods(["GET", "POST"])
def evidence_remove(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Confirm, then remove a document the agency uploaded (only while the self-assessment can
    still change)."""
    row = selectors.get_evidence_for_user(request.user, public_id)
    found = row.answer.assessment
    if not access.may_fill_self_assessment(request.user, agency_id=found.agency_id):
        raise Http404
    back = redirect(
        "evaluation:answer", public_id=found.public_id, indicator_id=row.answer.indicator_id
    )
    if not found.is_filling:
        return redirect("evaluation:assessment", public_id=found.public_id)
    if request.method == "POST":
        if request.POST.get("confirm"):
            try:
                services.evidence_remove(actor=_user(request), evidence_id=row.pk)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("مستند «%(n)s» حذف شد.") % {"n": _evidence_name(row)})
        return back
    context = {"assessment": found, "evidence": row, "name": _evidence_name(row)}
    return render(request, "evaluation/evidence_remove.html", context)


def _evidence_name(row: Any) -> str:
    return row.original_name or row.download_name


@staff_login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """«Check your answers» before the self-assessment goes to the evaluators."""
    found = selectors.get_assessment_for_user(request.user, public_id)
    if not access.may_fill_self_assessment(request.user, agency_id=found.agency_id):
        raise Http404
    context = {**_context(request, found), "missing": services.missing(found), "error": ""}
    if request.method == "POST":
        try:
            services.assessment_submit(actor=_user(request), assessment_id=found.pk)
        except ApplicationError as exc:
            context["error"] = exc.message
        else:
            return redirect("evaluation:sent", public_id=public_id)
    return render(
        request, "evaluation/submit.html", context, status=400 if context["error"] else 200
    )


@staff_login_required
def sent(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = selectors.get_assessment_for_user(request.user, public_id)
    return render(request, "evaluation/sent.html", {"assessment": found})


def evidence(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """An uploaded document: whoever may open its assessment (404 for anyone else)."""
    row = selectors.get_evidence_for_user(request.user, public_id)
    return document_response(
        row.file.open("rb"), filename=row.download_name, content_type=row.content_type
    )


# --- the evaluator's review --------------------------------------------------------------------


def _scorer(request: HttpRequest, public_id: uuid.UUID) -> Assessment:
    found = selectors.get_assessment_for_user(request.user, public_id)
    if not access.may_score(
        request.user, agency_id=found.agency_id, province=found.agency.province
    ):
        raise Http404
    return found


@staff_login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _scorer(request, public_id)
    form = ReviewForm(request.POST or None, answers=selectors.answers_of(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                actor=_user(request), assessment_id=found.pk, reviews=form.reviews()
            )
            return _after_review(request, found, request.POST.get("then", "save"))
        except ApplicationError as exc:
            _error(form, exc)
    context = {**_context(request, found), "form": form}
    return render(request, "evaluation/review.html", context, status=400 if form.errors else 200)


def _after_review(request: HttpRequest, found: Assessment, then: str) -> HttpResponse:
    if then == "return":
        services.assessment_return(actor=_user(request), assessment_id=found.pk)
        messages.success(request, _("برای مستند بیشتر به دستگاه برگشت و به راهبر آن پیامک می‌شود."))
        return redirect("evaluation:cycle", cycle_id=found.cycle_id)
    if then == "finalize":
        return redirect("evaluation:finalize", public_id=found.public_id)
    if then == "decide":
        return redirect("evaluation:decide", public_id=found.public_id)
    messages.success(request, _("امتیازها ذخیره شد."))
    return redirect("evaluation:review", public_id=found.public_id)


@staff_login_required
@require_http_methods(["GET", "POST"])
def finalize(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Confirm, with the consequence stated, before the result goes to the agency."""
    found = _scorer(request, public_id)
    context = {**_context(request, found), "score": services.score_of(found), "error": ""}
    if request.method == "POST":
        try:
            services.assessment_finalize(actor=_user(request), assessment_id=found.pk)
        except ApplicationError as exc:
            context["error"] = exc.message
        else:
            messages.success(request, _("نتیجه اعلام شد و مهلت اعتراض دستگاه آغاز شد."))
            return redirect("evaluation:ranking", cycle_id=found.cycle_id)
    return render(
        request, "evaluation/finalize.html", context, status=400 if context["error"] else 200
    )


@staff_login_required
@require_http_methods(["GET", "POST"])
def object_(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = selectors.get_assessment_for_user(request.user, public_id)
    if not access.may_object_to_result(request.user, agency_id=found.agency_id):
        raise Http404
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        if "confirm" not in request.POST:
            return render(
                request, "evaluation/object_check.html", {"assessment": found, "form": form}
            )
        try:
            services.assessment_object(
                actor=_user(request), assessment_id=found.pk, text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("اعتراض فرستاده شد؛ ارزیاب دیگری به آن رأی می‌دهد."))
            return redirect("evaluation:assessment", public_id=public_id)
    context = {"assessment": found, "form": form}
    return render(request, "evaluation/object.html", context, status=400 if form.errors else 200)


@staff_login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _scorer(request, public_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        if "confirm" in request.POST:
            try:
                services.objection_decide(
                    actor=_user(request),
                    assessment_id=found.pk,
                    decision=form.cleaned_data["decision"],
                )
            except ApplicationError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("رأی ثبت شد و نتیجه قطعی است."))
                return redirect("evaluation:assessment", public_id=public_id)
        else:
            context = {"assessment": found, "form": form, "score": services.score_of(found)}
            return render(request, "evaluation/decide_check.html", context)
    context = {"assessment": found, "form": form, "state_ok": found.state == State.OBJECTED}
    return render(request, "evaluation/decide.html", context, status=400 if form.errors else 200)
