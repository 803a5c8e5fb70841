from __future__ import annotations

from decimal import Decimal

from django import template

from desk.lib.persian import to_persian_digits

register = template.Library()


@register.filter
def score(value: Decimal | int | None) -> str:
    """A score out of 100 with Persian digits and the Persian decimal separator («۸۷٫۵۰»)."""
    if value is None:
        return "—"
    return to_persian_digits(f"{value}").replace(".", "٫")


STATE_CLASSES = {
    "draft": "text-bg-light border",
    "more_evidence": "text-bg-warning",
    "submitted": "text-bg-primary",
    "finalized": "text-bg-info",
    "objected": "text-bg-warning",
    "closed": "text-bg-success",
}


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(state, "text-bg-secondary")
