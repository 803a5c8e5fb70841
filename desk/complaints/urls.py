from __future__ import annotations

from django.urls import path

from desk.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.start, name="start"),
    path("new/", views.new_about_service, name="new_about_service"),
    path("new/<digits:code>/", views.new_about_request, name="new_about_request"),
    path("object/<digits:code>/", views.new_objection, name="new_objection"),
    path("report/", views.new_report, name="new_report"),
    path("report/track/", views.track_report, name="track_report"),
    path("mine/", views.mine, name="mine"),
    path("<digits:code>/", views.detail, name="detail"),
    path("<digits:code>/receipt/", views.receipt, name="receipt"),
    path("<digits:code>/files/<uuid:public_id>/", views.attachment, name="attachment"),
    path("<digits:code>/appeal/", views.appeal, name="appeal"),
    path("staff/", views.inbox, name="inbox"),
    path("staff/<digits:code>/", views.staff_detail, name="staff_detail"),
    path(
        "staff/<digits:code>/files/<uuid:public_id>/",
        views.staff_attachment,
        name="staff_attachment",
    ),
    path("staff/<digits:code>/answer/", views.staff_answer, name="staff_answer"),
    path("staff/<digits:code>/decide/", views.staff_decide, name="staff_decide"),
]
