"""The seam between a checklist's *measured* indicators and the KPIs that desk/oversight
computes from the service desk's own data (its monthly aggregates, never the requests).

``kpi_figure`` answers with the system's figure for an agency over a cycle's period — the sum
of the Jalali months the period touches (``desk.oversight.kpis.agency_total`` per month) — or
None when the KPI is unknown or has no figure (no requests, no answers). A figure attached as
evidence is copied onto the answer (its value, period and time), so a later recomputation never
changes what the agency sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from desk.lib import jalali
from desk.lib.persian import to_persian_digits
from desk.oversight import kpis
from desk.surveys.selectors import Period

UNITS = {
    "percent": "٪",
    "days": " روز کاری",
    "rials": " ریال",
    "count": "",
    "ratio": "",
    "score": " از ۵",
}


@dataclass(frozen=True)
class KpiFigure:
    code: str
    label: str
    value: str  # as shown to people (Persian digits, unit)
    period: str  # Jalali, as shown


def _months(since: date, until: date) -> Iterator[Period]:
    first, last = jalali.to_jalali(since), jalali.to_jalali(until)
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield Period(kind="month", year=year, number=month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _shown(value: float, unit: str) -> str:
    number = (
        f"{value:,.0f}" if unit in ("count", "rials") else f"{value:.1f}".rstrip("0").rstrip(".")
    )
    return to_persian_digits(number).replace(",", "٬").replace(".", "٫") + UNITS.get(unit, "")


def kpi_figure(*, code: str, agency_id: int, since: date, until: date) -> KpiFigure | None:
    """The system's own figure of KPI ``code`` for the agency over [since, until]."""
    kpi = kpis.KPI_BY_NAME.get(code)
    if kpi is None:
        return None
    whole = kpis.Figures(key=agency_id, label="")
    for period in _months(since, until):
        part = kpis.agency_total(agency_id, period)
        whole.c.update(part.c)
        whole.answer_days.update(part.answer_days)
    value = whole.kpi(code)
    if value is None:
        return None
    shown_period = f"{jalali.format_date(since)} تا {jalali.format_date(until)}"
    return KpiFigure(code=code, label=kpi.label, value=_shown(value, kpi.unit), period=shown_period)
