"""A complete service card (شناسنامه خدمت): what the directive asks every card to state.

Complete means: a description; at least one step, one required document and one law or
regulation; the complaint procedure; the responsible person with a phone; the fee stated (an
amount, or a description such as «رایگان»); the channels; and the national catalog's life
event and trigger. The average duration, annual volume and in-person visits are not asked
here: they can be filled from the measured figures.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from desk.catalog.models import Service

CARD_PARTS: tuple[tuple[str, str], ...] = (
    ("description", "شرح خدمت"),
    ("steps", "مراحل انجام کار"),
    ("documents", "مدارک لازم"),
    ("regulations", "قوانین و مقررات"),
    ("complaint_procedure", "روش رسیدگی به شکایت"),
    ("responsible", "مسئول پاسخ‌گو و تلفن او"),
    ("fee", "هزینه یا رایگان بودن"),
    ("channels", "شیوه‌های دسترسی"),
    ("life_event", "رویداد زندگی و رویداد آغازگر"),
)


def card_gaps(service: Service, *, steps: int, documents: int, regulations: int) -> list[str]:
    """The parts of the card still missing, by their Persian names."""
    present = {
        "description": bool(service.description.strip()),
        "steps": steps > 0,
        "documents": documents > 0,
        "regulations": regulations > 0,
        "complaint_procedure": bool(service.complaint_procedure.strip()),
        "responsible": bool(service.responsible_name.strip() and service.responsible_phone.strip()),
        "fee": service.fee_amount > 0 or bool(service.fee_description.strip()),
        "channels": bool(service.channels),
        "life_event": bool(service.life_event.strip() and service.trigger.strip()),
    }
    return [label for key, label in CARD_PARTS if not present[key]]


def complete_card_ids(service_ids: Iterable[int]) -> set[int]:
    """The services among ``service_ids`` whose card is complete (one query)."""
    services = Service.objects.filter(pk__in=list(service_ids)).annotate(
        n_steps=Count("steps", distinct=True),
        n_documents=Count("documents", distinct=True, filter=Q(documents__is_required=True)),
        n_regulations=Count("regulations", distinct=True),
    )
    return {
        s.pk
        for s in services
        if not card_gaps(s, steps=s.n_steps, documents=s.n_documents, regulations=s.n_regulations)
    }
