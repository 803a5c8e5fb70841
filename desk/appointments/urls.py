from __future__ import annotations

from django.urls import path

from desk.appointments import views

app_name = "appointments"
urlpatterns = [
    path("", views.my_appointments, name="mine"),
    path("book/<slug:slug>/", views.book, name="book"),
    path("<digits:code>/", views.my_appointment, name="detail"),
    path("<digits:code>/cancel/", views.cancel, name="cancel"),
    path("<digits:code>/reschedule/", views.reschedule, name="reschedule"),
    path("staff/", views.desk, name="desk"),
    path("staff/new/", views.walk_in, name="walk_in"),
    path("staff/capacity/", views.capacity, name="capacity"),
    path("staff/<digits:code>/check-in/", views.check_in, name="check_in"),
    path("staff/<digits:code>/no-show/", views.no_show, name="no_show"),
    path("staff/<digits:code>/done/", views.done, name="done"),
]
