from __future__ import annotations

from django.urls import path

from desk.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.home, name="home"),
    path("country/", views.country, name="country"),
    path("province/<str:province>/", views.province, name="province"),
    path("agency/<int:agency_id>/", views.agency, name="agency"),
    path("agency/<int:agency_id>/service/<int:service_id>/", views.service, name="service"),
    path("league/", views.league, name="league"),
    path("agency/<int:agency_id>/review/", views.review_open, name="review_open"),
    path("review/<int:review_id>/", views.review_requests, name="review_requests"),
]
