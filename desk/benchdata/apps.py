from __future__ import annotations

from django.apps import AppConfig


class BenchDataConfig(AppConfig):
    """Benchmark data: the generator (`manage.py bench_data`) and the fixtures the load driver
    needs (`manage.py bench_fixtures`). No models."""

    name = "desk.benchdata"
    label = "benchdata"
    verbose_name = "داده‌های سنجش کارایی"
