"""Demo evaluation: an open cycle for the country (opened by the national oversight body's
evaluator) with the municipality's self-assessment answered with evidence and sent, so that
the evaluator `aeo-evaluator` has one to score; the other agencies' are still open."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from desk.accounts.models import User
from desk.core.uploads import check_document
from desk.demo.complaints import MUNICIPALITY
from desk.demo.sample_pdf import sample_pdf
from desk.evaluation import services
from desk.evaluation.models import Assessment, Cycle, Indicator
from desk.lib.jalali import today_tehran

TITLE = "ارزیابی میز خدمت — نیمه دوم ۱۴۰۴"
EVALUATOR = "aeo-evaluator"
# The municipality's own view of itself, indicator code → self score (0–4); 3 for the rest.
SELF_SCORES = {"service-card": 4, "appointments": 2, "letters": 2, "no-connections": 4}


def evaluation_create() -> Cycle:
    """The demo cycle, once (a rerun finds it by title)."""
    existing = Cycle.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    today = today_tehran()
    cycle = services.cycle_open(
        actor=User.objects.get(username=EVALUATOR),
        title=TITLE,
        template=services.template_load_default(),
        province="",
        period_starts_on=today - datetime.timedelta(days=183),
        period_ends_on=today - datetime.timedelta(days=1),
        self_due_on=today + datetime.timedelta(days=14),
        objection_days=10,
    )
    assessment = Assessment.objects.get(cycle=cycle, agency__slug=MUNICIPALITY)
    admin = User.objects.get(username="tehran6-admin")
    for indicator in Indicator.objects.filter(axis__template=cycle.template):
        files = []
        if indicator.evidence_required:
            upload = SimpleUploadedFile("evidence.pdf", sample_pdf())
            files = [check_document(upload)]
        services.answer_save(
            actor=admin,
            assessment_id=assessment.pk,
            indicator_id=indicator.pk,
            self_score=SELF_SCORES.get(indicator.code, 3),
            self_note="گزارش شش‌ماهه میز خدمت شهرداری منطقه ۶ پیوست است.",
            files=files,
        )
    services.assessment_submit(actor=admin, assessment_id=assessment.pk)
    return cycle
