from __future__ import annotations

from django.urls import path

from desk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.citizen_login, name="citizen_login"),
    path("login/code/", views.citizen_verify, name="citizen_verify"),
    path("profile/", views.profile, name="profile"),
    path("staff/login/", views.staff_login, name="staff_login"),
    path("staff/login/code/", views.staff_verify, name="staff_verify"),
    path("staff/two-factor/", views.two_factor_setup, name="two_factor"),
    path(
        "staff/two-factor/recovery-codes/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("logout/", views.sign_out, name="logout"),
]
