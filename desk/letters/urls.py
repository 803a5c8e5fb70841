from __future__ import annotations

from django.urls import path

from desk.letters import views

app_name = "letters"
urlpatterns = [
    path("write/", views.write, name="write"),
    path("write/check/", views.write_check, name="write_check"),
    path("<digits:code>/", views.detail, name="detail"),
    path("<digits:code>/sent/", views.sent, name="sent"),
    path("files/<uuid:public_id>/", views.attachment, name="attachment"),
    path("replies/<uuid:public_id>/", views.reply_pdf, name="reply_pdf"),
    path("staff/", views.inbox, name="inbox"),
    path("staff/register/", views.register, name="register"),
    path("staff/<digits:code>/", views.staff_letter, name="staff_letter"),
    path("staff/<digits:code>/route/", views.staff_route, name="staff_route"),
    path("staff/<digits:code>/reply/", views.staff_reply, name="staff_reply"),
    path("staff/<digits:code>/convert/", views.staff_convert, name="staff_convert"),
]
