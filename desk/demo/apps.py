from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py load_demo`): sits on top of every app and is imported by none."""

    name = "desk.demo"
    label = "demo"
    verbose_name = "داده‌های نمایشی"
