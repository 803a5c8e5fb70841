"""Sign-in: SMS one-time codes for citizens and password lockout for staff."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts import lockout, two_factor
from desk.accounts.audit import SignInEvent, record_sign_in_event
from desk.accounts.identity import (
    citizen_account_claim,
    citizen_verify_and_claim,
    identity_for_sign_in,
)
from desk.accounts.models import OneTimeCode, User
from desk.accounts.sessions import staff_sessions_end
from desk.agencies.models import Staff
from desk.core import ratelimit
from desk.core.errors import ApplicationError
from desk.core.outage import CACHE_ERRORS
from desk.lib.addresses import limit_scope
from desk.lib.persian import to_ascii_digits, to_persian_digits
from desk.notifications.services import message_queue_template


def _hash_code(mobile: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CodeSent:
    mobile: str
    expires_in: int


def otp_request(*, national_code: str, mobile: str, ip: str | None) -> CodeSent:
    """Send a sign-in code to `mobile`, within the per-phone and per-IP limits, once Shahkar has
    not refuted that the mobile belongs to the national code (desk/accounts/identity.py)."""
    _otp_limits_check(mobile=mobile, ip=ip, now=timezone.now())
    _shahkar_refusals_check(mobile=mobile, ip=ip)
    # Outside the transaction below: Shahkar's call is logged even when the request is refused.
    try:
        identity = identity_for_sign_in(national_code=national_code, mobile=mobile)
    except ApplicationError:
        _shahkar_refusal_count(mobile=mobile, ip=ip)
        raise
    return _otp_send(national_code=national_code, mobile=mobile, ip=ip, identity=identity)


def _otp_limits_check(*, mobile: str, ip: str | None, now: datetime) -> None:
    hour_ago = now - timedelta(hours=1)
    recent = OneTimeCode.objects.filter(mobile=mobile, created_at__gte=hour_ago)
    last = recent.order_by("-created_at").first()
    if last is not None:
        wait = settings.OTP_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        if wait > 0:
            raise ApplicationError(
                _("کد قبلی هنوز معتبر است. پس از %(s)s ثانیه دوباره درخواست کنید.")
                % {"s": to_persian_digits(wait)},
                throttled=wait,
            )
    if recent.count() >= settings.OTP_MAX_PER_PHONE_PER_HOUR:
        raise ApplicationError(
            _("برای این شماره کد زیادی درخواست شده است. یک ساعت بعد بیایید."), throttled=3600
        )
    # Per address (an IPv6 address's /64: desk/lib/addresses.py), counted where limits are
    # counted: the codes asked for from it this hour, whatever became of them.
    if ip and not ratelimit.hit(
        key=f"otp:address:{limit_scope(ip)}",
        limit=settings.OTP_MAX_PER_IP_PER_HOUR,
        window_seconds=3600,
    ):
        raise ApplicationError(
            _("از این نشانی درخواست زیادی رسیده است. کمی بعد تلاش کنید."), throttled=3600
        )


def _shahkar_refusals_check(*, mobile: str, ip: str | None) -> None:
    """A refused question leaves no code behind, so it would count against no limit: without
    this the sign-in page would answer «is this mobile that national code's?» for anyone,
    without end. Refusals are counted per mobile and per address, like codes."""
    for key, _limit, message in _refusal_limits(mobile, ip):
        with contextlib.suppress(*CACHE_ERRORS):
            if cache.get(f"shahkar-refused-block:{key}"):
                raise ApplicationError(message)


def _shahkar_refusal_count(*, mobile: str, ip: str | None) -> None:
    for key, limit, _message in _refusal_limits(mobile, ip):
        if not ratelimit.hit(key=f"shahkar-refused:{key}", limit=limit - 1, window_seconds=3600):
            with contextlib.suppress(*CACHE_ERRORS):
                cache.set(f"shahkar-refused-block:{key}", 1, timeout=3600)


def _refusal_limits(mobile: str, ip: str | None) -> list[tuple[str, int, str]]:
    limits = [
        (
            f"mobile:{mobile}",
            settings.OTP_MAX_PER_PHONE_PER_HOUR,
            _("برای این شماره کد زیادی درخواست شده است. یک ساعت بعد بیایید."),
        )
    ]
    if ip:
        limits.append(
            (
                f"ip:{limit_scope(ip)}",
                settings.OTP_MAX_PER_IP_PER_HOUR,
                _("از این نشانی درخواست زیادی رسیده است. کمی بعد تلاش کنید."),
            )
        )
    return limits


@transaction.atomic
def _otp_send(*, national_code: str, mobile: str, ip: str | None, identity: str) -> CodeSent:
    now = timezone.now()
    code = "".join(secrets.choice("0123456789") for _i in range(settings.OTP_LENGTH))
    OneTimeCode.objects.create(
        mobile=mobile,
        national_code=national_code,
        code_hash=_hash_code(mobile, code),
        identity=identity,
        ip=ip,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    message_queue_template(
        to=mobile,
        event="sign_in_code",
        context={"code": code},
        urgent=True,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    return CodeSent(mobile=mobile, expires_in=settings.OTP_TTL_SECONDS)


def otp_verify(*, mobile: str, code: str) -> User:
    """Check a code and return the citizen, creating or claiming the account on Shahkar's word
    (desk/accounts/identity.py)."""
    # A wrong code must stay counted although the caller gets an error: the check commits
    # first and the error is raised after, so it cannot roll the attempt counter back.
    with transaction.atomic():
        outcome = _otp_check(mobile=mobile, code=code)
    if isinstance(outcome, ApplicationError):
        raise outcome
    return citizen_account_claim(
        national_code=outcome.national_code, mobile=mobile, identity=outcome.identity
    )


def _otp_check(*, mobile: str, code: str) -> OneTimeCode | ApplicationError:
    now = timezone.now()
    otp = (
        OneTimeCode.objects.select_for_update()
        .filter(mobile=mobile, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if otp is None:
        return ApplicationError(_("کد منقضی شده است. کد تازه بگیرید."))
    if otp.attempts >= settings.OTP_MAX_ATTEMPTS:
        return ApplicationError(_("تعداد تلاش‌ها بیش از حد مجاز است. کد تازه بگیرید."))
    typed = to_ascii_digits(code).strip()
    if not hmac.compare_digest(otp.code_hash, _hash_code(mobile, typed)):
        otp.attempts += 1
        otp.save(update_fields=["attempts"])
        left = settings.OTP_MAX_ATTEMPTS - otp.attempts
        return ApplicationError(
            _("کد واردشده درست نیست. %(n)s بار دیگر می‌توانید تلاش کنید.")
            % {"n": to_persian_digits(left)}
        )
    otp.used_at = now
    otp.save(update_fields=["used_at"])
    return otp


def citizen_claim(*, national_code: str, mobile: str, verified_at: datetime | None = None) -> User:
    """The citizen whose ``mobile`` has just been proved by a code sent to it (a clerk's consent
    code at the desk): created or claimed on Shahkar's word, as at sign-in
    (``identity.citizen_verify_and_claim``; a mobile Shahkar does not give to the national code
    raises the neutral ApplicationError). ``mobile`` empty: a citizen a clerk serves without a
    mobile (nothing verified, nothing asked)."""
    if mobile:
        return citizen_verify_and_claim(national_code=national_code, mobile=mobile)
    user, created = User.objects.get_or_create(
        national_code=national_code, defaults={"username": f"citizen-{national_code}"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


@transaction.atomic
def citizen_update_profile(*, user: User, first_name: str, last_name: str) -> User:
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    return user


def staff_sign_in_refused_message() -> str:
    """The one answer to every refused staff sign-in: it never tells whether the username
    exists, the password was wrong, the account is locked or this address is shut out."""
    return _(
        "ورود انجام نشد. نام کاربری و گذرواژه را بررسی کنید. پس از چند تلاش ناموفق، ورود "
        "برای مدتی بسته می‌شود؛ در این صورت %(m)s دقیقه بعد دوباره تلاش کنید."
    ) % {"m": to_persian_digits(settings.STAFF_LOCKOUT_MINUTES)}


def staff_authenticate(
    *, request: HttpRequest, username: str, password: str, ip: str | None
) -> User:
    """Password sign-in for staff (and the admin), with a lockout per address and per account.

    A few failures from one address shut that address out for STAFF_LOCKOUT_MINUTES; an account
    locks only after more failures than one address may make (from several addresses), so
    nobody locks a real account from one machine, and a spread-out guesser still hits a wall."""
    if ip is not None and lockout.address_blocked(ip):
        _refuse(username=username, ip=ip, reason="address_blocked")
    candidate = User.objects.filter(username=username, national_code__isnull=True).first()
    # Always check the password, even for a locked account: the time taken tells nothing.
    # A wrong one is audited by Django's user_login_failed signal (desk/audit/receivers.py).
    user = authenticate(request, username=username, password=password)
    valid = isinstance(user, User) and not user.national_code
    locked = candidate is not None and candidate.is_locked
    if not valid:
        if ip is not None and lockout.address_failure(ip):
            record_sign_in_event(SignInEvent.ADDRESS_BLOCKED, username=username, ip=ip)
        if candidate is not None and not locked and lockout.account_failure(candidate):
            record_sign_in_event(
                SignInEvent.ACCOUNT_LOCKED, username=username, user=candidate, ip=ip
            )
    if locked and valid:
        _refuse(username=username, user=candidate, ip=ip, reason="account_locked")
    if user is not None and not valid:
        _refuse(username=username, ip=ip, reason="not_staff")  # a citizen with a password
    if locked or not valid:
        raise ApplicationError(staff_sign_in_refused_message())
    assert isinstance(user, User)
    if user.failed_logins:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
    return user


def _refuse(*, username: str, ip: str | None, user: User | None = None, reason: str) -> NoReturn:
    """Refuse a sign-in that Django's failure signal does not see (the password was not checked,
    or was right), recording why; the person is told only the neutral message."""
    record_sign_in_event(SignInEvent.REFUSED, username=username, user=user, ip=ip, reason=reason)
    raise ApplicationError(staff_sign_in_refused_message())


@transaction.atomic
def staff_deactivate(*, user: User, account: bool = True) -> int:
    """Deactivate a staff member (their staff record, and their account unless ``account`` is
    False: the admin's staff row alone) and end all their sessions now.

    Returns the number of sessions ended. A session the registry does not know (signed in
    before it existed) still ends on its next request: the middleware checks both flags."""
    if account:
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
    Staff.objects.filter(user=user).update(is_active=False)
    ended = staff_sessions_end(user=user)
    record_sign_in_event(
        SignInEvent.SESSIONS_ENDED, username=user.username, user=user, sessions=ended
    )
    return ended


def staff_two_factor_verify(*, user: User, code: str, ip: str | None) -> Device:
    """The second sign-in step; a recovery code is used up."""
    try:
        device = two_factor.two_factor_verify(user=user, code=code)
    except ApplicationError:
        record_sign_in_event(
            SignInEvent.TWO_FACTOR_FAILED, username=user.username, user=user, ip=ip
        )
        raise
    event = (
        SignInEvent.RECOVERY_CODE_USED
        if isinstance(device, StaticDevice)
        else SignInEvent.TWO_FACTOR_VERIFIED
    )
    record_sign_in_event(event, username=user.username, user=user, ip=ip)
    return device


def staff_two_factor_enroll(
    *, user: User, code: str, ip: str | None
) -> tuple[TOTPDevice, list[str]]:
    """Confirm a new authenticator with its first code; returns it and the recovery codes."""
    device, codes = two_factor.totp_enrollment_confirm(user=user, code=code)
    record_sign_in_event(SignInEvent.TWO_FACTOR_ENROLLED, username=user.username, user=user, ip=ip)
    return device, codes


def staff_recovery_codes_regenerate(*, user: User, ip: str | None) -> list[str]:
    codes = two_factor.recovery_codes_regenerate(user=user)
    record_sign_in_event(
        SignInEvent.RECOVERY_CODES_REGENERATED, username=user.username, user=user, ip=ip
    )
    return codes


def staff_two_factor_reset(*, user: User) -> int:
    """An administrator's reset after a lost phone: the person enrolls again at next sign-in."""
    removed = two_factor.two_factor_reset(user=user)
    record_sign_in_event(
        SignInEvent.TWO_FACTOR_RESET, username=user.username, user=user, devices=removed
    )
    return removed
