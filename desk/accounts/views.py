from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from desk.accounts import services
from desk.accounts.forms import CitizenLoginForm, CodeForm, ProfileForm, StaffLoginForm
from desk.accounts.models import User
from desk.core.errors import ApplicationError
from desk.core.http import client_ip, safe_next


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
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_authenticate(request=request, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(safe_next(request, reverse("submissions:inbox")))
    return render(request, "accounts/staff_login.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("catalog:home")
