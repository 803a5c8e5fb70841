from __future__ import annotations

from django.urls import path

from desk.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.service_list, name="service_list"),
    path("services/<slug:slug>/", views.service_detail, name="service_detail"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency_detail"),
    path("categories/<slug:slug>/", views.category_detail, name="category_detail"),
]
