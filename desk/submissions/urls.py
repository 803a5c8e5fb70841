from __future__ import annotations

from django.urls import path

from desk.submissions import views

app_name = "submissions"
urlpatterns = [
    path("services/<slug:slug>/apply/", views.apply, name="apply"),
    path("track/", views.track, name="track"),
    path("my/", views.my_requests, name="my_requests"),
    path("my/<str:code>/", views.my_request, name="my_request"),
    path("my/<str:code>/receipt/", views.receipt, name="receipt"),
    path("r/<str:code>/", views.short, name="short"),
    path("files/<uuid:public_id>/", views.download, name="download"),
    path("staff/", views.inbox, name="inbox"),
    path("staff/requests/<str:code>/", views.staff_request, name="staff_request"),
    path("staff/requests/<str:code>/act/", views.staff_act, name="staff_act"),
    path("staff/requests/<str:code>/assign/", views.staff_assign, name="staff_assign"),
    path("staff/requests/<str:code>/refer/", views.staff_refer, name="staff_refer"),
]
