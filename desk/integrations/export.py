"""The national catalog export: every published service card with its national catalog fields,
for the national registry (my.gov.ir), as JSON and CSV, for the installation or one agency.

Declared figures (the card's average duration and annual volume, typed by the agency) sit beside
measured ones (from the requests themselves, through desk/oversight) when those exist.

``export_version`` is a hash of the exported content itself: it changes exactly when a field of
some service changes, survives a lost cache and serves as the HTTP ETag. The export is cached
under the catalog's generation (``SERVICES_GENERATION``), so an edited card is exported at once;
the measured figures are at most ``EXPORT_CACHE_SECONDS`` old.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Agency
from desk.catalog import measures
from desk.catalog.models import Audience, Channel, Level, Maturity, Nature, Service
from desk.catalog.selectors import SERVICES_GENERATION, services_published
from desk.core.cache import generation_cached

SCHEMA_VERSION = "1.0"
EXPORT_CACHE_SECONDS = 300

# (key in JSON, CSV header): the registry's fields, in its order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("national_id", "شناسه خدمت"),
    ("title", "عنوان خدمت"),
    ("agency", "شناسه دستگاه"),
    ("agency_name", "نام دستگاه"),
    ("category", "دسته"),
    ("audience", "نوع خدمت"),
    ("nature", "ماهیت خدمت"),
    ("level", "سطح ارائه"),
    ("life_event", "رویداد زندگی"),
    ("trigger", "رویداد آغازگر"),
    ("in_person_visits", "تعداد مراجعه حضوری"),
    ("channels", "شیوه‌های دسترسی"),
    ("maturity", "مرحله بلوغ الکترونیکی"),
    ("duration_working_days", "مهلت انجام (روز کاری)"),
    ("average_duration_days", "میانگین زمان انجام اعلام‌شده (روز کاری)"),
    ("annual_volume", "تعداد درخواست در سال (اعلام‌شده)"),
    ("fee_amount", "هزینه (ریال)"),
    ("accepts_online", "ثبت درخواست برخط"),
    ("url", "نشانی شناسنامه خدمت"),
    ("updated_at", "آخرین به‌روزرسانی شناسنامه"),
    ("measured_average_days", "میانگین زمان انجام سنجیده (روز کاری)"),
    ("measured_annual_volume", "تعداد درخواست سنجیده (۱۲ ماه گذشته)"),
    ("measured_in_person_visits", "تعداد مراجعه حضوری سنجیده (هر درخواست)"),
)
MEASURED = tuple(key for key, _header in COLUMNS if key.startswith("measured_"))

# The codes JSON carries, with the Persian the CSV shows.
CODES: dict[str, dict[str, str]] = {
    "audience": {str(k): str(v) for k, v in Audience.choices},
    "nature": {str(k): str(v) for k, v in Nature.choices},
    "level": {str(k): str(v) for k, v in Level.choices},
    "maturity": {str(k): str(v) for k, v in Maturity.choices},
    "channels": {str(k): str(v) for k, v in Channel.choices},
}


def service_measures(service_ids: Iterable[int]) -> Mapping[int, Mapping[str, Any]]:
    """The measured figures of each service over the last twelve aggregated months (keys of
    ``MEASURED`` without ``measured_``), from desk/oversight through the catalog's provider
    seam (``desk.catalog.measures``); none for a service nobody measured."""
    return {
        pk: {
            "average_days": m.average_duration_days,
            "annual_volume": m.annual_volume,
            "in_person_visits": m.in_person_visits,
        }
        for pk, m in measures.service_measures(service_ids).items()
    }


@dataclass(frozen=True)
class CatalogExport:
    agency: str | None
    services: list[dict[str, Any]]
    version: str

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "export_version": self.version,
            "generated_at": timezone.now().astimezone(datetime.UTC).isoformat(),
            "agency": self.agency,
            "count": len(self.services),
            "codes": CODES,
            "services": self.services,
        }

    def as_csv(self) -> bytes:
        """UTF-8 with a byte-order mark, so that Excel reads the Persian; codes as their
        Persian labels; a cell that would start a formula is quoted with an apostrophe."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([header for _key, header in COLUMNS])
        for row in self.services:
            writer.writerow([_cell(key, row[key]) for key, _header in COLUMNS])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if isinstance(value, list):
        labels = CODES.get(key, {})
        return "، ".join(str(labels.get(str(v), v)) for v in value)
    text = CODES[key].get(str(value), str(value)) if key in CODES else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _row(service: Service, measured: Mapping[str, Any]) -> dict[str, Any]:
    path = reverse("catalog:service_detail", args=[service.slug])
    row: dict[str, Any] = {
        "national_id": service.national_id,
        "title": service.title,
        "agency": service.agency.slug,
        "agency_name": service.agency.name,
        "category": service.category.name,
        "audience": service.audience,
        "nature": service.nature,
        "level": service.level,
        "life_event": service.life_event,
        "trigger": service.trigger,
        "in_person_visits": service.in_person_visits,
        "channels": list(service.channels),
        "maturity": service.maturity,
        "duration_working_days": service.duration_working_days,
        "average_duration_days": service.average_duration_days,
        "annual_volume": service.annual_volume,
        "fee_amount": service.fee_amount,
        "accepts_online": service.accepts_online,
        "url": f"{settings.SITE_URL}{path}",
        "updated_at": service.updated_at.astimezone(datetime.UTC).isoformat(),
    }
    for key in MEASURED:
        row[key] = measured.get(key.removeprefix("measured_"))
    return row


def _build(agency: Agency | None) -> CatalogExport:
    services = services_published().order_by("agency__slug", "national_id")
    if agency is not None:
        services = services.filter(agency=agency)
    cards = list(services)
    measures = service_measures([s.pk for s in cards])
    rows = [_row(s, measures.get(s.pk, {})) for s in cards]
    canonical = json.dumps([SCHEMA_VERSION, rows], ensure_ascii=False, sort_keys=True)
    version = hashlib.sha256(canonical.encode()).hexdigest()[:20]
    return CatalogExport(agency=agency.slug if agency else None, services=rows, version=version)


def catalog_export(agency: Agency | None = None) -> CatalogExport:
    """The export of every published card (of ``agency`` only, if given), cached until the
    catalog changes or ``EXPORT_CACHE_SECONDS`` pass."""
    return generation_cached(
        key=f"integrations:catalog-export:{SCHEMA_VERSION}:{agency.pk if agency else 'all'}",
        generation=SERVICES_GENERATION,
        build=lambda: _build(agency),
        timeout=EXPORT_CACHE_SECONDS,
    )
