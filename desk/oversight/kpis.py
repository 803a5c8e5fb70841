"""The KPIs, computed from the monthly figures only (docs/oversight.md, "KPIs").

``figures(scope, period, group=...)`` sums the monthly rows of the agencies in the person's
scope into groups (provinces, agencies, services or months) and each group answers every KPI
of ``KPIS``. Nothing here reads a request: the dashboards answer from the aggregates.

The sums change only when an aggregation run rewrites the monthly rows, so they are cached
(desk/core/cache.py) under ``OVERSIGHT_GENERATION``, which every run bumps at its end. The
key holds the scope (what a person may see) with the period and the drill-down's filters; the
labels (agency and service names) are read afresh on each page.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q, Subquery, Sum

from desk.agencies.access import OversightScope
from desk.agencies.models import Agency
from desk.catalog.measures import Measured
from desk.catalog.models import Service
from desk.core.cache import OVERSIGHT_GENERATION, generation_cached
from desk.lib import jalali
from desk.oversight.models import AXES, STOCKS, MonthlyFigures
from desk.surveys.models import Axis
from desk.surveys.selectors import Period

# Until the next nightly run and a little more: the bump at the end of a run is what makes them
# stale; this only bounds a change that bumps nothing (an agency moved to another province).
FIGURES_CACHE_SECONDS = 26 * 60 * 60

Group = Literal["province", "agency", "service", "month"]
COUNTERS = [
    f.name
    for f in MonthlyFigures._meta.get_fields()
    if getattr(f, "get_internal_type", lambda: "")()
    in ("PositiveIntegerField", "BigIntegerField", "FloatField")
    and f.name not in ("year", "month")
]


def _ratio(part: float, whole: float, scale: float = 1.0) -> float | None:
    return None if not whole else part * scale / whole


def rank_value(histogram: Counter[int], share: float) -> int | None:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the counts
    at or below it (median: 0.5, p90: 0.9); None when empty."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover


@dataclass
class Figures:
    """Summed counters of one group (a province, an agency, a service or a month)."""

    key: Any
    label: str
    c: Counter[str] = field(default_factory=Counter)
    answer_days: Counter[int] = field(default_factory=Counter)

    def add(self, row: dict[str, Any]) -> None:
        for name in COUNTERS:
            self.c[name] += row[name] or 0
        self.answer_days.update({int(k): v for k, v in row["answer_days"].items()})

    def kpi(self, name: str) -> float | None:
        return KPI_BY_NAME[name].compute(self)

    @property
    def values(self) -> list[tuple[Kpi, float | None]]:
        return [(k, k.compute(self)) for k in KPIS]


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    unit: Literal["count", "percent", "days", "score", "rials", "ratio"]
    compute: Callable[[Figures], float | None]
    # Higher is better (league tables rank by it); False: lower is better.
    higher_better: bool = True


def _axis(axis: str) -> Callable[[Figures], float | None]:
    return lambda f: _ratio(f.c[f"{axis}_sum"], f.c[f"{axis}_n"])


DAY = 86400
KPIS: tuple[Kpi, ...] = (
    Kpi("volume", "شمار درخواست‌ها", "count", lambda f: f.c["filed"]),
    Kpi(
        "web_share",
        "سهم ثبت اینترنتی",
        "percent",
        lambda f: _ratio(f.c["filed_web"] + f.c["filed_api"], f.c["filed"], 100),
    ),
    Kpi(
        "desk_share",
        "سهم ثبت در میز حضوری",
        "percent",
        lambda f: _ratio(f.c["filed_desk"], f.c["filed"], 100),
        False,
    ),
    Kpi(
        "phone_share",
        "سهم ثبت تلفنی",
        "percent",
        lambda f: _ratio(f.c["filed_phone"], f.c["filed"], 100),
    ),
    Kpi(
        "on_time",
        "پاسخ به‌موقع",
        "percent",
        lambda f: _ratio(f.c["answered_on_time"], f.c["answered"], 100),
    ),
    Kpi(
        "median_days",
        "میانه روز کاری تا پاسخ",
        "days",
        lambda f: rank_value(f.answer_days, 0.5),
        False,
    ),
    Kpi(
        "p90_days",
        "صدک ۹۰ روز کاری تا پاسخ",
        "days",
        lambda f: rank_value(f.answer_days, 0.9),
        False,
    ),
    Kpi("overdue_now", "گذشته از موعد (اکنون)", "count", lambda f: f.c["overdue_end"], False),
    Kpi(
        "visits_per_request",
        "مراجعه حضوری به ازای هر درخواست",
        "ratio",
        lambda f: _ratio(f.c["visits"] + f.c["filed_desk"], f.c["filed"]),
        False,
    ),
    Kpi(
        "appointment_compliance",
        "نوبت در مهلت سه روز کاری",
        "percent",
        lambda f: _ratio(f.c["bookings_compliant"], f.c["bookings"] + f.c["unserved"], 100),
    ),
    *(Kpi(f"satisfaction_{a}", f"رضایت: {Axis(a).label}", "score", _axis(a)) for a in AXES),
    Kpi(
        "response_rate",
        "نرخ پاسخ به نظرسنجی",
        "percent",
        lambda f: _ratio(f.c["responses"], f.c["invited"], 100),
    ),
    Kpi(
        "connections_share",
        "احساس نیاز به توصیه",
        "percent",
        lambda f: _ratio(f.c["red_flag_yes"], f.c["red_flag_answered"], 100),
        False,
    ),
    Kpi(
        "complaints_per_1000",
        "شکایت در هر هزار درخواست",
        "ratio",
        lambda f: _ratio(f.c["complaints"], f.c["filed"], 1000),
        False,
    ),
    Kpi(
        "complaint_answer_days",
        "میانگین روز تا پاسخ شکایت",
        "days",
        lambda f: _ratio(f.c["complaint_answer_seconds"], f.c["complaints_answered"] * DAY),
        False,
    ),
    Kpi(
        "inquiry_given_days",
        "میانگین روز پاسخ به استعلام دیگران",
        "days",
        lambda f: _ratio(f.c["inquiries_given_seconds"], f.c["inquiries_given"] * DAY),
        False,
    ),
    Kpi(
        "inquiry_received_days",
        "میانگین روز دریافت پاسخ استعلام",
        "days",
        lambda f: _ratio(f.c["inquiries_received_seconds"], f.c["inquiries_received"] * DAY),
        False,
    ),
    Kpi(
        "sms_delivery",
        "پیامک رسیده",
        "percent",
        lambda f: _ratio(f.c["sms_delivered"], f.c["sms_sent"], 100),
    ),
    Kpi(
        "complete_cards",
        "خدمت با شناسنامه کامل",
        "percent",
        lambda f: _ratio(f.c["services_complete"], f.c["services"], 100),
    ),
    Kpi("revenue", "درآمد (ریال)", "rials", lambda f: f.c["revenue"]),
)
KPI_BY_NAME = {k.name: k for k in KPIS}
# The KPIs a league table may rank by.
LEAGUE_KPIS = (
    "on_time",
    "median_days",
    "satisfaction_overall",
    "complaints_per_1000",
    "web_share",
    "appointment_compliance",
    "complete_cards",
)


# --- reading the monthly rows -------------------------------------------------------------------


GROUP_FIELDS: dict[str, str] = {
    "province": "province",
    "agency": "agency_id",
    "service": "service_id",
    "month": "month",
}


def _grouped(scope: OversightScope, period: Period, where: Q, group: Group) -> dict[Any, Figures]:
    """The monthly rows summed per group in the database (a national year is 1,200 agency
    rows), with the histograms of working days merged here. Stocks describe a moment, the end
    of the period: only the rows of its last month with figures count (a service with nothing
    open then has no row, so zero)."""
    rows = MonthlyFigures.objects.filter(
        scope.agencies("agency"), where, year=period.year, month__in=period.months
    )
    # The period's last month with figures, inside the same query.
    last = Q(month=Subquery(rows.order_by("-month").values("month")[:1]))
    key = GROUP_FIELDS[group]
    measures: dict[str, Any] = {
        f"sum_{name}": Sum(name, filter=last) if name in STOCKS else Sum(name) for name in COUNTERS
    }
    groups: dict[Any, Figures] = {}
    for item in rows.values(key).annotate(**measures).order_by():
        one = groups[item[key]] = Figures(key=item[key], label="")
        one.c.update({name: _number(item[f"sum_{name}"]) for name in COUNTERS})
    for value, histogram in rows.filter(answered__gt=0).values_list(key, "answer_days"):
        groups[value].answer_days.update({int(k): v for k, v in histogram.items()})
    return groups


def _scope_key(scope: OversightScope) -> tuple[Any, ...]:
    """What ``scope.agencies()`` selects by: every national evaluator sees the same figures, a
    provincial one their province's, a head their own agency's."""
    if scope.is_national:
        return ("national",)
    if scope.level == "provincial":
        return ("provincial", scope.province)
    return (scope.level, scope.own_agency_id, scope.province)


def _cache_key(scope: OversightScope, asked: tuple[Any, ...]) -> str:
    # Hashed: province names are Persian, and cache keys had better be short ASCII.
    parts = repr((_scope_key(scope), asked)).encode()
    return "oversight:figures:" + hashlib.sha256(parts).hexdigest()


def _number(value: Any) -> float:
    """A sum as Python reads it (PostgreSQL sums bigint columns as numeric: Decimal)."""
    if value is None:
        return 0
    return int(value) if isinstance(value, Decimal) else value


def figures(
    scope: OversightScope,
    period: Period,
    *,
    group: Group,
    province: str | None = None,
    agency_id: int | None = None,
    service_id: int | None = None,
) -> list[Figures]:
    """The KPIs of ``period`` per ``group``, within the person's scope and the drill-down's
    filters (a province, an agency, a service). Service groups read the service rows, every
    other group the agencies' total rows."""
    where = Q(service__isnull=group != "service" and service_id is None)
    if province is not None:
        where &= Q(agency__province=province)
    if agency_id is not None:
        where &= Q(agency_id=agency_id)
    if service_id is not None:
        where &= Q(service_id=service_id)
    asked = (period.kind, period.year, period.number, group, province, agency_id, service_id)
    groups = generation_cached(
        key=_cache_key(scope, asked),
        generation=OVERSIGHT_GENERATION,
        build=lambda: _grouped(scope, period, where, group),
        timeout=FIGURES_CACHE_SECONDS,
    )
    _label(groups, group)
    if group == "month":
        return [groups[k] for k in sorted(groups)]
    return sorted(groups.values(), key=lambda f: f.label)


def total(scope: OversightScope, period: Period, **filters: Any) -> Figures:
    """One group for everything the filters select (a province, an agency, a service)."""
    return merged(figures(scope, period, group="month", **filters))


def merged(parts: Iterable[Figures]) -> Figures:
    """The groups of a period by month (``figures(group="month")``) as one."""
    whole = Figures(key=None, label="جمع")
    for part in parts:
        whole.c.update(part.c)
        whole.answer_days.update(part.answer_days)
    return whole


def agency_total(agency_id: int, period: Period) -> Figures:
    """One agency's figures for the period, for another app that has asked the access policy
    itself (evaluation's measured indicators): ``figures[...]`` and ``.kpi(name)``."""
    scope = OversightScope(level="agency", own_agency_id=agency_id)
    return total(scope, period, agency_id=agency_id)


def _label(groups: dict[Any, Figures], group: Group) -> None:
    if group == "agency":
        names = dict(Agency.objects.filter(pk__in=list(groups)).values_list("pk", "name"))
    elif group == "service":
        names = dict(Service.objects.filter(pk__in=list(groups)).values_list("pk", "title"))
    elif group == "month":
        names = {m: jalali.month_name(m) for m in groups}
    else:
        names = {p: p or "بی‌استان" for p in groups}
    for key, item in groups.items():
        item.label = names.get(key, "")


def league(
    scope: OversightScope, period: Period, kpi: str, *, province: str | None = None
) -> list[tuple[int, Figures, float | None]]:
    """Agencies ranked by ``kpi`` (equal values share a rank; no value: last, unranked)."""
    spec = KPI_BY_NAME[kpi]
    rows = figures(scope, period, group="agency", province=province)
    valued = [(f, f.kpi(kpi)) for f in rows]
    sign = -1 if spec.higher_better else 1
    ranked = sorted(
        ((f, v) for f, v in valued if v is not None),
        key=lambda item: (sign * item[1], item[0].label),
    )
    out: list[tuple[int, Figures, float | None]] = []
    for position, (item, value) in enumerate(ranked, 1):
        rank = out[-1][0] if out and out[-1][2] == value else position
        out.append((rank, item, value))
    out += [(0, item, None) for item, value in valued if value is None]
    return out


def years_with_figures() -> list[int]:
    return sorted(set(MonthlyFigures.objects.values_list("year", flat=True)), reverse=True)


# --- the service card's measured figures -------------------------------------------------------


def service_measures(service_ids: Iterable[int]) -> dict[int, Measured]:
    """For the catalog (admin, national export): over the last twelve aggregated months, each
    service's median working days to answer, requests filed, and in-person visits per request.
    Services without figures are left out."""
    ids = list(service_ids)
    latest = MonthlyFigures.objects.order_by("-year", "-month").values_list("year", "month").first()
    if latest is None or not ids:
        return {}
    year, month = latest
    since = (year - 1, month)  # the twelve months ending with the latest: (year-1, month+1)…
    rows = MonthlyFigures.objects.filter(service_id__in=ids).filter(
        Q(year=year, month__lte=month) | Q(year=since[0], month__gt=since[1])
    )
    groups: dict[int, Figures] = {}
    for row in rows.values("service_id", "answer_days", *COUNTERS):
        groups.setdefault(row["service_id"], Figures(key=row["service_id"], label="")).add(row)
    return {
        pk: Measured(
            average_duration_days=rank_value(f.answer_days, 0.5),
            annual_volume=f.c["filed"],
            in_person_visits=f.kpi("visits_per_request"),
        )
        for pk, f in groups.items()
    }


class MeasuredProvider:
    """Registered with desk.catalog.measures from this app's ready()."""

    def service_measures(self, service_ids: Iterable[int]) -> dict[int, Measured]:
        return service_measures(service_ids)
