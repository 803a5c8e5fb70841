"""Two-factor sign-in for staff: an authenticator app (TOTP) and single-use recovery codes.

Both are django-otp devices. Recovery codes are static tokens stored as a keyed hash (the
plain code is shown once and never stored), so a copy of the database does not sign anyone in.
"""

from __future__ import annotations

import secrets
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.core.errors import ApplicationError
from desk.lib.persian import to_ascii_digits

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_DIGITS = 12  # digits only: typed on any keyboard, Persian or Latin
ROLES_REQUIRING_TWO_FACTOR = frozenset({Role.ADMIN, Role.MANAGER})


def two_factor_required(user: User) -> bool:
    """Superusers, anyone who may open the admin, agency admins and managers must use 2FA."""
    if user.is_superuser or user.is_staff:
        return True
    try:
        role = user.staff.role
    except ObjectDoesNotExist:
        return False
    return role in ROLES_REQUIRING_TWO_FACTOR


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _digits(code: str) -> str:
    return "".join(ch for ch in to_ascii_digits(code) if "0" <= ch <= "9")


def _recovery_hash(code: str) -> str:
    # StaticToken.token holds 16 characters: 64 bits of a keyed HMAC of the 12-digit code.
    return salted_hmac("desk.accounts.recovery-code", code).hexdigest()[:16]


def format_recovery_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- Enrollment ---------------------------------------------------------------------------------


@transaction.atomic
def totp_enrollment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator of this enrollment (the same one on every page load)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The key in base32, grouped by four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, drawn on the server (no script)."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=8,
        border=2,
    )
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # drop the XML declaration: it is inlined in HTML


def totp_enrollment_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator with its first code; returns it and fresh recovery codes.

    The code is checked outside this function's transaction so that django-otp's throttle
    (a growing wait after each wrong code) is kept even though the caller gets an error."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise ApplicationError(_("این صفحه کهنه شده است. صفحه را دوباره باز کنید."), field="code")
    if verify_token(user, device.persistent_id, _digits(code)) is None:
        raise ApplicationError(_wrong_code_message(), field="code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        codes = recovery_codes_regenerate(user=user)
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace every recovery code of `user`; the plain codes are returned once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [
        "".join(secrets.choice("0123456789") for _i in range(RECOVERY_CODE_DIGITS))
        for _n in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_recovery_hash(code)) for code in codes
    )
    return codes


@transaction.atomic
def two_factor_reset(*, user: User) -> int:
    """Remove the authenticator and recovery codes (a lost phone); returns devices removed."""
    totp, _t = TOTPDevice.objects.filter(user=user).delete()
    static, _s = StaticDevice.objects.filter(user=user).delete()
    return int(bool(totp)) + int(bool(static))


# --- Verification -------------------------------------------------------------------------------


def two_factor_verify(*, user: User, code: str) -> Device:
    """The device that accepts `code`: a 6-digit app code or a 12-digit recovery code.

    A recovery code is used up. Each device throttles wrong codes (django-otp doubles the wait
    after each failure), and the throttle commits although the caller gets an error."""
    digits = _digits(code)
    device: Any
    if len(digits) == RECOVERY_CODE_DIGITS:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        token = _recovery_hash(digits)
    else:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        token = digits
    if device is None or verify_token(user, device.persistent_id, token) is None:
        raise ApplicationError(_wrong_code_message(), field="code")
    return device


def _wrong_code_message() -> str:
    return _(
        "کد درست نیست یا زمانش گذشته است. کد تازه‌ای را که برنامه نشان می‌دهد وارد کنید؛ "
        "پس از چند اشتباه، چند ثانیه صبر کنید."
    )
