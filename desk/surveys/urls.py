from __future__ import annotations

from django.urls import path

from desk.surveys import views

app_name = "surveys"
urlpatterns = [
    path("staff/results/", views.results, name="results"),
    path("<slug:token>/", views.start, name="start"),
    path("<slug:token>/<int:number>/", views.question, name="question"),
    path("<slug:token>/check/", views.check, name="check"),
    path("<slug:token>/done/", views.done, name="done"),
]
