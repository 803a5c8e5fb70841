from __future__ import annotations

from django.urls import path

from desk.inquiries import api, views

app_name = "inquiries"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<uuid:public_id>/", views.respond, name="respond"),
    path("<uuid:public_id>/decline/", views.decline, name="decline"),
    path("<uuid:public_id>/files/<uuid:file_id>/", views.shared_file, name="shared_file"),
    path("answers/files/<uuid:public_id>/", views.answer_file, name="answer_file"),
    path("requests/<digits:code>/send/", views.send, name="send"),
    # Other installations of the desk (desk/inquiries/api.py): signed, no session.
    path("api/v1/inquiries/", api.receive_inquiry, name="api_inquiry"),
    path("api/v1/answers/", api.receive_answer, name="api_answer"),
    path("api/v1/answers/files/", api.receive_answer_file, name="api_answer_file"),
    path("api/v1/status/", api.inquiry_status, name="api_status"),
]
