"""A KPI's value as a person reads it: Persian digits, its unit, «—» for no figure."""

from __future__ import annotations

from django import template

from desk.core.templatetags.persian import money
from desk.lib.persian import to_persian_digits
from desk.oversight.kpis import Figures, Kpi

register = template.Library()


def _decimal(value: float, places: int) -> str:
    text = f"{value:.{places}f}".rstrip("0").rstrip(".") if places else f"{round(value)}"
    return to_persian_digits(text).replace(".", "٫")


@register.filter
def kpi_value(value: float | None, kpi: Kpi) -> str:
    if value is None:
        return "—"
    if kpi.unit == "percent":
        return _decimal(value, 1) + "٪"
    if kpi.unit == "score":
        return _decimal(value, 1) + " از ۵"
    if kpi.unit == "rials":
        return money(int(value)) + " ریال"
    if kpi.unit == "ratio":
        return _decimal(value, 2)
    if kpi.unit == "days":
        return _decimal(value, 1) + " روز"
    return money(int(value))


@register.filter
def kpi_of(figures: Figures, kpi: Kpi) -> str:
    return kpi_value(figures.kpi(kpi.name), kpi)
