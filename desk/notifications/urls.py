from __future__ import annotations

from django.urls import path

from desk.notifications import views

app_name = "notifications"
urlpatterns = [
    path("staff/messages/", views.failures, name="failures"),
    path("staff/messages/<int:message_id>/retry/", views.retry, name="retry"),
    path("staff/messages/templates/", views.templates, name="templates"),
    path("staff/messages/templates/<slug:event>/", views.template_edit, name="template_edit"),
    path(
        "staff/messages/templates/<slug:event>/preview/",
        views.template_preview,
        name="template_preview",
    ),
    path(
        "staff/messages/templates/<slug:event>/reset/",
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
