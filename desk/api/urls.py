from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from desk.api.views import docs, public

app_name = "api"
urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("v1/docs/", docs.docs, name="docs"),
    # public
    path("v1/catalog/services/", public.ServiceList.as_view(), name="services"),
    path("v1/catalog/services/<slug:slug>/", public.ServiceDetail.as_view(), name="service"),
    path("v1/catalog/agencies/", public.AgencyList.as_view(), name="agencies"),
    path("v1/catalog/categories/", public.CategoryList.as_view(), name="categories"),
    path("v1/track/", public.Track.as_view(), name="track"),
]
