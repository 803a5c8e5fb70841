from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from desk.accounts.models import User
from desk.agencies.access import require_staff
from desk.appointments import selectors, services
from desk.appointments.forms import BookForm, ChooseForm, SearchForm, WalkInForm
from desk.appointments.models import Appointment, Office
from desk.appointments.selectors import Offer, group_by_day
from desk.catalog.models import Service
from desk.catalog.selectors import service_for_public
from desk.core.errors import ApplicationError
from desk.core.http import staff_login_required
from desk.lib.persian import to_persian_digits
from desk.submissions.models import Submission
from desk.submissions.selectors import get_submission_for_applicant


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _pick_office(request: HttpRequest, service: Service) -> tuple[list[Office], Office]:
    offices = list(selectors.offices_for_service(service))
    if not offices:
        raise Http404
    chosen = request.GET.get("office") or request.POST.get("office") or ""
    return offices, next((o for o in offices if str(o.pk) == chosen), offices[0])


def _book_error(form: BookForm | WalkInForm, exc: ApplicationError) -> list[Any]:
    form.add_error(None, exc.message)
    return getattr(exc, "alternatives", [])


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slug: str) -> HttpResponse:
    """The citizen's booking page: the earliest free slots by day; a tap on one asks to
    confirm it (``appointments/book_confirm.html``), and that page's button books it."""
    service = service_for_public(slug)
    if service is None:
        raise Http404
    user = _user(request)
    offices, office = _pick_office(request, service)
    code = request.GET.get("request", "")
    submission = get_submission_for_applicant(user, code) if code else None
    moving = request.GET.get("reschedule", "")
    old = selectors.get_appointment_for_citizen(user, moving) if moving else None
    offer = selectors.offer_for(
        office=office, service=service, requested_on=selectors.requested_on(submission)
    )
    form = BookForm(request.POST or None)
    alternatives: list[Any] = []
    offered = {slot.starts_at for slot in offer.slots}
    asked = request.method == "POST" and form.is_valid() and "confirm" not in request.POST
    if asked and form.cleaned_data["slot"] in offered:
        # A tap on a free slot asks first (what, when, where, what happens next); the booking
        # is made by the «confirm» button of that page, which posts the same slot again. A
        # slot no longer free goes on to the booking, which refuses it with the next free ones.
        context = {
            "service": service,
            "office": office,
            "slot": form.cleaned_data["slot"],
            "slot_key": request.POST.get("slot", ""),
            "submission": submission,
            "old": old,
        }
        return render(request, "appointments/book_confirm.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = _book_or_move(user, office, service, form, submission, old)
        except ApplicationError as exc:
            alternatives = _book_error(form, exc)
            offer = selectors.offer_for(
                office=office, service=service, requested_on=selectors.requested_on(submission)
            )
        else:
            messages.success(request, _("نوبت شما ثبت شد و پیامک آن فرستاده می‌شود."))
            return redirect("appointments:detail", code=appointment.booking_code)
    if not offer.slots:
        services.breach_record_unserved(office=office, service=service, citizen=user, offer=offer)
    context = _offer_context(offer) | {
        "service": service,
        "offices": offices,
        "office": office,
        "form": form,
        "submission": submission,
        "old": old,
        "alternatives": alternatives,
    }
    return render(request, "appointments/book.html", context, status=400 if form.errors else 200)


def _book_or_move(
    user: User,
    office: Office,
    service: Service,
    form: BookForm,
    submission: Submission | None,
    old: Appointment | None,
) -> Appointment:
    if old is not None:
        return services.appointment_reschedule(
            appointment_id=old.pk, actor=user, slot_start=form.cleaned_data["slot"]
        )
    return services.appointment_book(
        citizen=user,
        office=office,
        service=service,
        slot_start=form.cleaned_data["slot"],
        created_by=user,
        submission=submission,
    )


def _offer_context(offer: Offer) -> dict[str, Any]:
    return {"offer": offer, "days": group_by_day(offer.slots[:48])}


@login_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    appointments = selectors.appointments_of_citizen(_user(request))
    context = {"appointments": appointments, "bookable": selectors.services_taking_bookings()}
    return render(request, "appointments/mine.html", context)


@login_required
def my_appointment(request: HttpRequest, code: str) -> HttpResponse:
    appointment = selectors.get_appointment_for_citizen(_user(request), code)
    return render(request, "appointments/detail.html", {"appointment": appointment})


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks «are you sure?» with what cancelling means; the POST from that page cancels."""
    appointment = selectors.get_appointment_for_citizen(_user(request), code)
    if request.method == "GET":
        return render(request, "appointments/cancel.html", {"appointment": appointment})
    try:
        services.appointment_cancel(appointment_id=appointment.pk, actor=_user(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("نوبت لغو شد."))
    return redirect("appointments:mine")


@login_required
def reschedule(request: HttpRequest, code: str) -> HttpResponse:
    appointment = selectors.get_appointment_for_citizen(_user(request), code)
    url = reverse("appointments:book", args=[appointment.service.slug])
    query = urlencode({"office": appointment.office_id, "reschedule": appointment.booking_code})
    return redirect(f"{url}?{query}")


# --- staff ---------------------------------------------------------------------------------------


def _desk_url(appointment: Appointment) -> str:
    """The desk page searching for the booking, its code in Persian digits as people read it."""
    return (
        reverse("appointments:desk")
        + "?"
        + urlencode({"q": to_persian_digits(appointment.booking_code)})
    )


@staff_login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The clerk's desk: today's bookings of the agency and a search by code or national code."""
    staff = require_staff(request.user)
    form = SearchForm(request.GET or None)
    found = (
        selectors.appointments_search(staff.agency, form.cleaned_data["q"])
        if form.is_valid()
        else None
    )
    day = selectors.local_today()
    context = {
        "form": form,
        "found": found,
        "today": selectors.appointments_for_day(staff.agency, day),
        "day": day,  # arrival is recorded on the booking's own day only
        "may_oversee": selectors.may_oversee(request.user) is not None,
    }
    return render(request, "appointments/desk.html", context)


def _staff_act(request: HttpRequest, code: str, action: Any, done: str) -> HttpResponse:
    appointment = selectors.get_appointment_for_staff(request.user, code)
    try:
        result = action(appointment_id=appointment.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"n": to_persian_digits(result.queue_number or "")})
    return redirect(_desk_url(appointment))


@staff_login_required
@require_POST
def check_in(request: HttpRequest, code: str) -> HttpResponse:
    return _staff_act(
        request, code, services.appointment_check_in, _("حضور ثبت شد. شماره صف: %(n)s")
    )


# The two irreversible marks at the desk: what each records, for its «are you sure?» page.
_MARKS: dict[str, dict[str, Any]] = {
    "no_show": {
        "action": services.appointment_mark_no_show,
        "done": gettext_lazy("غیبت ثبت شد."),
        "question": gettext_lazy("غیبت این مراجعه‌کننده ثبت شود؟"),
        "consequence": gettext_lazy(
            "نوبت «غایب» بسته می‌شود و برگرداندنی نیست. غیبت‌های پیاپی ممکن است نوبت‌گیری"
            " اینترنتی این شهروند را محدود کند."
        ),
        "yes": gettext_lazy("بله، غیبت ثبت شود"),
    },
    "done": {
        "action": services.appointment_complete,
        "done": gettext_lazy("نوبت انجام‌شده ثبت شد."),
        "question": gettext_lazy("این نوبت انجام‌شده ثبت شود؟"),
        "consequence": gettext_lazy(
            "نوبت بسته می‌شود و برگرداندنی نیست؛ مراجعه‌کننده از صف بیرون می‌رود."
        ),
        "yes": gettext_lazy("بله، انجام شد"),
    },
}


def _confirmed_mark(request: HttpRequest, code: str, mark: str) -> HttpResponse:
    """GET asks «are you sure?» (no JavaScript needed); only the POST from that page, which
    carries ``confirmed``, records the mark. A bare POST (an old one-tap form) is sent back
    to the question."""
    appointment = selectors.get_appointment_for_staff(request.user, code)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        spec = _MARKS[mark]
        return _staff_act(request, code, spec["action"], spec["done"])
    context = {"appointment": appointment, "mark": _MARKS[mark], "back": _desk_url(appointment)}
    return render(request, "appointments/staff_confirm.html", context)


@staff_login_required
@require_http_methods(["GET", "POST"])
def no_show(request: HttpRequest, code: str) -> HttpResponse:
    return _confirmed_mark(request, code, "no_show")


@staff_login_required
@require_http_methods(["GET", "POST"])
def done(request: HttpRequest, code: str) -> HttpResponse:
    return _confirmed_mark(request, code, "done")


@staff_login_required
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest) -> HttpResponse:
    """A clerk books for a walk-in or a caller: national code, mobile, then a slot."""
    staff = require_staff(request.user)
    # Bound once the clerk chose (the desk's link brings only the citizen: no errors on arrival).
    chosen = "service" in request.GET or "office" in request.GET
    choose = ChooseForm(request.GET if chosen else None, agency_id=staff.agency_id)
    if not choose.is_valid():
        return render(request, "appointments/walk_in.html", {"choose": choose})
    service, office = choose.cleaned_data["service"], choose.cleaned_data["office"]
    # The in-person desk (desk/frontdesk) links here with the citizen it is serving.
    citizen = {k: request.GET.get(k, "") for k in ("national_code", "mobile")}
    form = WalkInForm(request.POST or None, initial=citizen)
    alternatives: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            appointment = _walk_in_book(request, form, office, service)
        except ApplicationError as exc:
            alternatives = _book_error(form, exc)
        except ValidationError as exc:
            form.add_error("national_code", exc)
        else:
            messages.success(
                request,
                _("نوبت ثبت شد. کد نوبت: %(code)s")
                % {"code": to_persian_digits(appointment.booking_code)},
            )
            return redirect(_desk_url(appointment))
    offer = selectors.offer_for(office=office, service=service)
    context = _offer_context(offer) | {
        "choose": choose,
        "form": form,
        "service": service,
        "office": office,
        "alternatives": alternatives,
    }
    status = 400 if form.errors else 200
    return render(request, "appointments/walk_in.html", context, status=status)


def _walk_in_book(
    request: HttpRequest, form: WalkInForm, office: Office, service: Service
) -> Appointment:
    citizen = services.citizen_for_booking(
        national_code=form.cleaned_data["national_code"], mobile=form.cleaned_data["mobile"]
    )
    return services.appointment_book(
        citizen=citizen,
        office=office,
        service=service,
        slot_start=form.cleaned_data["slot"],
        created_by=_user(request),
        mobile=form.cleaned_data["mobile"],
    )


@staff_login_required
def capacity(request: HttpRequest) -> HttpResponse:
    """For managers and agency admins: will the coming days' places cover demand; breaches."""
    agency = selectors.may_oversee(request.user)
    if agency is None:
        raise Http404
    context = {
        "rows": selectors.capacity_outlook(agency),
        "breaches": selectors.breaches_for_agency(agency)[:100],
    }
    return render(request, "appointments/capacity.html", context)
