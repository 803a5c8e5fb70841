"""Demo offices and weekly slot templates (run by load_demo; safe to rerun)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from desk.agencies.models import Agency
from desk.appointments.models import Office, SlotTemplate, Weekday
from desk.catalog.models import Service
from desk.core.cache import AGENCIES_GENERATION, generation_bump

WORKING_WEEKDAYS = (
    Weekday.SATURDAY,
    Weekday.SUNDAY,
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
)

OFFICES: list[dict[str, Any]] = [
    {
        "agency": "shemiranat-civil-registry",
        "name": "دفتر ثبت احوال تجریش",
        "address": "تهران، میدان تجریش، خیابان شهید دربندی، پلاک ۱۴",
        "map_url": "https://www.openstreetmap.org/?mlat=35.8045&mlon=51.4330#map=17/35.8045/51.4330",
        "phone": "021-22711234",
        "counters": 3,
        "services": {"smart-national-card": (datetime.time(8, 0), datetime.time(13, 0), 20, 2)},
    },
    {
        "agency": "shemiranat-civil-registry",
        "name": "دفتر ثبت احوال قلهک",
        "address": "تهران، خیابان شریعتی، بالاتر از پل رومی، پلاک ۲۱۰",
        "map_url": "",
        "phone": "021-22601234",
        "counters": 2,
        "services": {"smart-national-card": (datetime.time(9, 0), datetime.time(12, 0), 30, 1)},
    },
]


class Command(BaseCommand):
    help = "Load demo offices and weekly appointment slots. Safe to rerun."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for spec in OFFICES:
                agency = Agency.objects.filter(slug=spec["agency"]).first()
                if agency is None:
                    continue
                office, _created = Office.objects.update_or_create(
                    agency=agency,
                    name=spec["name"],
                    defaults={k: spec[k] for k in ("address", "map_url", "phone", "counters")},
                )
                for slug, (start, end, minutes, capacity) in spec["services"].items():
                    service = Service.objects.filter(agency=agency, slug=slug).first()
                    if service is None:
                        continue
                    for weekday in WORKING_WEEKDAYS:
                        SlotTemplate.objects.update_or_create(
                            office=office,
                            service=service,
                            weekday=weekday.value,
                            starts_at=start,
                            defaults={
                                "ends_at": end,
                                "slot_minutes": minutes,
                                "capacity": capacity,
                            },
                        )
            # The service pages cached with their «book a visit» button (desk/core/cache.py).
            generation_bump(AGENCIES_GENERATION)
        self.stdout.write(self.style.SUCCESS("Demo offices and appointment slots loaded."))
