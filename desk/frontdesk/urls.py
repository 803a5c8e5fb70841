from __future__ import annotations

from django.urls import path

from desk.frontdesk import views

app_name = "frontdesk"
urlpatterns = [
    path("", views.home, name="home"),
    path("consent/send/", views.consent_send, name="consent_send"),
    path("consent/", views.consent, name="consent"),
    path("finish/", views.finish, name="finish"),
    path("new/<slug:slug>/", views.apply, name="apply"),
    path("new/<slug:slug>/files/<slug:field>/", views.apply_file, name="apply_file"),
    path("new/<slug:slug>/check/", views.apply_check, name="apply_check"),
    path("receipt/<digits:code>/", views.receipt, name="receipt"),
    path("hand-over/<uuid:public_id>/", views.hand_over, name="hand_over"),
]
