from __future__ import annotations

from django.urls import path

from desk.delivery import views

app_name = "delivery"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<digits:code>/", views.verify_code, name="verify_code"),
    path("<uuid:public_id>/", views.download, name="download"),
]
