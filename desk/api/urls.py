from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from desk.api.views import (
    agency,
    appointments,
    auth,
    citizen,
    complaints,
    docs,
    letters,
    payments,
    public,
    staff,
    surveys,
)

app_name = "api"
urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("v1/docs/", docs.docs, name="docs"),
    # public
    path("v1/catalog/services/", public.ServiceList.as_view(), name="services"),
    path("v1/catalog/services/<slug:slug>/", public.ServiceDetail.as_view(), name="service"),
    path("v1/catalog/agencies/", public.AgencyList.as_view(), name="agencies"),
    path("v1/catalog/categories/", public.CategoryList.as_view(), name="categories"),
    path("v1/catalog/export/", public.CatalogExport.as_view(), name="catalog_export"),
    path("v1/track/", public.Track.as_view(), name="track"),
    # sign-in
    path("v1/auth/code/", auth.CodeRequest.as_view(), name="auth_code"),
    path("v1/auth/token/", auth.CitizenToken.as_view(), name="auth_token"),
    path("v1/auth/sign-out/", auth.SignOut.as_view(), name="sign_out"),
    path("v1/staff/auth/token/", auth.StaffToken.as_view(), name="staff_token"),
    # citizens
    path("v1/me/", auth.Me.as_view(), name="me"),
    path("v1/me/requests/", citizen.MyRequests.as_view(), name="my_requests"),
    path("v1/me/requests/<digits:code>/", citizen.MyRequest.as_view(), name="my_request"),
    path("v1/me/requests/<digits:code>/reply/", citizen.Reply.as_view(), name="my_reply"),
    path(
        "v1/me/requests/<digits:code>/files/<uuid:file_id>/",
        citizen.MyFile.as_view(),
        name="my_file",
    ),
    path("v1/me/requests/<digits:code>/charges/", payments.Charges.as_view(), name="charges"),
    path("v1/me/charges/<uuid:charge_id>/choose/", payments.Choose.as_view(), name="choose"),
    path("v1/me/charges/<uuid:charge_id>/pay/", payments.Pay.as_view(), name="pay"),
    path("v1/me/payments/<uuid:payment_id>/", payments.PaymentDetail.as_view(), name="payment"),
    path("v1/me/requests/<digits:code>/survey/", surveys.Survey.as_view(), name="survey"),
    path(
        "v1/me/requests/<digits:code>/complaint/",
        complaints.RequestComplaint.as_view(),
        name="request_complaint",
    ),
    path(
        "v1/me/requests/<digits:code>/objection/", complaints.Objection.as_view(), name="objection"
    ),
    # citizens: visits
    path(
        "v1/me/appointments/services/<slug:slug>/slots/",
        appointments.Slots.as_view(),
        name="slots",
    ),
    path("v1/me/appointments/", appointments.MyAppointments.as_view(), name="my_appointments"),
    path(
        "v1/me/appointments/<digits:code>/",
        appointments.MyAppointment.as_view(),
        name="my_appointment",
    ),
    path(
        "v1/me/appointments/<digits:code>/cancel/",
        appointments.CancelAppointment.as_view(),
        name="cancel_appointment",
    ),
    # citizens: complaints
    path("v1/me/complaints/", complaints.MyComplaints.as_view(), name="my_complaints"),
    path("v1/me/complaints/<digits:code>/", complaints.MyComplaint.as_view(), name="my_complaint"),
    path("v1/me/complaints/<digits:code>/appeal/", complaints.Appeal.as_view(), name="appeal"),
    # citizens: letters
    path("v1/me/letters/", letters.MyLetters.as_view(), name="my_letters"),
    path("v1/me/letters/<digits:code>/", letters.MyLetter.as_view(), name="my_letter"),
    path(
        "v1/me/letters/<digits:code>/files/<uuid:file_id>/",
        letters.LetterFile.as_view(),
        name="letter_file",
    ),
    path(
        "v1/me/letters/<digits:code>/replies/<uuid:reply_id>/",
        letters.LetterReplyFile.as_view(),
        name="letter_reply",
    ),
    # agencies' systems (API keys)
    path("v1/agency/services/", agency.AgencyServices.as_view(), name="agency_services"),
    path("v1/agency/services/<slug:slug>/", agency.AgencyService.as_view(), name="agency_service"),
    path("v1/agency/requests/", agency.OnBehalf.as_view(), name="agency_file"),
    path(
        "v1/agency/requests/<digits:code>/", agency.AgencyRequest.as_view(), name="agency_request"
    ),
    path("v1/agency/inquiries/", agency.AgencyInquiries.as_view(), name="agency_inquiries"),
    # staff
    path("v1/staff/inbox/", staff.Inbox.as_view(), name="inbox"),
    path("v1/staff/colleagues/", staff.Colleagues.as_view(), name="colleagues"),
    path("v1/staff/requests/<digits:code>/", staff.StaffRequest.as_view(), name="staff_request"),
    path("v1/staff/requests/<digits:code>/act/", staff.StaffAct.as_view(), name="staff_act"),
    path(
        "v1/staff/requests/<digits:code>/assign/",
        staff.StaffAssign.as_view(),
        name="staff_assign",
    ),
    path(
        "v1/staff/requests/<digits:code>/files/<uuid:file_id>/",
        staff.StaffFile.as_view(),
        name="staff_file",
    ),
    # Last: any other /api/ address is a problem document too.
    re_path(r"^(?P<path>.*)$", docs.not_found, name="not_found"),
]
