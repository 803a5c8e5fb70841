"""The evaluation's world: a national and a provincial oversight agency with an evaluator
each, agency A (Tehran, the suite's municipality) and agency B (Tehran, the gas company) and
agency C (Isfahan), each with an admin; the directive's checklist (loaded by the migration)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from desk.accounts.models import User
from desk.agencies.models import Agency, OversightLevel, Role
from desk.core.uploads import check_document
from desk.evaluation import services
from desk.evaluation.defaults import CODE
from desk.evaluation.models import Assessment, Cycle, Indicator, Template
from desk.lib.jalali import today_tehran
from desk.test import PDF_BYTES, BaseTestCase, create_agency, create_staff


def evaluator_of(agency: Agency, username: str) -> User:
    return create_staff(agency, username, Role.EXPERT)


def answer(assessment: Assessment, indicator: Indicator, admin: User, score: int) -> None:
    """One indicator answered by the agency admin, with evidence where the checklist asks."""
    files = []
    if indicator.evidence_required:
        files = [check_document(SimpleUploadedFile("e.pdf", PDF_BYTES))]
    services.answer_save(
        actor=admin,
        assessment_id=assessment.pk,
        indicator_id=indicator.pk,
        self_score=score,
        self_note="انجام شد",
        files=files,
    )


def indicators(assessment: Assessment) -> list[Indicator]:
    return list(Indicator.objects.filter(axis__template=assessment.cycle.template))


def score_every(assessment: Assessment, evaluator: User, score: int) -> None:
    reviews = {
        i.pk: services.Review(score=score, comment="", question="") for i in indicators(assessment)
    }
    services.review_save(actor=evaluator, assessment_id=assessment.pk, reviews=reviews)


def finalize_all(assessment: Assessment, admin: User, evaluator: User, score: int) -> None:
    """Answered, sent, scored ``score`` everywhere and finalized, through the services."""
    for indicator in indicators(assessment):
        answer(assessment, indicator, admin, score)
    services.assessment_submit(actor=admin, assessment_id=assessment.pk)
    score_every(assessment, evaluator, score)
    services.assessment_finalize(actor=evaluator, assessment_id=assessment.pk)


class EvaluationTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        national = create_agency("سازمان اداری و استخدامی کشور", "aeo")
        national.oversight = OversightLevel.NATIONAL
        national.save()
        provincial = create_agency("اداره کل امور اداری استان اصفهان", "aeo-isfahan")
        provincial.oversight = OversightLevel.PROVINCIAL
        provincial.province = "اصفهان"
        provincial.save()
        self.evaluator = evaluator_of(national, "evaluator")
        self.second_evaluator = evaluator_of(national, "evaluator2")
        self.isfahan_evaluator = evaluator_of(provincial, "isfahan-evaluator")
        self.isfahan = create_agency("آب و فاضلاب اصفهان", "isfahan-water")
        self.isfahan.province = "اصفهان"
        self.isfahan.save()
        self.admin = self._admin(self.agency, "admin-a", "+989120000001")
        self.other_admin = self._admin(self.other_agency, "admin-b", "+989120000002")
        self.isfahan_admin = self._admin(self.isfahan, "admin-c", "+989120000003")
        self.template = Template.objects.get(code=CODE, version=1)

    def _admin(self, agency: Agency, username: str, mobile: str) -> User:
        user = create_staff(agency, username, Role.ADMIN)
        user.mobile = mobile
        user.save(update_fields=["mobile"])
        return user

    def open_cycle(self, *, province: str = "", **extra: Any) -> Cycle:
        today = today_tehran()
        fields: dict[str, Any] = {
            "title": "ارزیابی نیمه نخست ۱۴۰۵",
            "template": self.template,
            "province": province,
            "period_starts_on": today - datetime.timedelta(days=180),
            "period_ends_on": today,
            "self_due_on": today + datetime.timedelta(days=14),
            "objection_days": 10,
            **extra,
        }
        return services.cycle_open(actor=self.evaluator, **fields)

    def assessment_of(self, cycle: Cycle, agency: Agency) -> Assessment:
        return Assessment.objects.select_related("cycle", "agency").get(cycle=cycle, agency=agency)

    def fill_all(self, assessment: Assessment, admin: User, score: int = 3) -> None:
        """Every indicator answered with ``score``; evidence where the checklist requires it."""
        for indicator in indicators(assessment):
            answer(assessment, indicator, admin, score)

    def score_all(self, assessment: Assessment, evaluator: User, score: int) -> None:
        score_every(assessment, evaluator, score)

    def submitted(self, cycle: Cycle, agency: Agency, admin: User) -> Assessment:
        assessment = self.assessment_of(cycle, agency)
        self.fill_all(assessment, admin)
        services.assessment_submit(actor=admin, assessment_id=assessment.pk)
        return self.assessment_of(cycle, agency)

    def finalized(self, cycle: Cycle, agency: Agency, admin: User, score: int) -> Assessment:
        assessment = self.submitted(cycle, agency, admin)
        self.score_all(assessment, self.evaluator, score)
        services.assessment_finalize(actor=self.evaluator, assessment_id=assessment.pk)
        return self.assessment_of(cycle, agency)
