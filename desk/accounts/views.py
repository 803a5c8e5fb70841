from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from desk.accounts import services, two_factor
from desk.accounts.forms import (
    CitizenLoginForm,
    CodeForm,
    ProfileForm,
    StaffLoginForm,
    TotpConfirmForm,
    TwoFactorCodeForm,
)
from desk.accounts.models import User
from desk.accounts.sessions import staff_session_start
from desk.core.errors import ApplicationError
from desk.core.http import client_ip, safe_next, staff_login_required
from desk.lib.persian import to_persian_digits


@require_http_methods(["GET", "POST"])
def citizen_login(request: HttpRequest) -> HttpResponse:
    form = CitizenLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.otp_request(
                national_code=form.cleaned_data["national_code"],
                mobile=form.cleaned_data["mobile"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            request.session["otp_mobile"] = form.cleaned_data["mobile"]
            request.session["otp_next"] = safe_next(request, reverse("submissions:my_requests"))
            return redirect("accounts:citizen_verify")
    return render(request, "accounts/citizen_login.html", {"form": form})


@require_http_methods(["GET", "POST"])
def citizen_verify(request: HttpRequest) -> HttpResponse:
    mobile = request.session.get("otp_mobile")
    if not mobile:
        return redirect("accounts:citizen_login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.otp_verify(mobile=mobile, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            target = request.session.get("otp_next") or reverse("submissions:my_requests")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("خوش آمدید. وارد شدید."))
            if not user.first_name or not user.last_name:
                return redirect(f"{reverse('accounts:profile')}?{urlencode({'next': target})}")
            return redirect(target)
    return render(request, "accounts/citizen_verify.html", {"form": form, "mobile": mobile})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The citizen's name, asked once after the first sign-in; staff see it on every request."""
    user = request.user
    assert isinstance(user, User)
    form = ProfileForm(
        request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    if request.method == "POST" and form.is_valid():
        services.citizen_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("نام شما ثبت شد."))
        return redirect(safe_next(request, reverse("submissions:my_requests")))
    return render(request, "accounts/profile.html", {"form": form})


@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    """The one door for staff and the admin: password, then the two-factor step if any."""
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_authenticate(
                request=request, ip=client_ip(request), **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            staff_session_start(session=request.session, user=user)
            return redirect(_after_password(request, user))
    return render(request, "accounts/staff_login.html", {"form": form})


def _after_password(request: HttpRequest, user: User) -> str:
    default = reverse("submissions:inbox" if hasattr(user, "staff") else "admin:index")
    target = safe_next(request, default)
    if two_factor.has_two_factor(user):
        return f"{reverse('accounts:staff_verify')}?{urlencode({'next': target})}"
    if two_factor.two_factor_required(user):
        return f"{reverse('accounts:two_factor')}?{urlencode({'next': target})}"
    return target


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in page is replaced by the staff door (same lockout, same 2FA)."""
    target = safe_next(request, reverse("admin:index"))
    return redirect(f"{reverse('accounts:staff_login')}?{urlencode({'next': target})}")


@staff_login_required
@require_http_methods(["GET", "POST"])
def staff_verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code."""
    user = request.user
    assert isinstance(user, User)
    target = safe_next(request, reverse("submissions:inbox"))
    if user.is_verified() or not two_factor.has_two_factor(user):  # type: ignore[attr-defined]
        return redirect(target)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.staff_two_factor_verify(
                user=user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                _warn_recovery_codes_left(request, user)
            return redirect(target)
    context = {"form": form, "issuer": settings.OTP_TOTP_ISSUER}
    return render(request, "accounts/staff_verify.html", context)


def _warn_recovery_codes_left(request: HttpRequest, user: User) -> None:
    messages.warning(
        request,
        _("با کد بازیابی وارد شدید. %(n)s کد بازیابی دیگر دارید؛ کدهای تازه بسازید.")
        % {"n": to_persian_digits(two_factor.recovery_codes_left(user))},
    )


@staff_login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrollment (a QR code, then the first code) or, once enrolled, its state."""
    user = request.user
    assert isinstance(user, User)
    target = safe_next(request, reverse("submissions:inbox"))
    if two_factor.has_two_factor(user):
        if not user.is_verified():  # type: ignore[attr-defined]
            return redirect(f"{reverse('accounts:staff_verify')}?{urlencode({'next': target})}")
        left = two_factor.recovery_codes_left(user)
        return render(request, "accounts/two_factor.html", {"codes_left": left})
    device = two_factor.totp_enrollment_start(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.staff_two_factor_enroll(
                user=user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            otp_login(request, device)
            return _recovery_codes_page(request, codes, target)
    context = {
        "form": form,
        "qr_svg": mark_safe(two_factor.totp_qr_svg(device)),  # SVG drawn by qrcode from our URL
        "secret": two_factor.totp_secret(device),
        "required": two_factor.two_factor_required(user),
        "issuer": settings.OTP_TOTP_ISSUER,
        "next": target,
    }
    return render(request, "accounts/two_factor_enroll.html", context)


@staff_login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:two_factor")
    codes = services.staff_recovery_codes_regenerate(user=user, ip=client_ip(request))
    return _recovery_codes_page(request, codes, reverse("accounts:two_factor"))


def _recovery_codes_page(request: HttpRequest, codes: list[str], target: str) -> HttpResponse:
    """Shown once, in the answer to the POST that made them: they are stored only as hashes."""
    shown = [two_factor.format_recovery_code(code) for code in codes]
    response = render(request, "accounts/recovery_codes.html", {"codes": shown, "next": target})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("catalog:home")
