"""The seam between a checklist's *measured* indicators and the KPIs that desk/oversight
computes from the service desk's own data.

``kpi_figure`` answers with the system's figure for an agency and a period, or None when the
system has no such figure (yet). Until the oversight app's KPI selectors are on main, every
code answers None: the self-assessment page then says that no figure is measured, and nothing
else changes. A figure attached as evidence is copied onto the answer (its value, period and
time), so a later recomputation never changes what the agency submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class KpiFigure:
    code: str
    label: str
    value: str  # as shown to people (Persian digits, unit)
    period: str  # Jalali, as shown


def kpi_figure(*, code: str, agency_id: int, since: date, until: date) -> KpiFigure | None:
    """The system's own figure of KPI ``code`` for the agency over [since, until]."""
    return None
