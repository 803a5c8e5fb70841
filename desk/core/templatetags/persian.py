"""Filters for what people read: Persian digits, Jalali dates, phone numbers, tracking codes."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.html import format_html

from desk.lib import jalali, tracking
from desk.lib.persian import format_size, to_persian_digits
from desk.lib.validators import display_mobile

register = template.Library()


@register.filter
def fa(value: object) -> str:
    """Persian digits."""
    return to_persian_digits("" if value is None else value)


@register.filter
def money(value: int | None) -> str:
    """Rials with a Persian thousands separator."""
    if value is None:
        return ""
    return to_persian_digits(f"{int(value):,}".replace(",", "٬"))


@register.filter
def jdate(value: date | datetime | None) -> str:
    return jalali.format_date(value)


@register.filter
def jdate_long(value: date | datetime | None) -> str:
    return jalali.format_date_long(value)


@register.filter
def jdatetime(value: datetime | None) -> str:
    return jalali.format_datetime(value)


@register.filter
def mobile(value: str) -> str:
    return to_persian_digits(display_mobile(value)) if value else ""


@register.filter
def tracking_code(value: str) -> str:
    """A tracking code in Persian digits, grouped, left-to-right so groups keep their order."""
    return format_html(
        '<bdi class="tracking-code" dir="ltr">{}</bdi>',
        to_persian_digits(tracking.format_code(value)),
    )


@register.filter
def filesize(value: int) -> str:
    return format_size(value)
