"""Who is signed in (SignedInUserMiddleware), and the staff's session rules
(StaffSessionMiddleware).

StaffSessionMiddleware: every request of a signed-in staff member passes here. It signs out
a person whose account or staff record was deactivated, ends sessions past their
idle or absolute timeout, and keeps a person who must use two-factor sign-in (or who enrolled)
on the verification or enrollment page until they have passed it, at /staff/ and /admin/ alike.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, logout
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.middleware import auser as django_auser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from desk.accounts.audit import SignInEvent, record_sign_in_event
from desk.accounts.models import User
from desk.accounts.sessions import TWO_FACTOR_STATE, staff_session_expiry, two_factor_state
from desk.accounts.two_factor import has_two_factor
from desk.agencies import access
from desk.core.compiled import CompiledQuery
from desk.core.http import client_ip

OPEN_TO_UNVERIFIED = ("accounts:staff_verify", "accounts:two_factor", "accounts:logout")
# Every sign-in (desk/accounts/views.py) names this backend in the session.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# The signed-in user with their staff record and its agency (LEFT JOINs: none for a citizen),
# compiled once (desk/core/compiled.py): nearly every signed-in request asks both.
_USER_WITH_STAFF = CompiledQuery(
    lambda user_id: User.objects.select_related("staff__agency").filter(pk=user_id), (int,)
)


class SignedInUserMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware and django-otp's OTPMiddleware in one.

    ``request.user`` is one lazy object (not one wrapped in another: every attribute read went
    through both) whose user is read by one compiled statement with their staff record and
    its agency joined, which ``access.staff_record`` then finds on the user instead of asking
    again (two statements and the ORM's compiling of the first, on every signed-in request).
    The checks are Django's (``auth.get_user``: active account, the session's password hash
    with its fallback secrets) and django-otp's (the session's verified device: ``otp_device``
    and ``is_verified()`` as its OTPMiddleware sets them, by django-otp's public parts only)."""

    def process_request(self, request: HttpRequest) -> None:
        if not hasattr(request, "session"):
            raise ImproperlyConfigured("SignedInUserMiddleware needs SessionMiddleware before it")
        request.user = SimpleLazyObject(partial(self._user, request))  # type: ignore[assignment]
        request.auser = partial(_averified_user, request)

    def _user(self, request: HttpRequest) -> Any:
        kept: Any = request  # Django's own attribute for the request's user
        if not hasattr(kept, "_cached_user"):
            kept._cached_user = signed_in_user(request)
        user = kept._cached_user
        return _with_device(
            request, user, _session_device(request) if user.is_authenticated else None
        )


def _persistent_id(request: HttpRequest) -> str | None:
    """The device the session was verified with (django-otp's ``login``), in its current
    form ("app_label.ModelName/id": an older full import path is shortened as django-otp
    does)."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return None
    if persistent_id.count(".") > 1:
        parts = persistent_id.split(".")
        persistent_id = ".".join((parts[-3], parts[-1]))
    return str(persistent_id)


def _session_device(request: HttpRequest) -> Any:
    persistent_id = _persistent_id(request)
    return Device.from_persistent_id(persistent_id) if persistent_id else None


def _with_device(request: HttpRequest, user: Any, device: Any) -> Any:
    """``user.otp_device`` and ``user.is_verified()``, as django-otp's OTPMiddleware sets them:
    the session's device only if it is this user's and confirmed, else none (and forgotten)."""
    user.otp_device = None
    user.is_verified = partial(is_verified, user)
    if not user.is_authenticated:
        return user
    if device is not None and (device.user_id != user.pk or not device.confirmed):
        device = None
    if device is None and DEVICE_ID_SESSION_KEY in request.session:
        del request.session[DEVICE_ID_SESSION_KEY]
    user.otp_device = device
    return user


async def _averified_user(request: HttpRequest) -> Any:
    user = await django_auser(request)
    persistent_id = _persistent_id(request) if user.is_authenticated else None
    device = await Device.afrom_persistent_id(persistent_id) if persistent_id else None
    return _with_device(request, user, device)


def signed_in_user(request: HttpRequest) -> User | AnonymousUser:
    """``django.contrib.auth.get_user`` for sessions signed in through the ModelBackend (all of
    ours), with the user read by ``_USER_WITH_STAFF``; any other session: Django's own."""
    session = request.session
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path != MODEL_BACKEND or MODEL_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    user = _USER_WITH_STAFF.first(user_id)
    if user is None or not user.is_active:  # ModelBackend.get_user
        return AnonymousUser()
    # As auth.get_user: the session names the password it was opened with.
    session_hash = session.get(HASH_SESSION_KEY)
    session_auth_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        session.cycle_key()
        session[HASH_SESSION_KEY] = session_auth_hash
        return user
    session.flush()
    return AnonymousUser()


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and isinstance(user, User) and not user.national_code:
            refused = _guard(request, user)
            if refused is not None:
                return refused
        elif not user.is_authenticated and SESSION_KEY in request.session:
            # The account was deactivated (or deleted) since: end the session, not just hide it.
            request.session.flush()
        return self.get_response(request)


def _guard(request: HttpRequest, user: User) -> HttpResponse | None:
    if not _staff_record_active(user):
        record_sign_in_event(
            SignInEvent.SESSIONS_ENDED,
            username=user.username,
            user=user,
            ip=client_ip(request),
        )
        logout(request)
        return _to_sign_in(request)
    expiry = staff_session_expiry(request.session)
    if expiry is not None:
        record_sign_in_event(
            SignInEvent.SESSION_TIMED_OUT,
            username=user.username,
            user=user,
            ip=client_ip(request),
            timeout=expiry,
        )
        logout(request)
        messages.info(request, _("برای امنیت حساب، از حساب بیرون رفتید. دوباره وارد شوید."))
        return _to_sign_in(request)
    if user.is_verified() or request.path in {reverse(name) for name in OPEN_TO_UNVERIFIED}:  # type: ignore[attr-defined]
        return None
    return _two_factor_step(request, user)


def _staff_record_active(user: User) -> bool:
    # Read with its agency and kept on the user: the views' access checks ask again.
    staff = access.staff_record(user)
    # A superuser without a staff record: is_active is checked by auth itself.
    return staff is None or staff.is_active


def _two_factor_step(request: HttpRequest, user: User) -> HttpResponse | None:
    state = request.session.get(TWO_FACTOR_STATE)
    if state is None:  # a session from before this release
        state = request.session[TWO_FACTOR_STATE] = two_factor_state(user)
    if state == "optional":
        return None
    step = reverse("accounts:staff_verify" if has_two_factor(user) else "accounts:two_factor")
    if request.method != "GET":
        return redirect(step)  # a form posted from elsewhere cannot be replayed by a redirect
    return redirect(f"{step}?{urlencode({'next': request.get_full_path()})}")


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    target = request.get_full_path() if request.method == "GET" else ""
    query = f"?{urlencode({'next': target})}" if target else ""
    return redirect(f"{reverse('accounts:staff_login')}{query}")
