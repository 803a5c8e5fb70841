from __future__ import annotations

from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "desk.submissions"
    label = "submissions"
    verbose_name = "درخواست‌ها"
