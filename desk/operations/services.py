"""First run of a new installation: the first superuser, the first agency and its admin."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from desk.accounts.models import User
from desk.agencies.models import Agency, Role, Staff
from desk.audit.services import audit_record


class BootstrapError(RuntimeError):
    """The bootstrap cannot be done as asked (a weak password, a clash with existing data)."""


@dataclass(frozen=True)
class Account:
    username: str
    password: str


@dataclass(frozen=True)
class BootstrapResult:
    superuser: User
    superuser_created: bool
    agency: Agency | None
    agency_created: bool
    admin: User | None
    admin_created: bool


@transaction.atomic
def installation_bootstrap(
    *,
    superuser: Account,
    agency_name: str = "",
    agency_slug: str = "",
    agency_admin: Account | None = None,
) -> BootstrapResult:
    """Create what is missing; an account or agency that exists is left as it is (its password
    is never changed), so running it twice is harmless."""
    root, root_created = _account(superuser, is_superuser=True)
    agency, agency_created, admin, admin_created = None, False, None, False
    if agency_slug:
        agency, agency_created = Agency.objects.get_or_create(
            slug=agency_slug, defaults={"name": agency_name or agency_slug}
        )
    if agency_admin is not None:
        if agency is None:
            raise BootstrapError("an agency admin needs an agency (--agency-slug)")
        admin, admin_created = _account(agency_admin, is_superuser=False)
        if admin_created:
            Staff.objects.create(user=admin, agency=agency, role=Role.ADMIN)
        elif getattr(admin, "staff", None) is None or admin.staff.agency_id != agency.pk:
            raise BootstrapError(f"{admin.username} exists and is not an admin of {agency.slug}")
    audit_record(
        action="operations.bootstrap",
        agency_id=None,
        details={
            "superuser": [root.username, root_created],
            "agency": [agency.slug, agency_created] if agency else None,
            "admin": [admin.username, admin_created] if admin else None,
        },
    )
    return BootstrapResult(root, root_created, agency, agency_created, admin, admin_created)


def _account(account: Account, *, is_superuser: bool) -> tuple[User, bool]:
    existing = User.objects.filter(username=account.username).first()
    if existing is not None:
        return existing, False
    user = User(username=account.username, is_staff=True, is_superuser=is_superuser)
    try:
        validate_password(account.password, user)
    except ValidationError as exc:
        raise BootstrapError(f"{account.username}: " + " ".join(exc.messages)) from exc
    user.set_password(account.password)
    user.save()
    return user, True
