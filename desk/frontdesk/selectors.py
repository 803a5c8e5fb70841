"""Reads of the in-person desk, scoped to the clerk's agency."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from desk.accounts.models import User
from desk.agencies import access
from desk.catalog.models import Service
from desk.catalog.selectors import services_published
from desk.delivery.models import IssuedDocument


def require_desk(user: object) -> User:
    """The clerk (or manager, or expert where the agency allows); 404 for anyone else."""
    if not access.may_serve_at_desk(user):
        raise Http404
    assert isinstance(user, User)
    return user


def citizen_by_national_code(national_code: str) -> User | None:
    return User.objects.filter(national_code=national_code, staff__isnull=True).first()


def services_for_desk(user: object) -> QuerySet[Service]:
    """The services a clerk files for: their agency's published ones that take requests."""
    return (
        services_published().filter(access.staff_rows(user), accepts_online=True).order_by("title")
    )


def service_for_desk(user: object, slug: str) -> Service:
    service = services_for_desk(user).prefetch_related("documents", "form_fields").filter(slug=slug)
    found = service.first()
    if found is None:
        raise Http404
    return found


def document_for_desk(user: object, public_id: str) -> IssuedDocument:
    """A result document of the clerk's agency; 404 for another agency's."""
    document = (
        IssuedDocument.objects.select_related("submission", "submission__service")
        .filter(access.submissions_visible_to(user, "submission__agency_id"), public_id=public_id)
        .first()
    )
    if document is None or not access.may_serve_at_desk(user):
        raise Http404
    return document
