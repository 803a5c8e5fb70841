"""The oversight dashboards: country → province → agency → service, league tables, exports,
and case reviews (the requests behind a figure). Figures come from the aggregates only."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from desk.agencies import access
from desk.agencies.access import OversightScope
from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.core.errors import ApplicationError
from desk.core.http import staff_login_required
from desk.lib.jalali import today_tehran
from desk.lib.persian import is_ascii_number
from desk.oversight import exports, kpis, selectors, services
from desk.oversight.dashboard import Level, dashboard_context, period_from
from desk.oversight.forms import CaseReviewForm, LeagueForm


def _scope(request: HttpRequest) -> OversightScope:
    scope = access.oversight_scope(request.user)
    if scope is None:
        raise Http404
    return scope


def _agency_in_scope(request: HttpRequest, agency_id: int) -> Agency:
    agency = get_object_or_404(Agency, pk=agency_id)
    if not access.may_see_oversight(request.user, agency_id=agency.pk, province=agency.province):
        raise Http404
    return agency


def _respond(request: HttpRequest, level: Level) -> HttpResponse:
    context = dashboard_context(request, level)
    wanted = request.GET.get("format")
    if wanted == "xlsx":
        return exports.xlsx_response(context)
    if wanted == "pdf":
        return exports.pdf_response(context)
    return render(request, "oversight/dashboard.html", context)


@staff_login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person starts at the widest view their scope allows."""
    scope = _scope(request)
    if scope.is_national:
        url = reverse("oversight:country")
    elif scope.is_evaluator:
        url = reverse("oversight:province", args=[scope.province])
    else:
        url = reverse("oversight:agency", args=[scope.own_agency_id])
    query = request.GET.urlencode()  # the period asked for goes along
    return redirect(f"{url}?{query}" if query else url)


@staff_login_required
def country(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if not scope.is_national:
        raise Http404
    return _respond(request, Level(scope=scope, kind="country"))


@staff_login_required
def province(request: HttpRequest, province: str) -> HttpResponse:
    scope = _scope(request)
    if not scope.covers_province(province):
        raise Http404
    return _respond(request, Level(scope=scope, kind="province", province=province))


@staff_login_required
def agency(request: HttpRequest, agency_id: int) -> HttpResponse:
    scope = _scope(request)
    found = _agency_in_scope(request, agency_id)
    return _respond(request, Level(scope=scope, kind="agency", agency=found))


@staff_login_required
def service(request: HttpRequest, agency_id: int, service_id: int) -> HttpResponse:
    scope = _scope(request)
    found = _agency_in_scope(request, agency_id)
    one = get_object_or_404(Service, pk=service_id, agency=found)
    return _respond(request, Level(scope=scope, kind="service", agency=found, service=one))


@staff_login_required
def league(request: HttpRequest) -> HttpResponse:
    """Agencies ranked by one KPI (ties share a rank), within the person's scope."""
    scope = _scope(request)
    form, period = period_from(request, LeagueForm, kpi="on_time")
    kpi = form.cleaned_data.get("kpi") or "on_time"
    rows = kpis.league(scope, period, kpi)
    context = {"form": form, "period": period, "kpi": kpis.KPI_BY_NAME[kpi], "rows": rows}
    if request.GET.get("format") == "xlsx":
        return exports.league_response(context)
    return render(request, "oversight/league.html", context)


def _service_named(agency: Agency, value: str) -> Service | None:
    """The agency's service that a dashboard link names in ``?service=``; None when the link
    names none; 404 when it names no service of the agency (spelled as the ``<int:>`` of a
    path, so that ``x`` or ``1.5`` is a missing page, not a 500)."""
    if not value:
        return None
    if not is_ascii_number(value):
        raise Http404
    return get_object_or_404(Service, pk=int(value), agency=agency)


@staff_login_required
@require_http_methods(["GET", "POST"])
def review_open(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Before any request is shown: the reason, recorded with the evaluator's name."""
    _scope(request)
    found = _agency_in_scope(request, agency_id)
    one = _service_named(found, request.GET.get("service", ""))
    form = CaseReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.case_review_open(
                user=request.user, agency=found, service=one, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error("reason", error.message)
        else:
            query = request.GET.copy()
            query.pop("service", None)
            url = reverse("oversight:review_requests", args=[review.pk])
            return redirect(f"{url}?{query.urlencode()}" if query else url)
    context = {"form": form, "agency": found, "service": one, "metric": request.GET.get("metric")}
    return render(request, "oversight/review_open.html", context)


@staff_login_required
def review_requests(request: HttpRequest, review_id: int) -> HttpResponse:
    """The requests behind a figure, read-only; each list shown is audited."""
    review = selectors.get_case_review(request.user, review_id)
    form, period = period_from(request)
    metric = request.GET.get("metric", "overdue")
    rows = list(selectors.requests_behind(review, metric, period, today=today_tehran())[:500])
    services.case_review_viewed(
        user=request.user,
        review=review,
        metric=metric,
        tracking_codes=[r.tracking_code for r in rows],
    )
    context: dict[str, Any] = {
        "review": review,
        "rows": rows,
        "metric": metric,
        "metric_label": selectors.METRICS.get(metric, ""),
        "metrics": selectors.METRICS,
        "period": period,
        "form": form,
    }
    return render(request, "oversight/review_requests.html", context)
