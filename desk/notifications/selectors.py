"""Reads of the outbox and the templates, scoped by agency where staff read them."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from desk.core.cache import TEMPLATES_GENERATION, generation_bump, generation_cached
from desk.notifications.events import EVENTS, Event
from desk.notifications.models import (
    FAILURE_STATUSES,
    MessageStatus,
    MessageTemplate,
    OutboundMessage,
    TemplateVersion,
)

# Bumped by every write of templates and their versions (see templates_changed).


def templates_changed() -> None:
    """Forget every cached template: called by whatever writes templates or their versions."""
    generation_bump(TEMPLATES_GENERATION)


def template_current(*, event: str, agency_id: int | None) -> TemplateVersion:
    """The latest version of the agency's active override of `event`, else of the default.

    Every status change reads one and texts change rarely: cached until the next write
    (``templates_changed``). A missing template is not cached; it is seeded and then read.
    """
    return generation_cached(
        key=f"notifications:template:{event}:{agency_id or '-'}",
        generation=TEMPLATES_GENERATION,
        build=lambda: _template_current(event=event, agency_id=agency_id),
    )


def _template_current(*, event: str, agency_id: int | None) -> TemplateVersion:
    versions = TemplateVersion.objects.select_related("template").filter(
        template__event=event, template__is_active=True
    )
    if agency_id is None:
        versions = versions.filter(template__agency__isnull=True)
    else:
        versions = versions.filter(
            Q(template__agency_id=agency_id) | Q(template__agency__isnull=True)
        )
    version = versions.order_by(F("template__agency_id").asc(nulls_last=True), "-number").first()
    if version is None:
        raise LookupError(f"no template for {event!r}: run the notifications migrations")
    return version


def messages_for_reference(reference: str, agency_id: int) -> QuerySet[OutboundMessage]:
    """What was sent about one request, newest first, for staff of its agency."""
    return (
        OutboundMessage.objects.filter(reference=reference, agency_id=agency_id)
        .select_related("template_version")
        .order_by("-created_at", "-pk")
    )


def messages_failed(*, agency_id: int | None) -> QuerySet[OutboundMessage]:
    """Failed messages, newest first; every agency's when `agency_id` is None (operators)."""
    qs = OutboundMessage.objects.filter(status__in=FAILURE_STATUSES)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs.select_related("template_version").order_by("-created_at", "-pk")


def message_counts(*, agency_id: int | None, days: int = 7) -> dict[str, int]:
    """How many messages of each status were queued in the last `days` days."""
    since = timezone.now() - datetime.timedelta(days=days)
    qs = OutboundMessage.objects.filter(created_at__gte=since)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    counts = dict.fromkeys(MessageStatus.values, 0)
    for row in qs.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def templates_for_agency(agency_id: int | None) -> list[tuple[Event, TemplateVersion, bool]]:
    """Each event with the text in force for the agency and whether it is the agency's own."""
    versions: dict[tuple[str, int | None], TemplateVersion] = {}
    scope = (
        Q(agency__isnull=True)
        if agency_id is None
        else Q(agency__isnull=True) | Q(agency_id=agency_id)
    )
    templates = MessageTemplate.objects.filter(scope, is_active=True)
    for version in (
        TemplateVersion.objects.filter(template__in=templates)
        .select_related("template")
        .order_by("template_id", "-number")
    ):
        versions.setdefault((version.template.event, version.template.agency_id), version)
    rows = []
    for event in EVENTS.values():
        own = versions.get((event.slug, agency_id)) if agency_id is not None else None
        default = versions.get((event.slug, None))
        current = own or default
        if current is not None:
            rows.append((event, current, own is not None))
    return rows


def template_versions(*, event: str, agency_id: int | None) -> QuerySet[TemplateVersion]:
    qs = TemplateVersion.objects.filter(template__event=event).select_related("created_by")
    if agency_id is None:
        return qs.filter(template__agency__isnull=True).order_by("-number")
    return qs.filter(template__agency_id=agency_id).order_by("-number")
