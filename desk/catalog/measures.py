"""Measured figures of a service beside its card's declared ones.

The card declares an average duration, an annual volume and a number of in-person visits
(national catalog fields); the oversight app measures them from the requests. The catalog
sits below it, so the oversight app registers a provider here (``provider_register`` from its
``AppConfig.ready``) and the admin shows what the provider measured beside what was declared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction

from desk.core.cache import generation_bump


@dataclass(frozen=True)
class Measured:
    """Over the last twelve aggregated months: the median working days to a final answer,
    the requests filed, and the in-person visits per request (desk filings and kept
    appointments)."""

    average_duration_days: int | None
    annual_volume: int
    in_person_visits: float | None


class MeasuresProvider(Protocol):
    def service_measures(self, service_ids: Iterable[int]) -> dict[int, Measured]: ...


_PROVIDERS: list[MeasuresProvider] = []


def provider_register(provider: MeasuresProvider) -> None:
    if not any(type(p) is type(provider) for p in _PROVIDERS):
        _PROVIDERS.append(provider)


def service_measures(service_ids: Iterable[int]) -> dict[int, Measured]:
    """What the registered provider measured; empty when none is installed."""
    ids = list(service_ids)
    found: dict[int, Measured] = {}
    for provider in _PROVIDERS:
        found.update(provider.service_measures(ids))
    return found


def declared_from_measured(measured: Measured) -> dict[str, int]:
    """The card's fields as the measures would fill them (visits rounded to whole visits)."""
    fields = {"annual_volume": measured.annual_volume}
    if measured.average_duration_days is not None:
        fields["average_duration_days"] = measured.average_duration_days
    if measured.in_person_visits is not None:
        fields["in_person_visits"] = round(measured.in_person_visits)
    return fields


@transaction.atomic
def services_fill_measured(*, service_ids: Iterable[int]) -> int:
    """Write the measured figures into the cards' average duration, annual volume and
    in-person visits; services without figures are left as they are. The number filled."""
    from desk.catalog.models import Service
    from desk.catalog.selectors import SERVICES_GENERATION

    filled = 0
    for pk, measured in service_measures(service_ids).items():
        filled += Service.objects.filter(pk=pk).update(**declared_from_measured(measured))
    if filled:
        generation_bump(SERVICES_GENERATION)  # the public cards show these fields
    return filled
