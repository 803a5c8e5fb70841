"""What a dashboard page shows at each level of the drill-down (views.py renders it, exports.py
writes the same figures to Excel and PDF)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest, QueryDict
from django.urls import reverse

from desk.agencies.access import OversightScope
from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.lib import jalali
from desk.oversight import kpis, selectors
from desk.oversight.aggregation import last_run
from desk.oversight.forms import PeriodForm
from desk.surveys.selectors import Period

# The columns of the comparison table (every KPI is in the summary and the exports).
TABLE_KPIS = (
    "volume",
    "web_share",
    "on_time",
    "median_days",
    "p90_days",
    "overdue_now",
    "satisfaction_overall",
    "complaints_per_1000",
)


@dataclass(frozen=True)
class Level:
    scope: OversightScope
    kind: Literal["country", "province", "agency", "service"]
    province: str | None = None
    agency: Agency | None = None
    service: Service | None = None

    @property
    def group(self) -> kpis.Group:
        return {"country": "province", "province": "agency", "agency": "service"}.get(  # type: ignore[return-value]
            self.kind, "month"
        )

    @property
    def filters(self) -> dict[str, Any]:
        if self.kind == "province":
            return {"province": self.province}
        if self.kind == "agency":
            assert self.agency is not None
            return {"agency_id": self.agency.pk}
        if self.kind == "service":
            assert self.agency is not None and self.service is not None
            return {"agency_id": self.agency.pk, "service_id": self.service.pk}
        return {}

    @property
    def title(self) -> str:
        if self.kind == "country":
            return "همه کشور"
        if self.kind == "province":
            return f"استان {self.province}"
        if self.kind == "agency":
            assert self.agency is not None
            return self.agency.name
        assert self.service is not None
        return self.service.title


def period_from(
    request: HttpRequest, form_class: type[PeriodForm] = PeriodForm, **extra: str
) -> tuple[Any, Period]:
    """The period asked for, or this Jalali year."""
    defaults = {"year": str(jalali.to_jalali(jalali.today_tehran()).year), "period": "y", **extra}
    data = QueryDict(mutable=True)
    data.update(defaults)
    for key in request.GET:
        data[key] = request.GET[key]
    form = form_class(data)
    if not form.is_valid():
        form = form_class(defaults)
        form.is_valid()
    return form, form.period_value()


def _crumbs(level: Level) -> list[tuple[str, str]]:
    crumbs = []
    scope = level.scope
    if scope.is_national:
        crumbs.append(("همه کشور", reverse("oversight:country")))
    province = level.province or (level.agency.province if level.agency else None)
    if province and scope.covers_province(province) and level.kind != "country":
        crumbs.append((f"استان {province}", reverse("oversight:province", args=[province])))
    if level.agency is not None:
        crumbs.append((level.agency.name, reverse("oversight:agency", args=[level.agency.pk])))
    if level.service is not None and level.agency is not None:
        url = reverse("oversight:service", args=[level.agency.pk, level.service.pk])
        crumbs.append((level.service.title, url))
    return crumbs


def _drill_url(level: Level, key: Any) -> str | None:
    if level.kind == "country" and key:
        return reverse("oversight:province", args=[key])
    if level.kind == "province":
        return reverse("oversight:agency", args=[key])
    if level.kind == "agency" and level.agency is not None:
        return reverse("oversight:service", args=[level.agency.pk, key])
    return None


def _chart(rows: list[kpis.Figures], trend: list[kpis.Figures], group_label: str) -> str:
    """The charts' data, read by static/desk/oversight.js (no inline script: CSP)."""
    return json.dumps(
        {
            "bars": {
                "title": f"پاسخ به‌موقع (٪) به تفکیک {group_label}",
                "labels": [r.label for r in rows],
                "values": [_rounded(r.kpi("on_time")) for r in rows],
            },
            "trend": {
                "title": "شمار درخواست‌ها و پاسخ به‌موقع در ماه‌های سال",
                "labels": [r.label for r in trend],
                "volume": [r.kpi("volume") for r in trend],
                "on_time": [_rounded(r.kpi("on_time")) for r in trend],
            },
        },
        ensure_ascii=False,
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


GROUP_LABELS = {"province": "استان", "agency": "دستگاه", "service": "خدمت", "month": "ماه"}


def dashboard_context(request: HttpRequest, level: Level) -> dict[str, Any]:
    form, period = period_from(request)
    rows = kpis.figures(level.scope, period, group=level.group, **level.filters)
    trend = kpis.figures(level.scope, Period("year", period.year), group="month", **level.filters)
    # A year's total is its months' (one query less on the default view).
    if period.kind == "year":
        total = kpis.merged(trend)
    else:
        total = kpis.total(level.scope, period, **level.filters)
    query = request.GET.copy()
    query.pop("format", None)
    review = None
    if level.agency is not None:
        review = selectors.open_review_for(request.user, level.agency.pk)
    return {
        "level": level,
        "title": level.title,
        "crumbs": _crumbs(level),
        "form": form,
        "period": period,
        "rows": [(row, _drill_url(level, row.key)) for row in rows],
        "total": total,
        "table_kpis": [kpis.KPI_BY_NAME[name] for name in TABLE_KPIS],
        "group_label": GROUP_LABELS[level.group],
        "chart": _chart(rows, trend, GROUP_LABELS[level.group]),
        "trend": trend,
        "last_run": last_run(),
        "query": query.urlencode(),
        "review": review,
        "metrics": selectors.METRICS,
    }
