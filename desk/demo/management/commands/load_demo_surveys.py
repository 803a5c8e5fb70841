"""Demo survey invitations and responses, so the results page is not empty (run by load_demo;
safe to rerun): the demo citizen's ended requests are invited through the real service, and
three other citizens' completed requests of the last three months answered."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from desk.accounts.models import User
from desk.catalog.models import Service
from desk.lib import jalali, tracking
from desk.submissions.models import Status, Submission
from desk.surveys.models import Invitation, Response
from desk.surveys.services import (
    NOT_APPLICABLE,
    form_for_service,
    forms_install,
    invitation_create,
    response_save,
    version_in_force,
)

RESPONDERS = [
    ("2870500009", "+989121110001", "رضا", "کریمی"),
    ("4993180004", "+989121110002", "زهرا", "محمدی"),
    ("0316420001", "+989121110003", "علی", "حسینی"),
]
# One level of satisfaction per response (5 best); the red-flag item goes with it.
LEVELS = (5, 4, 4, 3, 2, 5, 4, 1, 3)
COMMENTS = {0: "کارمند میز خدمت با حوصله راهنمایی کرد.", 4: "دو بار برای یک مدرک رفتم."}


class Command(BaseCommand):
    help = "Load demo survey invitations and responses. Safe to rerun."

    def handle(self, *args: Any, **options: Any) -> None:
        forms_install()
        for pk in Submission.objects.filter(
            status__in=(Status.COMPLETED, Status.REJECTED), survey_invitation__isnull=True
        ).values_list("pk", flat=True):
            invitation_create(submission_id=pk)
        if Response.objects.exists():
            return
        with transaction.atomic():
            responders = [_citizen(*spec) for spec in RESPONDERS]
            services = list(Service.objects.select_related("agency").order_by("pk")[:3])
            for s, service in enumerate(services):
                for i, level in enumerate(LEVELS):
                    ended = timezone.now() - datetime.timedelta(days=3 + 10 * i + s)
                    invitation = _invitation(service, responders[i % 3], ended)
                    if invitation is not None and i % 4 != 3:  # a few left unanswered
                        response_save(
                            token=invitation.token, answers=_answers(invitation, level, i)
                        )
        self.stdout.write(f"demo surveys: {Response.objects.count()} responses")


def _citizen(code: str, mobile: str, first: str, last: str) -> User:
    user, created = User.objects.get_or_create(
        national_code=code,
        defaults={
            "username": f"citizen-{code}",
            "mobile": mobile,
            "first_name": first,
            "last_name": last,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _invitation(service: Service, citizen: User, ended: datetime.datetime) -> Invitation | None:
    form = form_for_service(service)
    version = version_in_force(form) if form else None
    if version is None:
        return None
    submission = Submission.objects.create(
        tracking_code=tracking.generate(),
        service=service,
        agency=service.agency,
        applicant=citizen,
        applicant_name=citizen.get_full_name(),
        applicant_national_code=citizen.national_code or "",
        applicant_mobile=citizen.mobile,
        data={},
        status=Status.COMPLETED,
        submitted_at=ended - datetime.timedelta(days=5),
        due_on=(ended + datetime.timedelta(days=2)).date(),
        closed_at=ended,
    )
    day = jalali.to_jalali(ended)
    return Invitation.objects.create(
        submission=submission,
        token=f"demo{submission.pk:08d}",
        form_version=version,
        agency=service.agency,
        service=service,
        province=service.agency.province,
        outcome="completed",
        mobile=citizen.mobile,
        year=day.year,
        month=day.month,
        created_at=ended,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )


def _answers(invitation: Invitation, level: int, i: int) -> dict[str, int | str | None]:
    answers: dict[str, int | str | None] = {}
    for question in invitation.form_version.questions.all():
        if question.kind == "text":
            answers[question.key] = COMMENTS.get(i, "")
        elif question.allow_not_applicable and i % 2:
            answers[question.key] = NOT_APPLICABLE
        else:
            answers[question.key] = max(1, min(5, level + (i + question.order) % 3 - 1))
    return answers
