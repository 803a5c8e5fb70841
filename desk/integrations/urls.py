from __future__ import annotations

from django.urls import path

from desk.integrations import views

app_name = "integrations"
urlpatterns = [
    path("export.json", views.export_json, name="catalog_export_json"),
    path("export.csv", views.export_csv, name="catalog_export_csv"),
]
