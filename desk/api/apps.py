from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "desk.api"
    label = "api"
    verbose_name = "رابط برنامه‌نویسی"
