"""Sign-in: SMS one-time codes for citizens and password lockout for staff."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import OneTimeCode, User
from desk.core.errors import ApplicationError
from desk.lib.persian import to_ascii_digits, to_persian_digits
from desk.notifications.services import message_queue_template


def _hash_code(mobile: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CodeSent:
    mobile: str
    expires_in: int


@transaction.atomic
def otp_request(*, national_code: str, mobile: str, ip: str | None) -> CodeSent:
    """Send a sign-in code to `mobile`, within the per-phone and per-IP limits."""
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    existing = User.objects.filter(national_code=national_code).exclude(mobile="").first()
    if existing is not None and existing.mobile != mobile:
        raise ApplicationError(
            _("این شماره همراه برای این کد ملی ثبت نشده است. با شماره ثبت‌شده وارد شوید.")
        )
    recent = OneTimeCode.objects.filter(mobile=mobile, created_at__gte=hour_ago)
    last = recent.order_by("-created_at").first()
    if last is not None:
        wait = settings.OTP_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        if wait > 0:
            raise ApplicationError(
                _("کد قبلی هنوز معتبر است. پس از %(s)s ثانیه دوباره درخواست کنید.")
                % {"s": to_persian_digits(wait)}
            )
    if recent.count() >= settings.OTP_MAX_PER_PHONE_PER_HOUR:
        raise ApplicationError(_("برای این شماره کد زیادی درخواست شده است. یک ساعت بعد بیایید."))
    if ip and (
        OneTimeCode.objects.filter(ip=ip, created_at__gte=hour_ago).count()
        >= settings.OTP_MAX_PER_IP_PER_HOUR
    ):
        raise ApplicationError(_("از این نشانی درخواست زیادی رسیده است. کمی بعد تلاش کنید."))

    code = "".join(secrets.choice("0123456789") for _i in range(settings.OTP_LENGTH))
    OneTimeCode.objects.create(
        mobile=mobile,
        national_code=national_code,
        code_hash=_hash_code(mobile, code),
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
    """Check a code and return the citizen, creating the account on first sign-in."""
    # A wrong code must stay counted although the caller gets an error: the check commits
    # first and the error is raised after, so it cannot roll the attempt counter back.
    with transaction.atomic():
        outcome = _otp_check(mobile=mobile, code=code)
    if isinstance(outcome, ApplicationError):
        raise outcome
    return outcome


def _otp_check(*, mobile: str, code: str) -> User | ApplicationError:
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
    user, created = User.objects.get_or_create(
        national_code=otp.national_code,
        defaults={"username": f"citizen-{otp.national_code}", "mobile": mobile},
    )
    if created:
        user.set_unusable_password()
    user.mobile = mobile
    user.mobile_verified_at = now
    user.save()
    return user


@transaction.atomic
def citizen_update_profile(*, user: User, first_name: str, last_name: str) -> User:
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    return user


def staff_authenticate(*, request: HttpRequest, username: str, password: str) -> User:
    """Password sign-in for staff, locking the account after repeated failures."""
    candidate = User.objects.filter(username=username, national_code__isnull=True).first()
    if candidate is not None and candidate.is_locked:
        raise ApplicationError(
            _("این حساب به دلیل تلاش‌های ناموفق پی‌درپی موقتاً قفل شده است. بعداً تلاش کنید.")
        )
    user = authenticate(request, username=username, password=password)
    if user is None or not isinstance(user, User) or user.national_code:
        if candidate is not None:
            _record_failure(candidate)
        raise ApplicationError(_("نام کاربری یا گذرواژه درست نیست."))
    if user.failed_logins:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
    return user


def _record_failure(user: User) -> None:
    # An UPDATE with F() so that parallel failures all count.
    from django.db.models import F

    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.STAFF_LOCKOUT_FAILURES:
        User.objects.filter(pk=user.pk).update(
            locked_until=timezone.now() + timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES),
            failed_logins=0,
        )
