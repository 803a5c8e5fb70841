from __future__ import annotations

from django.urls import path

from desk.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.my_requests, name="my_requests"),
    path("new/<slug:slug>/", views.apply, name="apply"),
    path("new/<slug:slug>/check/", views.apply_check, name="apply_check"),
    path("new/<slug:slug>/files/<slug:field>/", views.apply_file, name="apply_file"),
    path("track/", views.track, name="track"),
    path("<digits:code>/", views.my_request, name="my_request"),
    path("<digits:code>/receipt/", views.receipt, name="receipt"),
    path("files/<uuid:public_id>/", views.download, name="download"),
    path("staff/", views.inbox, name="inbox"),
    path("staff/<digits:code>/", views.staff_request, name="staff_request"),
    path("staff/<digits:code>/act/", views.staff_act, name="staff_act"),
    path("staff/<digits:code>/assign/", views.staff_assign, name="staff_assign"),
    path("staff/<digits:code>/refer/", views.staff_refer, name="staff_refer"),
]
