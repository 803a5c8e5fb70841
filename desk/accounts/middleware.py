"""Every request of a signed-in staff member passes here (installed after django-otp's).

It signs out a person whose account or staff record was deactivated, ends sessions past their
idle or absolute timeout, and keeps a person who must use two-factor sign-in (or who enrolled)
on the verification or enrollment page until they have passed it, at /staff/ and /admin/ alike.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from desk.accounts.audit import SignInEvent, record_sign_in_event
from desk.accounts.models import User
from desk.accounts.sessions import TWO_FACTOR_STATE, staff_session_expiry, two_factor_state
from desk.accounts.two_factor import has_two_factor
from desk.agencies import access
from desk.core.http import client_ip

OPEN_TO_UNVERIFIED = ("accounts:staff_verify", "accounts:two_factor", "accounts:logout")


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
