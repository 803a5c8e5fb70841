from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("میز خدمت — مدیریت")
admin.site.site_title = _("میز خدمت")

urlpatterns = [
    path("", include("desk.catalog.urls")),
    path("", include("desk.appointments.urls")),  # before submissions: my/appointments/
    path("", include("desk.submissions.urls")),
    path("", include("desk.delivery.urls")),
    path("", include("desk.accounts.urls")),
    path("", include("desk.health.urls")),
    path("", include("desk.notifications.urls")),
    path("admin/", admin.site.urls),
]
