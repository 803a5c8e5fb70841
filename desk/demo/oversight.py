"""Demo oversight: a provincial oversight office for Tehran with its evaluator (the national
evaluator is the complaints demo's «aeo-evaluator»; each agency's head is «<prefix>-head»),
and the figures aggregated over the demo's days so the dashboards have something to show."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Min

from desk.agencies.models import Agency, OversightLevel
from desk.lib.jalali import today_tehran
from desk.oversight.aggregation import aggregate_days
from desk.oversight.models import AggregationRun
from desk.submissions.models import Submission

PROVINCIAL: dict[str, Any] = {
    "slug": "aeo-tehran",
    "name": "اداره کل امور اداری و استخدامی استان تهران",
    "description": "ارزیابی دستگاه‌های اجرایی استان تهران؛ به تجدیدنظرخواهی شهروندان رأی می‌دهد.",
    "province": "تهران",
    "city": "تهران",
    "oversight": OversightLevel.PROVINCIAL,
}
EVALUATOR: dict[str, Any] = {
    "username": "aeo-tehran-evaluator",
    "role": "expert",
    "first_name": "کاوه",
    "last_name": "صالحی",
    "title": "ارزیاب استانی",
}
# Who to name in the sign-in text: (username, what they see).
ACCOUNTS = (
    ("aeo-evaluator", "ارزیاب ملی: همه دستگاه‌ها (national evaluator)"),
    ("aeo-tehran-evaluator", "ارزیاب استان تهران (provincial evaluator)"),
    ("tehran6-head", "رئیس شهرداری منطقه ۶: فقط دستگاه خود (agency head)"),
)


def provincial_upsert() -> Agency:
    fields = {k: v for k, v in PROVINCIAL.items() if k != "slug"}
    agency, _created = Agency.objects.update_or_create(
        slug=PROVINCIAL["slug"], defaults={**fields, "is_active": True}
    )
    return agency


def figures_build() -> AggregationRun:
    """Every day from the demo's first request to today (re-running replaces the rows)."""
    today = today_tehran()
    first = Submission.objects.aggregate(first=Min("submitted_at"))["first"]
    start = today if first is None else min(first.date(), today) - datetime.timedelta(days=1)
    return aggregate_days(start, today, trigger="demo")
