"""A citizen's account belongs to whoever Shahkar says owns the mobile: checked before an
account is created or claimed, whether at the sign-in page or at a front desk.

- Shahkar ok: the account is created, or the national code is claimed by this mobile. An
  account that held the code with a mobile Shahkar does not confirm is flagged (its code given
  up, signed out, its requests held, nothing deleted).
- Shahkar mismatch or not found: refused, in words that never say whether the national code
  already has an account.
- Shahkar unavailable: a new account (or the same mobile again) may go on, marked pending, its
  requests held until the periodic re-check (accounts.tasks) hears an answer. Taking a national
  code from another mobile always waits for Shahkar.

- The civil registry says the national code is of a person who has died (``alive = false``):
  refused with its own message, whatever Shahkar said (``life_check``; asked with the national
  code alone, only when an account is made or claimed; no answer never blocks).

The desk calls ``citizen_verify_and_claim``; the sign-in page asks Shahkar with the code
request (``identity_for_sign_in``) and claims after the SMS code (``citizen_account_claim``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import Identity, User
from desk.core.errors import ApplicationError
from desk.core.events import CitizenIdentityChanged, announce
from desk.lib.validators import display_mobile
from desk.registries.client import registry_ask
from desk.registries.models import Adapter, CallStatus

SIGN_IN_PURPOSE = "ورود شهروند به میز خدمت"
DESK_PURPOSE = "ثبت‌نام شهروند در میز خدمت حضوری"
RECHECK_PURPOSE = "تطبیق دوباره شماره همراه حساب"


def not_the_owner_message() -> str:
    """The one answer to a mobile Shahkar does not give to this national code: the same
    whether the code has an account or not."""
    return _(
        "این شماره همراه به نام صاحب این کد ملی ثبت نشده است. با شماره همراهی وارد شوید که "
        "به نام خود شما ثبت شده است."
    )


def shahkar_waiting_message() -> str:
    return _(
        "سامانه شاهکار (تطبیق شماره همراه با کد ملی) اکنون پاسخ نمی‌دهد. چند دقیقه دیگر "
        "دوباره تلاش کنید."
    )


def deceased_message() -> str:
    return _(
        "بنا بر سامانه ثبت احوال، دارنده این کد ملی درگذشته است و با آن نمی‌توان وارد شد یا "
        "حساب ساخت. اگر این نادرست است، برای اصلاح آن به اداره ثبت احوال مراجعه کنید."
    )


def life_check(*, national_code: str, purpose: str, user_id: int | None = None) -> None:
    """Raise ApplicationError when the civil registry says `national_code`'s holder has died.
    Any other answer (found alive, not found, no answer) lets the caller go on: Shahkar has
    already judged the mobile, and a registry that does not answer never blocks a sign-in."""
    answer = registry_ask(
        Adapter.CIVIL_REGISTRY, {"national_code": national_code}, purpose=purpose, user_id=user_id
    )
    if answer.ok and answer.data.get("alive") is False:
        raise ApplicationError(deceased_message())


def shahkar_check(
    *, national_code: str, mobile: str, purpose: str, user_id: int | None = None
) -> str:
    """Ask Shahkar whether `mobile` (+989… or 09…) belongs to `national_code`: VERIFIED or
    PENDING (no answer); a mismatch or unknown code raises the neutral ApplicationError."""
    answer = registry_ask(
        Adapter.SHAHKAR,
        {"national_code": national_code, "mobile": display_mobile(mobile)},
        purpose=purpose,
        user_id=user_id,
    )
    if answer.ok:
        return Identity.VERIFIED
    if answer.status in (CallStatus.MISMATCH, CallStatus.NOT_FOUND):
        raise ApplicationError(not_the_owner_message())
    return Identity.PENDING


def identity_for_sign_in(*, national_code: str, mobile: str) -> str:
    """Before a sign-in code is sent: Shahkar's word on this pair (VERIFIED or PENDING), or an
    ApplicationError. An account already verified with this very mobile is not asked again."""
    existing = User.objects.filter(national_code=national_code).first()
    same_mobile = existing is not None and existing.mobile == mobile
    if same_mobile and existing is not None and existing.identity == Identity.VERIFIED:
        return Identity.VERIFIED
    user_id = existing.pk if existing is not None else None
    try:
        identity = shahkar_check(
            national_code=national_code, mobile=mobile, purpose=SIGN_IN_PURPOSE, user_id=user_id
        )
    except ApplicationError:
        if existing is not None and existing.mobile == mobile:
            account_flag(user=existing)  # the account's own mobile is not the owner's
        raise
    if identity == Identity.PENDING and existing is not None and existing.mobile != mobile:
        raise ApplicationError(shahkar_waiting_message(), retry_after=120)
    life_check(national_code=national_code, purpose=SIGN_IN_PURPOSE, user_id=user_id)
    return identity


def citizen_verify_and_claim(
    *, national_code: str, mobile: str, actor_id: int | None = None, purpose: str = DESK_PURPOSE
) -> User:
    """For a front desk: the citizen is present with their phone (the clerk has seen it receive
    a code); Shahkar is asked, then the account is created or claimed as at sign-in."""
    identity = shahkar_check(
        national_code=national_code, mobile=mobile, purpose=purpose, user_id=actor_id
    )
    life_check(national_code=national_code, purpose=purpose, user_id=actor_id)
    return citizen_account_claim(national_code=national_code, mobile=mobile, identity=identity)


def citizen_account_claim(*, national_code: str, mobile: str, identity: str) -> User:
    """The account of `national_code` for `mobile` (+989…), whose possession the caller has
    proven (an SMS code, a clerk), with Shahkar's word `identity` (VERIFIED or PENDING).

    Another mobile holds the code: with PENDING, refused; with VERIFIED, that account's own
    mobile is put to Shahkar unless it was verified before: confirmed too (the same person with
    a new number), the account moves to this mobile; refuted, it is flagged and a new account
    is made; no answer, refused until Shahkar answers."""
    existing = User.objects.filter(national_code=national_code).first()
    if existing is not None and existing.mobile != mobile:
        if identity != Identity.VERIFIED:
            raise ApplicationError(shahkar_waiting_message(), retry_after=120)
        if existing.identity != Identity.VERIFIED:
            try:
                previous = shahkar_check(
                    national_code=national_code,
                    mobile=existing.mobile,
                    purpose=RECHECK_PURPOSE,
                    user_id=existing.pk,
                )
            except ApplicationError:
                account_flag(user=existing)
                existing = None
            else:
                if previous != Identity.VERIFIED:
                    raise ApplicationError(shahkar_waiting_message(), retry_after=120) from None
    return _account_save(existing, national_code=national_code, mobile=mobile, identity=identity)


@transaction.atomic
def _account_save(existing: User | None, *, national_code: str, mobile: str, identity: str) -> User:
    now = timezone.now()
    if existing is None:
        user = User(username=f"citizen-{national_code}", national_code=national_code)
        user.set_unusable_password()
        was_held = False
    else:
        user = User.objects.select_for_update().get(pk=existing.pk)
        was_held = user.identity_held
        if user.identity == Identity.VERIFIED:
            identity = Identity.VERIFIED  # a number Shahkar confirmed once stays confirmed
    user.mobile = mobile
    user.mobile_verified_at = now
    user.identity = identity
    if identity == Identity.VERIFIED or user.identity_checked_at is None:
        user.identity_checked_at = now
    user.save()
    if user.identity_held != was_held:
        announce(CitizenIdentityChanged(user_id=user.pk, held=user.identity_held))
    return user


@transaction.atomic
def account_flag(*, user: User) -> User:
    """Shahkar refuted this account's mobile: it gives its national code up (for the owner to
    claim), is signed out for good, and its requests are held. Nothing is deleted."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.identity == Identity.FLAGGED:
        return user
    user.flagged_national_code = user.national_code or ""
    user.national_code = None
    user.username = f"flagged-{user.pk}-{user.flagged_national_code}"[:150]
    user.identity = Identity.FLAGGED
    user.flagged_at = user.identity_checked_at = timezone.now()
    user.is_active = False  # Django's session check signs it out on its next request
    user.save()
    announce(CitizenIdentityChanged(user_id=user.pk, held=True))
    return user


def identities_recheck(*, limit: int = 200) -> int:
    """Ask Shahkar again about accounts it did not answer for; returns how many it settled."""
    settled = 0
    pending = User.objects.filter(identity=Identity.PENDING, national_code__isnull=False)
    for user in pending.order_by("identity_checked_at", "pk")[:limit]:
        assert user.national_code is not None
        try:
            identity = shahkar_check(
                national_code=user.national_code,
                mobile=user.mobile,
                purpose=RECHECK_PURPOSE,
                user_id=user.pk,
            )
        except ApplicationError:
            account_flag(user=user)
            settled += 1
            continue
        if identity == Identity.VERIFIED:
            _account_save(
                user, national_code=user.national_code, mobile=user.mobile, identity=identity
            )
            settled += 1
    return settled
