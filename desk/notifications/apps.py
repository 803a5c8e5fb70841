from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "desk.notifications"
    label = "notifications"
    verbose_name = "پیامک‌ها و اعلان‌ها"
