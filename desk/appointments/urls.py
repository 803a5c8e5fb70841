from __future__ import annotations

from django.urls import path

from desk.appointments import views

app_name = "appointments"
urlpatterns = [
    path("services/<slug:slug>/appointment/", views.book, name="book"),
    path("my/appointments/", views.my_appointments, name="mine"),
    path("my/appointments/<str:code>/", views.my_appointment, name="detail"),
    path("my/appointments/<str:code>/cancel/", views.cancel, name="cancel"),
    path("my/appointments/<str:code>/reschedule/", views.reschedule, name="reschedule"),
    path("staff/appointments/", views.desk, name="desk"),
    path("staff/appointments/new/", views.walk_in, name="walk_in"),
    path("staff/appointments/capacity/", views.capacity, name="capacity"),
    path("staff/appointments/<str:code>/check-in/", views.check_in, name="check_in"),
    path("staff/appointments/<str:code>/no-show/", views.no_show, name="no_show"),
    path("staff/appointments/<str:code>/done/", views.done, name="done"),
]
