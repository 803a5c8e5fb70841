from __future__ import annotations

from django.urls import path

from desk.health import views

app_name = "health"
urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("bench/empty/", views.empty, name="bench_empty"),
]
