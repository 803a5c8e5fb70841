from __future__ import annotations

from django.urls import path

from desk.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.failures, name="failures"),
    path("<int:message_id>/retry/", views.retry, name="retry"),
    path("templates/", views.templates, name="templates"),
    path("templates/<slug:event>/", views.template_edit, name="template_edit"),
    path(
        "templates/<slug:event>/preview/",
        views.template_preview,
        name="template_preview",
    ),
    path(
        "templates/<slug:event>/reset/",
        views.template_reset,
        name="template_reset",
    ),
    # Providers call these; the token is in the URL (Kavenegar's panel takes only a URL) or in
    # an X-Webhook-Token header.
    path("hooks/sms/<slug:provider>/receipts/", views.receipt_webhook, name="receipt_webhook"),
    path(
        "hooks/sms/<slug:provider>/receipts/<str:token>/",
        views.receipt_webhook,
        name="receipt_webhook",
    ),
    path("hooks/sms/<slug:provider>/inbound/", views.inbound_webhook, name="inbound_webhook"),
    path(
        "hooks/sms/<slug:provider>/inbound/<str:token>/",
        views.inbound_webhook,
        name="inbound_webhook",
    ),
]
